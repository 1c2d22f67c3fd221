// libunbound's CPU a query in its two asynchronous modes, on the same questions to the same
// forwarder (bench/run-unbound-modes.sh starts the test bed's resolver):
//  - thread: what the resolver used until 2026-12-05: ub_resolve_async with ub_ctx_async(1).
//    Each question goes through a pipe to libunbound's own thread and each answer back
//    through another, read with ub_process.
//  - event: ub_resolve_event on an event base run by the caller's thread (libevent here), so
//    there is neither the thread nor the pipes. The resolver now uses this mode, on an event
//    base of its own on Asio (scan/unbound_event_base.cpp); this measures libunbound alone.
//  - event-tcp: the event mode with tcp-upstream, the questions to the forwarder pipelined
//    over a few TCP connections instead of a UDP socket each (measured, not used: see
//    docs/benchmarks.md, "tcmalloc instead of glibc's malloc").
// It keeps IN_FLIGHT questions waiting (the eight types of the DNS check, for fresh names of
// ZONE) and prints queries a second and CPU (user + system, every thread) a query.
//   unbound_modes thread|event|event-tcp ADDRESS@PORT ZONE QUERIES [IN_FLIGHT=256]
#include <event2/event.h>
#include <poll.h>
#include <sys/resource.h>
#include <unbound-event.h>
#include <unbound.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

struct Run {
  bool event_mode = false;
  std::string zone;
  int total = 0;
  int started = 0;
  int answered = 0;
  int failed = 0;
  ub_ctx* ctx = nullptr;
};
Run run;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void ask_next();
void answered(int err) {
  ++run.answered;
  if (err != 0) ++run.failed;
  if (run.started < run.total) ask_next();
}
void on_thread_answer(void*, int err, ub_result* result) {
  if (result) ub_resolve_free(result);
  answered(err);
}
void on_event_answer(void*, int rcode, void*, int, int, char*, int) { answered(rcode == 2 ? 1 : 0); }

void ask_next() {
  static constexpr int kTypes[] = {1, 28, 2, 15, 16, 257, 6, 5};  // A AAAA NS MX TXT CAA SOA CNAME
  std::string name = std::to_string(run.started / 8);
  name.insert(name.begin(), 'm');
  name += '.';
  name += run.zone;
  const int type = kTypes[run.started % 8];
  ++run.started;
  int id = 0;
  const int rc = run.event_mode ? ub_resolve_event(run.ctx, name.c_str(), type, 1, nullptr, on_event_answer, &id)
                                : ub_resolve_async(run.ctx, name.c_str(), type, 1, nullptr, on_thread_answer, &id);
  if (rc != 0) {
    std::fprintf(stderr, "unbound_modes: %s\n", ub_strerror(rc));
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 5 || (mode != "thread" && mode != "event" && mode != "event-tcp")) {
    std::fprintf(stderr, "usage: unbound_modes thread|event|event-tcp ADDRESS@PORT ZONE QUERIES [IN_FLIGHT]\n");
    return 2;
  }
  run.event_mode = mode == "event" || mode == "event-tcp";
  run.zone = argv[3];
  run.total = std::atoi(argv[4]);
  const int in_flight = argc > 5 ? std::atoi(argv[5]) : 256;

  std::unique_ptr<event_base, void (*)(event_base*)> base(run.event_mode ? event_base_new() : nullptr, &event_base_free);
  std::unique_ptr<ub_ctx, void (*)(ub_ctx*)> ctx(run.event_mode ? ub_ctx_create_event(base.get()) : ub_ctx_create(),
                                                 &ub_ctx_delete);
  if (!ctx) return 1;
  run.ctx = ctx.get();
  if (!run.event_mode) ub_ctx_async(run.ctx, 1);
  // As the resolver sets them for a scanner (scan/unbound_resolver.cpp).
  ub_ctx_set_option(run.ctx, "do-not-query-localhost:", "no");
  ub_ctx_set_option(run.ctx, "local-zone:", "test. transparent");
  ub_ctx_set_option(run.ctx, "outgoing-range:", std::to_string(2 * in_flight).c_str());
  ub_ctx_set_option(run.ctx, "num-queries-per-thread:", std::to_string(2 * in_flight).c_str());
  ub_ctx_set_option(run.ctx, "infra-cache-min-rtt:", "1000");
  if (mode == "event-tcp") {
    ub_ctx_set_option(run.ctx, "tcp-upstream:", "yes");
    ub_ctx_set_option(run.ctx, "outgoing-num-tcp:", "16");
  }
  ub_ctx_set_fwd(run.ctx, argv[2]);

  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  while (run.started < in_flight && run.started < run.total) ask_next();
  while (run.answered < run.total) {
    if (run.event_mode) {
      event_base_loop(base.get(), EVLOOP_ONCE);
    } else {
      pollfd p{ub_fd(run.ctx), POLLIN, 0};
      poll(&p, 1, 1000);
      ub_process(run.ctx);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-9s %8d queries %6.2f s %8.0f queries/s %7.1f us CPU a query (%d failed)\n", argv[1], run.total,
              seconds, run.total / seconds, (cpu_seconds() - cpu_start) * 1e6 / run.total, run.failed);
  return 0;
}
