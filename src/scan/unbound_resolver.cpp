#include "scan/unbound_resolver.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unbound.h>
#include <unistd.h>

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
  if (config.servers.empty()) {
    check(ub_ctx_resolvconf(ctx_.get(), nullptr), "reading /etc/resolv.conf");
  } else {
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
      timed_out.error = fmt::format("no answer within {} ms", timeout.count());
      co_return timed_out;
    }
  }
  co_return std::move(*pending->answer);
}

}  // namespace domainscan::scan
