#pragma once
// Asynchronous DNS with libunbound, run by Asio: libunbound's event mode (ub_resolve_event)
// on an event base of our own (unbound_event_base.hpp), so its sockets and timers are
// serviced on the caller's io_context. No thread per query, and none for libunbound. DNSSEC
// is validated when trust anchors are set.
//
// libunbound is made for programs that ask a few questions; a scanner asks thousands at
// once, and some of them (names with dead name servers) are never answered. Its defaults
// let such names starve every other lookup: see tune_for_scanning() in the .cpp file.
#include "core/settings.hpp"
#include "scan/unbound_event_base.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct ub_ctx;

namespace domainscan::scan {

struct DnsAnswer {
  int rcode = 0;                       // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...
  bool nxdomain = false;
  bool secure = false;                 // validated by DNSSEC
  bool bogus = false;                  // DNSSEC validation failed
  bool timed_out = false;              // no answer within the query's timeout
  bool alias = false;                  // the name asked owns a CNAME (AnswerRecords::alias)
  std::string why_bogus;
  std::vector<std::string> rdata;      // wire-format rdata of each record
  std::optional<std::string> error;    // set when there is no answer at all (timeout, ...)
};

struct ResolverConfig {
  std::vector<HostPort> servers;                 // empty: the system's /etc/resolv.conf
  std::optional<std::string> trust_anchor_file;  // nullopt: no DNSSEC validation
  // Suffixes the operator allowed (--allow-suffix): unbound's built-in local zones for
  // special-use names (RFC 6761: test., invalid., ...) are made transparent for them so they
  // resolve. ("nodefault" is ignored when set through ub_ctx_set_option; "transparent" works.)
  std::vector<std::string> allowed_suffixes;
  // How many queries the caller may have waiting at once (a worker: its scans in flight
  // times the lookups of a scan). libunbound's own limits are sized from it.
  std::size_t max_in_flight = 4096;
};

class UnboundResolver {
 public:
  UnboundResolver(boost::asio::any_io_executor executor, const ResolverConfig& config);
  ~UnboundResolver();
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  // Never throws for DNS failures: a timeout or transport failure is DnsAnswer::error.
  boost::asio::awaitable<DnsAnswer> query(std::string name, int rrtype, std::chrono::milliseconds timeout);

  bool validating() const { return validating_; }
  // The servers the queries are forwarded to: the configured ones, or the name servers of
  // /etc/resolv.conf. (For diagnostics: the resolver itself picks among them.)
  const std::vector<HostPort>& upstreams() const { return upstreams_; }

 private:
  struct Pending;
  static void on_answer(void* data, int rcode, void* packet, int packet_length, int security, char* why_bogus,
                        int was_ratelimited);
  void forget(int async_id);
  boost::asio::awaitable<DnsAnswer> query_on_strand(std::string name, int rrtype, std::chrono::milliseconds timeout);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  UnboundEventBase events_;  // outlives ctx_: libunbound frees its events when the context goes
  std::unique_ptr<ub_ctx, void (*)(ub_ctx*)> ctx_;
  bool validating_ = false;
  std::vector<HostPort> upstreams_;
  std::map<int, std::shared_ptr<Pending>> pending_;  // by unbound's async id
};

}  // namespace domainscan::scan
