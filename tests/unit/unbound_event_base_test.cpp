// The event base libunbound runs on (scan/unbound_event_base.*), driven here the way
// libunbound drives it: through the method tables of unbound-event.h, on socket pairs and
// timers, with an io_context as the loop.
#include "scan/unbound_event_base.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unbound-event.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <vector>

namespace domainscan::testing {
namespace {

namespace asio = boost::asio;
using scan::UnboundEventBase;
using namespace std::chrono_literals;

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  void send(std::string_view bytes) const { ASSERT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
};

// A callback of libunbound's shape that calls a std::function.
struct Handler {
  std::function<void(int, short)> on_event;
  static void call(int fd, short what, void* self) { static_cast<Handler*>(self)->on_event(fd, what); }
};

struct Fixture {
  asio::io_context io;
  UnboundEventBase events{asio::make_strand(io.get_executor())};
  ub_event_base* base = events.get();

  ub_event* make(int fd, short bits, Handler& handler) {
    return base->vmt->new_event(base, fd, bits, &Handler::call, &handler);
  }
};

int add(ub_event* ev, std::chrono::milliseconds timeout = 0ms) {
  timeval tv{0, static_cast<suseconds_t>(std::chrono::microseconds(timeout).count())};
  return ev->vmt->add(ev, timeout.count() > 0 ? &tv : nullptr);
}
int add_timer(ub_event* ev, ub_event_base* base, Handler& handler, std::chrono::milliseconds after) {
  timeval tv{0, static_cast<suseconds_t>(std::chrono::microseconds(after).count())};
  return ev->vmt->add_timer(ev, base, &Handler::call, &handler, &tv);
}
void del(ub_event* ev) { ev->vmt->del(ev); }
void release(ub_event* ev) { ev->vmt->free(ev); }

TEST(UnboundEventBase, ADescriptorLeftReadableIsReportedAgain) {
  // libunbound reads a TCP answer over as many callbacks as it takes: data left behind must
  // bring another callback without more arriving (Asio alone is edge-triggered).
  Fixture f;
  SocketPair pair;
  int calls = 0;
  ub_event* ev = nullptr;
  Handler reader{[&](int fd, short what) {
    EXPECT_EQ(what, UB_EV_READ);
    char byte;
    ASSERT_EQ(::read(fd, &byte, 1), 1);  // one byte a callback
    if (++calls == 3) {
      del(ev);
      f.events.set_active(false);
    }
  }};
  ev = f.make(pair.fds[0], UB_EV_READ | UB_EV_PERSIST, reader);
  ASSERT_EQ(add(ev), 0);
  EXPECT_EQ(f.events.watched_descriptors(), 1u);
  pair.send("abc");
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(f.io.stopped()) << "waits were left behind";
  EXPECT_EQ(f.events.watched_descriptors(), 0u);
  release(ev);
  EXPECT_EQ(f.events.events(), 0u);
}

TEST(UnboundEventBase, TimersFireOnceEachInDeadlineOrder) {
  Fixture f;
  std::vector<int> fired;
  Handler first{[&](int, short what) {
    EXPECT_EQ(what, UB_EV_TIMEOUT);
    fired.push_back(10);
  }};
  Handler second{[&](int, short) { fired.push_back(20); }};
  Handler third{[&](int, short) {
    fired.push_back(30);
    f.events.set_active(false);
  }};
  ub_event* timers[] = {f.make(-1, UB_EV_TIMEOUT, third), f.make(-1, UB_EV_TIMEOUT, first),
                        f.make(-1, UB_EV_TIMEOUT, second)};
  add_timer(timers[0], f.base, third, 60ms);
  add_timer(timers[1], f.base, first, 20ms);
  add_timer(timers[2], f.base, second, 40ms);
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(fired, (std::vector<int>{10, 20, 30}));
  for (auto* t : timers) release(t);
}

TEST(UnboundEventBase, ADeletedTimerDoesNotFire) {
  Fixture f;
  bool fired = false;
  Handler never{[&](int, short) { fired = true; }};
  Handler stop{[&](int, short) { f.events.set_active(false); }};
  ub_event* cancelled = f.make(-1, UB_EV_TIMEOUT, never);
  ub_event* later = f.make(-1, UB_EV_TIMEOUT, stop);
  add_timer(cancelled, f.base, never, 10ms);
  add_timer(later, f.base, stop, 50ms);
  ASSERT_EQ(cancelled->vmt->del_timer(cancelled), 0);
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_FALSE(fired);
  release(cancelled);
  release(later);
}

TEST(UnboundEventBase, IdleLeavesTheIoContextFreeAndActiveTakesUpWhatWaited) {
  Fixture f;
  SocketPair pair;
  int calls = 0;
  Handler reader{[&](int fd, short) {
    char buffer[8];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
    ++calls;
    f.events.set_active(false);
  }};
  ub_event* ev = f.make(pair.fds[0], UB_EV_READ | UB_EV_PERSIST, reader);
  add(ev);
  f.events.set_active(true);
  f.events.set_active(false);
  pair.send("x");  // arrives while idle
  f.io.run_for(5s);
  EXPECT_TRUE(f.io.stopped());
  EXPECT_EQ(calls, 0);
  f.io.restart();
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(f.io.stopped());
  del(ev);
  release(ev);
}

TEST(UnboundEventBase, AnEventFreedByAnEarlierCallbackOfTheSameRoundIsNotCalled) {
  Fixture f;
  SocketPair one, two;
  int calls = 0;
  ub_event* events[2] = {nullptr, nullptr};
  // Whichever is called first frees the other, which is ready in the same round.
  Handler handlers[2];
  for (int i = 0; i < 2; ++i) {
    handlers[i].on_event = [&, i](int fd, short) {
      char byte;
      (void)::read(fd, &byte, 1);
      ++calls;
      ub_event*& other = events[1 - i];
      if (other != nullptr) {
        del(other);
        release(other);
        other = nullptr;
      }
      f.events.set_active(false);
    };
  }
  events[0] = f.make(one.fds[0], UB_EV_READ | UB_EV_PERSIST, handlers[0]);
  events[1] = f.make(two.fds[0], UB_EV_READ | UB_EV_PERSIST, handlers[1]);
  add(events[0]);
  add(events[1]);
  one.send("a");
  two.send("b");
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(calls, 1);
  for (auto* ev : events) {
    if (ev != nullptr) {
      del(ev);
      release(ev);
    }
  }
  EXPECT_EQ(f.events.events(), 0u);
}

TEST(UnboundEventBase, APersistentEventTimesOutAgainWhileNothingHappens) {
  // libunbound's TCP connections: read interest with a timeout that restarts.
  Fixture f;
  SocketPair pair;
  std::vector<short> seen;
  ub_event* ev = nullptr;
  Handler handler{[&](int, short what) {
    seen.push_back(what);
    if (seen.size() == 2) {
      del(ev);
      f.events.set_active(false);
    }
  }};
  ev = f.make(pair.fds[0], UB_EV_READ | UB_EV_PERSIST | UB_EV_TIMEOUT, handler);
  add(ev, 20ms);
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(seen, (std::vector<short>{UB_EV_TIMEOUT, UB_EV_TIMEOUT}));
  release(ev);
}

TEST(UnboundEventBase, AOneShotEventFiresOnceAndIsThenNoLongerWatched) {
  Fixture f;
  SocketPair pair;
  int calls = 0;
  Handler writer{[&](int, short what) {
    EXPECT_EQ(what, UB_EV_WRITE);
    ++calls;
  }};
  Handler stop{[&](int, short) { f.events.set_active(false); }};
  ub_event* ev = f.make(pair.fds[0], UB_EV_WRITE, writer);  // no UB_EV_PERSIST; always writable
  ub_event* timer = f.make(-1, UB_EV_TIMEOUT, stop);
  add(ev);
  add_timer(timer, f.base, stop, 50ms);
  f.events.set_active(true);
  f.io.run_for(5s);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(f.events.watched_descriptors(), 0u);
  release(ev);
  release(timer);
}

}  // namespace
}  // namespace domainscan::testing
