#include "scan/unbound_resolver.hpp"

#include "core/open_files.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unbound.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace domainscan::scan {

namespace asio = boost::asio;

struct UnboundResolver::Pending {
  UnboundResolver* self;
  int async_id = 0;
  std::optional<DnsAnswer> answer;
  asio::steady_timer done;
  explicit Pending(UnboundResolver* s, const asio::strand<asio::any_io_executor>& strand)
      : self(s), done(strand) {}
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

DnsAnswer answer_from(int err, ub_result* result) {
  DnsAnswer a;
  if (err != 0 || result == nullptr) {
    a.error = fmt::format("resolver error: {}", ub_strerror(err));
    return a;
  }
  a.rcode = result->rcode;
  a.nxdomain = result->nxdomain != 0;
  a.secure = result->secure != 0;
  a.bogus = result->bogus != 0;
  if (result->why_bogus) a.why_bogus = result->why_bogus;
  if (result->havedata) {
    for (int i = 0; result->data[i] != nullptr; ++i) {
      a.rdata.emplace_back(result->data[i], static_cast<std::size_t>(result->len[i]));
    }
  }
  ub_resolve_free(result);
  return a;
}

}  // namespace

UnboundResolver::UnboundResolver(asio::any_io_executor executor, const ResolverConfig& config)
    : strand_(asio::make_strand(executor)), ctx_(ub_ctx_create(), &ub_ctx_delete), fd_(strand_) {
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
  // Background resolution in a thread of libunbound's own (not a process per context).
  check(ub_ctx_async(ctx_.get(), 1), "async mode");
  // Asio gets its own descriptor, so closing it never closes unbound's.
  const int fd = ::dup(ub_fd(ctx_.get()));
  if (fd < 0) throw std::runtime_error("libunbound: cannot duplicate its descriptor");
  fd_.assign(fd);
}

UnboundResolver::~UnboundResolver() {
  for (auto& [id, p] : pending_) ub_cancel(ctx_.get(), id);
  boost::system::error_code ec;
  fd_.close(ec);
}

void UnboundResolver::on_result(void* data, int err, ub_result* result) {
  auto* pending = static_cast<Pending*>(data);
  pending->answer = answer_from(err, result);
  pending->done.cancel();
  pending->self->pending_.erase(pending->async_id);
}

void UnboundResolver::watch() {
  if (watching_ || pending_.empty()) return;
  watching_ = true;
  fd_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    watching_ = false;
    if (ec && ec != asio::error::operation_aborted) {
      spdlog::error("libunbound: waiting for answers failed: {}", ec.message());
      return;  // the queries in flight end at their timeouts
    }
    if (!fd_.is_open()) return;
    if (!ec) {
      if (int rc = ub_process(ctx_.get()); rc != 0) spdlog::warn("libunbound: ub_process: {}", ub_strerror(rc));
    }
    watch();  // a query may have started after a cancelled wait
  });
}

asio::awaitable<DnsAnswer> UnboundResolver::query(std::string name, int rrtype, std::chrono::milliseconds timeout) {
  // All unbound state lives on the strand: ub_process, callbacks and bookkeeping.
  co_return co_await asio::co_spawn(strand_, query_on_strand(std::move(name), rrtype, timeout), asio::use_awaitable);
}

asio::awaitable<DnsAnswer> UnboundResolver::query_on_strand(std::string name, int rrtype,
                                                            std::chrono::milliseconds timeout) {
  auto pending = std::make_shared<Pending>(this, strand_);
  const int rc = ub_resolve_async(ctx_.get(), name.c_str(), rrtype, 1 /* IN */, pending.get(), &on_result,
                                  &pending->async_id);
  if (rc != 0) {
    DnsAnswer failed;
    failed.error = fmt::format("resolver error: {}", ub_strerror(rc));
    co_return failed;
  }
  // The callback may already have run inside ub_resolve_async (cached answers).
  if (!pending->answer) {
    pending_[pending->async_id] = pending;
    watch();
    pending->done.expires_after(timeout);
    boost::system::error_code ec;
    co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!pending->answer) {  // the timer ran out before the answer came
      ub_cancel(ctx_.get(), pending->async_id);
      pending_.erase(pending->async_id);
      // Nothing left to wait for: stop watching, or the armed wait would keep the
      // io_context busy forever (a one-shot `domainscan scan` would never return).
      if (pending_.empty()) fd_.cancel();
      DnsAnswer timed_out;
      timed_out.timed_out = true;
      timed_out.error = fmt::format("no answer within {} ms", timeout.count());
      co_return timed_out;
    }
  }
  co_return std::move(*pending->answer);
}

}  // namespace domainscan::scan
