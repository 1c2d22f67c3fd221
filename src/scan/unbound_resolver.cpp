#include "scan/unbound_resolver.hpp"

#include "core/open_files.hpp"
#include "scan/dns_answer_packet.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unbound-event.h>
#include <unbound.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace domainscan::scan {

namespace asio = boost::asio;

struct UnboundResolver::Pending {
  UnboundResolver* self;
  int rrtype;
  int async_id = 0;
  // In pending_, under async_id. An answer libunbound gives inside ub_resolve_event (its
  // local zones: localhost, ...) comes before the query has an id, with async_id still 0,
  // which is also an id libunbound gives once its counter wraps.
  bool registered = false;
  std::optional<DnsAnswer> answer;
  asio::steady_timer done;
  Pending(UnboundResolver* s, int type, const asio::strand<asio::any_io_executor>& strand)
      : self(s), rrtype(type), done(strand) {}
};

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(fmt::format("libunbound: {}: {}", what, ub_strerror(rc)));
}

void set_option(ub_ctx* ctx, const char* name, std::size_t value) {
  check(ub_ctx_set_option(ctx, name, std::to_string(value).c_str()), name);
}

// libunbound's defaults suit a program that asks a few questions of a resolver that always
// answers. A scanner asks thousands at once, and some names on any real list have name
// servers that never answer: the forwarder (the recursive resolver we ask) then takes
// seconds to give up on them, or never answers them at all. With the defaults, those names
// made every other lookup of the worker fail (issue 11), in three ways:
//  1. 16 outgoing sockets (outgoing-range) for all queries. Each unanswered query holds one
//     until it times out, and ub_cancel() does not end a query early (it only drops the
//     callback: libunbound goes on retrying it), so a handful of dead names took every
//     socket and healthy queries queued behind them past their deadline.
//  2. 1,024 queries at a time (num-queries-per-thread): past it, new queries push out
//     older ones, healthy ones included.
//  3. The forwarder's retransmit timeout is kept per server, for every name (the
//     infrastructure cache): each timeout doubles it, from a 50 ms floor meant for
//     authoritative servers, and after a few the server is put on probation (one query at a
//     time, the others SERVFAIL) or considered down (everything SERVFAILs) for up to 15
//     minutes. The forwarder being slow for one name says nothing about the others.
// So: sockets and query slots sized for what the caller has in flight, with room for the
// abandoned queries libunbound finishes on its own; a retransmit floor of a second, as
// unbound's manual advises for forwarders that recurse (an uncached name takes them
// hundreds of milliseconds, which is not a lost packet); and back-off state that lives one
// second (infra-host-ttl 0: kept for the second it was learnt in), so it never grows into
// probation or down.
constexpr std::size_t kMinOutgoingSockets = 256;
constexpr std::size_t kMaxOutgoingSockets = 16384;
constexpr std::size_t kRetransmitFloorMs = 1000;

void tune_for_scanning(ub_ctx* ctx, std::size_t max_in_flight) {
  // Twice what the caller may have waiting: abandoned queries live on inside libunbound
  // until it gives up on them (five tries at most).
  const std::size_t wanted = std::clamp<std::size_t>(2 * max_in_flight, kMinOutgoingSockets, kMaxOutgoingSockets);
  // Query slots cost memory only; sockets cost descriptors, of which half stay for the rest
  // of the process (TLS, HTTP, the database).
  const std::size_t fd_budget = static_cast<std::size_t>(open_file_limit() / 2);
  std::size_t sockets = wanted;
  if (sockets > fd_budget) {
    sockets = std::max<std::size_t>(fd_budget, 64);
    spdlog::warn("libunbound: {} open files allowed: {} sockets for DNS instead of {} (raise the limit: ulimit -n)",
                 open_file_limit(), sockets, wanted);
  }
  set_option(ctx, "outgoing-range:", sockets);
  set_option(ctx, "num-queries-per-thread:", wanted);
  // TCP: answers too large for UDP (long TXT sets, DNSKEY), retried over TCP.
  set_option(ctx, "outgoing-num-tcp:", std::clamp<std::size_t>(sockets / 16, 16, 256));
  set_option(ctx, "infra-cache-min-rtt:", kRetransmitFloorMs);
  set_option(ctx, "infra-host-ttl:", 0);
}

// The name servers of a resolv.conf ("nameserver ADDRESS" lines), as libunbound reads them.
std::vector<HostPort> resolv_conf_servers(const char* path) {
  std::vector<HostPort> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string keyword, address;
    if (words >> keyword >> address && keyword == "nameserver") {
      if (const auto scope = address.find('%'); scope != std::string::npos) address.resize(scope);
      out.push_back(HostPort{address, 53});
    }
  }
  return out;
}

// The answer as the DNS check reads it. A non-zero `rcode` is libunbound's own failure
// (SERVFAIL when no server answered, or validation failed): the message it hands over then is
// not the answer. Otherwise the message's header says what the answer was (NXDOMAIN among
// them: libunbound passes 0 for every answer it got).
DnsAnswer answer_from(int rcode, const void* message, int length, int rrtype, int security, const char* why_bogus) {
  DnsAnswer a;
  a.rcode = rcode;
  if (rcode == 0 && message != nullptr && length > 0) {
    try {
      auto records = read_answer(std::string_view(static_cast<const char*>(message), static_cast<std::size_t>(length)), rrtype);
      a.rcode = records.rcode;
      a.rdata = std::move(records.rdata);
      a.alias = records.alias;
    } catch (const std::invalid_argument& e) {
      a.error = fmt::format("unreadable answer: {}", e.what());
    }
  }
  a.nxdomain = a.rcode == 3;
  a.secure = security == 2;  // ub_resolve_event: 0 insecure or not validated, 1 bogus, 2 secure
  a.bogus = security == 1;
  if (why_bogus != nullptr) a.why_bogus = why_bogus;
  return a;
}

}  // namespace

UnboundResolver::UnboundResolver(asio::any_io_executor executor, const ResolverConfig& config)
    : strand_(asio::make_strand(executor)),
      events_(strand_),
      ctx_(ub_ctx_create_ub_event(events_.get()), &ub_ctx_delete) {
  if (!ctx_) throw std::runtime_error("libunbound: cannot create a context");
  // The resolvers we forward to may be on loopback (a local cache, the test bed).
  check(ub_ctx_set_option(ctx_.get(), "do-not-query-localhost:", "no"), "do-not-query-localhost");
  for (const auto& suffix : config.allowed_suffixes) {
    check(ub_ctx_set_option(ctx_.get(), "local-zone:", fmt::format("{}. transparent", suffix).c_str()), "local-zone");
  }
  tune_for_scanning(ctx_.get(), config.max_in_flight);
  if (config.servers.empty()) {
    check(ub_ctx_resolvconf(ctx_.get(), nullptr), "reading /etc/resolv.conf");
    upstreams_ = resolv_conf_servers("/etc/resolv.conf");
  } else {
    upstreams_ = config.servers;
    for (const auto& s : config.servers) {
      check(ub_ctx_set_fwd(ctx_.get(), fmt::format("{}@{}", s.host, s.port).c_str()), "forwarder");
    }
  }
  if (config.trust_anchor_file) {
    check(ub_ctx_add_ta_file(ctx_.get(), config.trust_anchor_file->c_str()), "trust anchor file");
    validating_ = true;
  }
}

UnboundResolver::~UnboundResolver() {
  // A query not cancelled would be answered SERVFAIL while the context is deleted.
  for (auto& [id, p] : pending_) ub_cancel(ctx_.get(), id);
  ctx_.reset();  // frees libunbound's events: before events_ goes
}

void UnboundResolver::on_answer(void* data, int rcode, void* message, int length, int security, char* why_bogus,
                                int /*was_ratelimited*/) {
  auto* pending = static_cast<Pending*>(data);
  try {
    pending->answer = answer_from(rcode, message, length, pending->rrtype, security, why_bogus);
  } catch (const std::exception& e) {  // out of memory: nothing may leave a C callback
    pending->answer.emplace();
    pending->answer->error = fmt::format("resolver error: {}", e.what());
  }
  pending->done.cancel();
  if (pending->registered) pending->self->forget(pending->async_id);
}

void UnboundResolver::forget(int async_id) {
  pending_.erase(async_id);
  // Nothing left to wait for: let libunbound's events rest, or their waits would keep the
  // io_context busy forever (a one-shot `domainscan scan` would never return).
  if (pending_.empty()) events_.set_active(false);
}

asio::awaitable<DnsAnswer> UnboundResolver::query(std::string name, int rrtype, std::chrono::milliseconds timeout) {
  // All unbound state lives on the strand: its events, callbacks and bookkeeping.
  co_return co_await asio::co_spawn(strand_, query_on_strand(std::move(name), rrtype, timeout), asio::use_awaitable);
}

asio::awaitable<DnsAnswer> UnboundResolver::query_on_strand(std::string name, int rrtype,
                                                            std::chrono::milliseconds timeout) {
  auto pending = std::make_shared<Pending>(this, rrtype, strand_);
  const int rc = ub_resolve_event(ctx_.get(), name.c_str(), rrtype, 1 /* IN */, pending.get(), &on_answer,
                                  &pending->async_id);
  if (rc != 0) {
    DnsAnswer failed;
    failed.error = fmt::format("resolver error: {}", ub_strerror(rc));
    co_return failed;
  }
  // The callback may already have run inside ub_resolve_event (cached answers).
  if (!pending->answer) {
    pending_[pending->async_id] = pending;
    pending->registered = true;
    events_.set_active(true);
    pending->done.expires_after(timeout);
    boost::system::error_code ec;
    co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!pending->answer) {  // the timer ran out before the answer came
      ub_cancel(ctx_.get(), pending->async_id);
      forget(pending->async_id);
      DnsAnswer timed_out;
      timed_out.timed_out = true;
      timed_out.error = fmt::format("no answer within {} ms", timeout.count());
      co_return timed_out;
    }
  }
  co_return std::move(*pending->answer);
}

}  // namespace domainscan::scan
