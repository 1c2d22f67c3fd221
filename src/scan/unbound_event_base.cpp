#include "scan/unbound_event_base.hpp"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unbound-event.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <type_traits>

namespace domainscan::scan {

namespace asio = boost::asio;

// libunbound holds a pointer to `ub`, the first member; with a standard layout that pointer
// is also one to the whole Event.
struct UnboundEventBase::Event {
  ub_event ub;
  UnboundEventBase* owner;
  int fd;
  short bits;  // UB_EV_READ, UB_EV_WRITE, UB_EV_PERSIST, UB_EV_TIMEOUT
  void (*callback)(int, short, void*);
  void* arg;
  bool added;               // between ub_event_add (or ub_timer_add) and ub_event_del
  std::uint32_t watching;   // the epoll events its descriptor is in the set with; 0: not in it
  int watched_fd;           // the descriptor that is in the set (set_fd may have changed fd)
  bool has_timeout;
  std::chrono::microseconds timeout;
  bool scheduled;
  std::chrono::steady_clock::time_point deadline;
  bool freed;  // freed by libunbound during a round of callbacks; deleted after the round
};
static_assert(std::is_standard_layout_v<UnboundEventBase::Event>);

struct UnboundEventBase::Base {
  ub_event_base ub;
  UnboundEventBase* owner;
};
static_assert(std::is_standard_layout_v<UnboundEventBase::Base>);

namespace {

using Event = UnboundEventBase::Event;

Event& event_of(ub_event* ev) { return *reinterpret_cast<Event*>(ev); }
UnboundEventBase& owner_of(ub_event_base* base) { return *reinterpret_cast<UnboundEventBase::Base*>(base)->owner; }

// libunbound's method table for its events (unbound-event.h, struct ub_event_vmt).
void event_add_bits(ub_event* ev, short bits) {
  auto& e = event_of(ev);
  e.bits = static_cast<short>(e.bits | bits);
  e.owner->update_descriptor(e);
}
void event_del_bits(ub_event* ev, short bits) {
  auto& e = event_of(ev);
  e.bits = static_cast<short>(e.bits & ~bits);
  e.owner->update_descriptor(e);
}
void event_set_fd(ub_event* ev, int fd) {
  auto& e = event_of(ev);
  e.fd = fd;
  e.owner->update_descriptor(e);
}
void event_free(ub_event* ev) {
  if (ev != nullptr) event_of(ev).owner->free(event_of(ev));
}
int event_add(ub_event* ev, timeval* timeout) { return event_of(ev).owner->add(event_of(ev), timeout); }
int event_del(ub_event* ev) {
  event_of(ev).owner->remove(event_of(ev));
  return 0;
}
int timer_add(ub_event* ev, ub_event_base*, void (*callback)(int, short, void*), void* arg, timeval* timeout) {
  auto& e = event_of(ev);
  e.callback = callback;
  e.arg = arg;
  return e.owner->add(e, timeout);
}
int timer_del(ub_event* ev) { return event_del(ev); }
// The library never asks for signals (only unbound the daemon does), nor for WSA events.
int signal_add(ub_event*, timeval*) { return -1; }
int signal_del(ub_event*) { return -1; }
void winsock_unregister_wsaevent(ub_event*) {}
void winsock_tcp_wouldblock(ub_event*, int) {}

ub_event_vmt event_methods = {event_add_bits, event_del_bits, event_set_fd, event_free,
                              event_add,      event_del,      timer_add,    timer_del,
                              signal_add,     signal_del,     winsock_unregister_wsaevent, winsock_tcp_wouldblock};

// ... and for the base. libunbound never frees a base it was given, nor runs its loop in
// the modes used here (ub_resolve_event): the io_context is the loop.
void base_free(ub_event_base*) {}
int base_dispatch(ub_event_base*) { return -1; }
int base_loopexit(ub_event_base*, timeval*) { return 0; }
ub_event* base_new_event(ub_event_base* base, int fd, short bits, void (*callback)(int, short, void*), void* arg) {
  try {
    return &owner_of(base).new_event(fd, bits, callback, arg)->ub;
  } catch (const std::bad_alloc&) {
    return nullptr;  // libunbound reports it as a failed query
  }
}
ub_event* base_new_signal(ub_event_base*, int, void (*)(int, short, void*), void*) { return nullptr; }
ub_event* base_register_wsaevent(ub_event_base*, void*, void (*)(int, short, void*), void*) { return nullptr; }

ub_event_base_vmt base_methods = {base_free,       base_dispatch,   base_loopexit,
                                  base_new_event,  base_new_signal, base_register_wsaevent};

std::uint32_t epoll_events_for(short bits) {
  std::uint32_t events = 0;
  if (bits & UB_EV_READ) events |= EPOLLIN;
  if (bits & UB_EV_WRITE) events |= EPOLLOUT;
  return events;
}

constexpr std::size_t kReadyPerRound = 64;

}  // namespace

UnboundEventBase::UnboundEventBase(Strand strand)
    : strand_(std::move(strand)), base_(new Base{{UB_EVENT_MAGIC, &base_methods}, this}), ready_(strand_), timer_(strand_) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1 for libunbound's descriptors");
  ready_.assign(epoll_fd_);  // closes it when destroyed
}

UnboundEventBase::~UnboundEventBase() {
  alive_.reset();
  boost::system::error_code ignored;
  ready_.close(ignored);
  timer_.cancel();
  for (Event* e : freed_while_dispatching_) delete e;
}

ub_event_base* UnboundEventBase::get() { return &base_->ub; }

UnboundEventBase::Event* UnboundEventBase::new_event(int fd, short bits, void (*callback)(int, short, void*),
                                                     void* arg) {
  auto* e = new Event{{UB_EVENT_MAGIC, &event_methods}, this, fd, bits, callback, arg, false, 0, -1,
                      false, {},  false, {},   false};
  ++events_;
  return e;
}

int UnboundEventBase::add(Event& e, const timeval* timeout) {
  e.added = true;
  const bool watched = update_descriptor(e);
  if (timeout != nullptr) {
    e.has_timeout = true;
    e.timeout = std::chrono::seconds(timeout->tv_sec) + std::chrono::microseconds(timeout->tv_usec);
    schedule(e, Clock::now() + e.timeout);
  } else {
    e.has_timeout = false;
    unschedule(e);
  }
  if (!dispatching_) arm();  // a round of callbacks arms what it needs when it ends
  return watched ? 0 : -1;
}

void UnboundEventBase::remove(Event& e) {
  e.added = false;
  update_descriptor(e);
  unschedule(e);
}

bool UnboundEventBase::update_descriptor(Event& e) {
  const std::uint32_t wanted = e.added && e.fd >= 0 ? epoll_events_for(e.bits) : 0;
  if (e.watching != 0 && (wanted == 0 || e.watched_fd != e.fd)) {
    // It fails when libunbound closed the descriptor first, which took it out of the set.
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, e.watched_fd, nullptr);
    e.watching = 0;
    --watched_;
  }
  if (wanted == 0 || wanted == e.watching) return true;
  epoll_event interest{};
  interest.events = wanted;  // level-triggered, as libunbound expects
  interest.data.ptr = &e;
  const int op = e.watching == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (::epoll_ctl(epoll_fd_, op, e.fd, &interest) != 0) {
    spdlog::warn("libunbound: cannot watch descriptor {}: {}", e.fd, std::strerror(errno));
    return false;
  }
  if (e.watching == 0) ++watched_;
  e.watching = wanted;
  e.watched_fd = e.fd;
  return true;
}

void UnboundEventBase::free(Event& e) {
  remove(e);
  --events_;
  if (dispatching_) {  // a later callback of this round may still name it
    e.freed = true;
    freed_while_dispatching_.push_back(&e);
  } else {
    delete &e;
  }
}

void UnboundEventBase::schedule(Event& e, Clock::time_point deadline) {
  unschedule(e);
  deadlines_.emplace(deadline, &e);
  e.scheduled = true;
  e.deadline = deadline;
}

void UnboundEventBase::unschedule(Event& e) {
  if (!e.scheduled) return;
  deadlines_.erase({e.deadline, &e});
  e.scheduled = false;
}

void UnboundEventBase::set_active(bool active) {
  if (active) {
    active_ = true;
    arm();  // timers already due fire at once, and so does a wait on a ready set
    return;
  }
  if (!active_) return;
  active_ = false;
  // Idle: give up the waits, so that they no longer keep the io_context running.
  ++wait_generation_;
  ++timer_generation_;
  waiting_ = false;
  timer_armed_ = false;
  boost::system::error_code ignored;
  ready_.cancel(ignored);
  timer_.cancel();
}

void UnboundEventBase::pump() {
  if (!active_) return;
  dispatching_ = true;
  run_due_timers();
  run_ready_descriptors();
  dispatching_ = false;
  for (Event* e : freed_while_dispatching_) delete e;
  freed_while_dispatching_.clear();
  arm();
}

void UnboundEventBase::run_due_timers() {
  const auto now = Clock::now();
  // A persistent event with a zero timeout is due again at once: one turn each per round.
  for (std::size_t turns = deadlines_.size(); turns > 0 && !deadlines_.empty(); --turns) {
    const auto [deadline, event] = *deadlines_.begin();
    if (deadline > now) break;
    Event& e = *event;
    deadlines_.erase(deadlines_.begin());
    e.scheduled = false;
    if ((e.bits & UB_EV_PERSIST) == 0) {
      remove(e);  // a one-shot event is done once it fires
    } else if (e.has_timeout) {
      schedule(e, now + e.timeout);
    }
    e.callback(e.fd, UB_EV_TIMEOUT, e.arg);
  }
}

void UnboundEventBase::run_ready_descriptors() {
  std::array<epoll_event, kReadyPerRound> ready{};
  const int count = ::epoll_wait(epoll_fd_, ready.data(), static_cast<int>(ready.size()), 0);
  if (count < 0) {
    if (errno != EINTR) spdlog::error("libunbound: epoll_wait on its descriptors: {}", std::strerror(errno));
    return;
  }
  for (int i = 0; i < count; ++i) {
    Event& e = *static_cast<Event*>(ready[static_cast<std::size_t>(i)].data.ptr);
    if (e.freed || e.watching == 0) continue;  // freed or taken out by an earlier callback
    const std::uint32_t got = ready[static_cast<std::size_t>(i)].events;
    short what = 0;
    if ((e.bits & UB_EV_READ) && (got & (EPOLLIN | EPOLLERR | EPOLLHUP))) what |= UB_EV_READ;
    if ((e.bits & UB_EV_WRITE) && (got & (EPOLLOUT | EPOLLERR | EPOLLHUP))) what |= UB_EV_WRITE;
    if (what == 0) continue;
    if ((e.bits & UB_EV_PERSIST) == 0) {
      remove(e);
    } else if (e.has_timeout) {
      schedule(e, Clock::now() + e.timeout);  // a persistent event's timeout restarts with activity
    }
    e.callback(e.fd, what, e.arg);
  }
}

void UnboundEventBase::arm() {
  if (!active_) return;
  if (!waiting_) {
    waiting_ = true;
    const std::uint64_t generation = ++wait_generation_;
    ready_.async_wait(asio::posix::stream_descriptor::wait_read,
                      [this, alive = std::weak_ptr<char>(alive_), generation](boost::system::error_code ec) {
                        if (alive.expired() || generation != wait_generation_) return;
                        waiting_ = false;
                        if (ec) {
                          // Only if the epoll set itself failed: the questions waiting end at their timeouts.
                          if (ec != asio::error::operation_aborted)
                            spdlog::error("libunbound: waiting on its descriptors: {}", ec.message());
                          return;
                        }
                        pump();
                      });
  }
  if (deadlines_.empty()) return;
  const auto earliest = deadlines_.begin()->first;
  if (timer_armed_ && timer_deadline_ <= earliest) return;  // it wakes up in time; a round re-arms
  timer_armed_ = true;
  timer_deadline_ = earliest;
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(earliest);
  timer_.async_wait([this, alive = std::weak_ptr<char>(alive_), generation](boost::system::error_code ec) {
    if (alive.expired() || generation != timer_generation_) return;
    timer_armed_ = false;
    if (!ec) pump();
  });
}

}  // namespace domainscan::scan
