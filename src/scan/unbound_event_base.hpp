#pragma once
// libunbound's pluggable event base (unbound-event.h) on Asio. With it libunbound resolves
// on the caller's io_context (ub_ctx_create_ub_event, ub_resolve_event): its sockets and
// timers are serviced here, on a strand, instead of by a thread of its own that every
// question and answer reaches through a pipe. That thread and its pipes were a third of a
// worker's CPU (docs/benchmarks.md).
//
// libunbound expects level-triggered readiness: it may read a TCP answer over several
// callbacks and leave the rest for the next one. Asio's reactor is edge-triggered, and would
// not wake for data already there. So libunbound's descriptors go into an epoll set of our
// own, level-triggered, and Asio waits on that set's one descriptor, which is readable while
// any of them is ready. Asio re-arms a wait with EPOLL_CTL_MOD, which reports a descriptor
// that is ready already, so a round that leaves data behind is followed by another.
// libunbound's timers are kept here in deadline order, and one steady_timer waits for the
// earliest.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <utility>
#include <vector>

struct ub_event_base;

namespace domainscan::scan {

class UnboundEventBase {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;

  // Everything (libunbound's calls into it, and the callbacks it makes) happens on `strand`.
  explicit UnboundEventBase(Strand strand);
  ~UnboundEventBase();
  UnboundEventBase(const UnboundEventBase&) = delete;
  UnboundEventBase& operator=(const UnboundEventBase&) = delete;

  // For ub_ctx_create_ub_event. libunbound never frees it: it must outlive the context.
  ub_event_base* get();

  // While active, libunbound's descriptors and timers are serviced, and keep the io_context
  // busy. While idle they wait, so that io_context::run() can return once no question is
  // waiting for an answer (a query given up on lives on inside libunbound until it gives up
  // too, and is taken up again with the next question).
  void set_active(bool active);

  // libunbound's events that exist, and those with a descriptor being watched (for tests).
  std::size_t events() const { return events_; }
  std::size_t watched_descriptors() const { return watched_; }

  // A ub_event, and the ub_event_base with its owner: public so that the functions of
  // libunbound's method tables (in the .cpp file) can reach them.
  struct Event;
  struct Base;

  // Called through libunbound's table of methods.
  Event* new_event(int fd, short bits, void (*callback)(int, short, void*), void* arg);
  int add(Event& ev, const struct timeval* timeout);  // 0, or -1 when epoll refused the descriptor
  void remove(Event& ev);                              // neither watched nor timed any more
  bool update_descriptor(Event& ev);                   // after its descriptor or bits changed
  void free(Event& ev);

 private:
  using Clock = std::chrono::steady_clock;
  void schedule(Event& ev, Clock::time_point deadline);
  void unschedule(Event& ev);
  void pump();
  void run_due_timers();
  void run_ready_descriptors();
  void arm();

  Strand strand_;
  std::unique_ptr<Base> base_;
  int epoll_fd_ = -1;
  boost::asio::posix::stream_descriptor ready_;  // the epoll set, readable while any descriptor is ready
  boost::asio::steady_timer timer_;
  std::set<std::pair<Clock::time_point, Event*>> deadlines_;
  std::vector<Event*> freed_while_dispatching_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // handlers outliving us see it expired
  bool active_ = false;
  bool dispatching_ = false;
  bool waiting_ = false;
  std::uint64_t wait_generation_ = 0;  // a wait from an earlier generation was given up on
  bool timer_armed_ = false;
  Clock::time_point timer_deadline_{};
  std::uint64_t timer_generation_ = 0;
  std::size_t events_ = 0;
  std::size_t watched_ = 0;
};

}  // namespace domainscan::scan
