#include "scan/engine.hpp"

#include "core/json_text.hpp"
#include "core/one_shot_event.hpp"

#include "scan/dns.hpp"
#include "scan/email.hpp"
#include "scan/grading.hpp"
#include "scan/http.hpp"
#include "scan/memory_reputation_ledger.hpp"
#include "scan/rdap.hpp"
#include "scan/reputation.hpp"
#include "scan/shared_tls_connection.hpp"
#include "scan/tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The DNS lookups one scan may have waiting at once: the DNS check's eight, the e-mail
// check's three, SPF includes and the hosts of redirects and policies after them.
constexpr std::size_t kLookupsPerScan = 16;

std::vector<asio::ip::address> addresses_of(const json::object& dns) {
  std::vector<asio::ip::address> out;
  for (const char* key : {"a", "aaaa"}) {
    const auto* list = dns.if_contains(key);
    if (!list || !list->is_array()) continue;
    for (const auto& v : list->as_array()) {
      boost::system::error_code ec;
      const auto a = asio::ip::make_address(std::string_view(v.as_string()), ec);
      if (!ec) out.push_back(a);
    }
  }
  return out;
}

// Work bounded by a deadline of its own, on top of its per-operation timeouts: however it
// misbehaves, it ends. nullopt: the deadline came first.
asio::awaitable<std::optional<CheckResult>> within(asio::awaitable<CheckResult> work, std::chrono::milliseconds deadline) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto outcome = co_await (std::move(work) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(outcome));
}

asio::awaitable<CheckResult> bounded(Check& check, const ScanContext& context, std::chrono::milliseconds deadline) {
  auto result = co_await within(check.run(context), deadline);
  if (!result) {
    co_return check_error(fmt::format("the {} check did not finish within {} ms", check.name(), deadline.count()), true);
  }
  co_return std::move(*result);
}

// The DNS phase bounded as a whole (each lookup has its own timeout, but the phase makes
// two waves of them and then follows a CNAME chain one hop at a time, up to eight).
asio::awaitable<CheckResult> bounded_dns(asio::awaitable<CheckResult> phase, std::chrono::milliseconds deadline) {
  auto result = co_await within(std::move(phase), deadline);
  if (!result) {
    auto r = check_error(fmt::format("the DNS lookups did not finish within {} ms", deadline.count()), true);
    r.json["error_kind"] = "timeout";
    co_return r;
  }
  co_return std::move(*result);
}

}  // namespace

std::string ScanReport::result_json() const {
  return json::serialize(json::object{{"checks", checks}, {"findings", findings}});
}

ScanEngine::ScanEngine(asio::any_io_executor executor, const Settings& settings, ReputationLedger* ledger)
    : executor_(executor),
      selected_(settings.checks),
      resolver_(executor, ResolverConfig{settings.dns_servers, settings.trust_anchor_file, settings.allow_suffixes,
                                         static_cast<std::size_t>(settings.scan_concurrency) * kLookupsPerScan}),
      policy_(settings.allow_targets), check_timeout_(settings.check_timeout) {
  auto tls = std::make_unique<TlsCheck>(executor, settings.ca_file);
  tls_ = tls.get();
  checks_.push_back(std::move(tls));
  checks_.push_back(std::make_unique<HttpCheck>(executor));
  checks_.push_back(std::make_unique<EmailCheck>(executor, settings.ca_file));
  checks_.push_back(std::make_unique<RdapCheck>(executor, settings.rdap_url, settings.ca_file));
  if (!ledger) {
    own_ledger_ = std::make_unique<MemoryReputationLedger>();
    ledger = own_ledger_.get();
  }
  checks_.push_back(std::make_unique<ReputationCheck>(
      executor,
      ReputationOptions{settings.virustotal_key, settings.virustotal_url, settings.virustotal_rate,
                        settings.virustotal_daily, settings.virustotal_cache, settings.ca_file},
      *ledger));
}

bool ScanEngine::selected(const std::string& check) const {
  return std::find(selected_.begin(), selected_.end(), check) != selected_.end();
}

asio::awaitable<std::vector<std::optional<CheckResult>>> ScanEngine::run_checks(Strand strand,
                                                                                const ScanContext& context,
                                                                                CheckFilter runs) {
  // The checks and their completions run on the scan's strand, like this coroutine: the
  // results and the count are shared without locks, and it cannot return while a completion
  // is still touching them. Scans stay concurrent with each other.
  std::vector<std::optional<CheckResult>> results(checks_.size());
  std::size_t remaining = 0;
  for (const auto& check : checks_) remaining += runs(*check) ? 1 : 0;
  OneShotEvent all_done(strand);
  const auto deadline = check_timeout_ * 2 + std::chrono::seconds(5);
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    if (!runs(*checks_[i])) continue;
    asio::co_spawn(strand, bounded(*checks_[i], context, deadline),
                   [&, i](std::exception_ptr error, CheckResult result) {
                     if (error) {
                       try {
                         std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                         spdlog::error("scan: the {} check of {} threw: {}", checks_[i]->name(), context.domain, e.what());
                         result = check_error(fmt::format("internal error: {}", e.what()), false);
                       }
                     }
                     results[i] = std::move(result);
                     if (--remaining == 0) all_done.set();
                   });
  }
  if (remaining > 0) co_await all_done.wait();
  co_return results;
}

asio::awaitable<ScanReport> ScanEngine::scan(const std::string& domain) {
  // A strand for each scan, for all of it. Its lookups and checks wait on several operations
  // at once with Asio's awaitable operators (`&&`, `||`: a parallel group), and Boost 1.81's
  // parallel group hooks its cancellation handler into the caller's slot only after it has
  // started its operations. On a multi-threaded io_context without a strand, the operations
  // can complete on another thread inside that gap and the caller run on, and the late hook
  // then races with the caller's next use of its slot (a worker under LeakSanitizer once
  // leaked the hook's memory so). On a strand, their completions wait for the launch to end.
  auto strand = asio::make_strand(executor_);
  co_return co_await asio::co_spawn(strand, scan_on_strand(strand, domain), asio::use_awaitable);
}

asio::awaitable<ScanReport> ScanEngine::scan_on_strand(Strand strand, std::string domain) {
  ScanReport report;
  // The e-mail check reads the DNS check's MX and TXT records.
  const bool full_dns = selected("dns") || selected("email");
  // (Not a conditional expression around the two co_awaits: GCC 12 miscompiles that.)
  CheckResult dns;
  // Time for both waves of lookups, a few hops of a chain, and the question that tells a
  // refusing resolver from a failing one.
  const auto dns_deadline = check_timeout_ * 4;
  if (full_dns) {
    dns = co_await bounded_dns(run_dns_check(resolver_, domain, check_timeout_), dns_deadline);
  } else {
    dns = co_await bounded_dns(run_address_lookup(resolver_, domain, check_timeout_), dns_deadline);
  }
  const auto not_selected = check_skipped("not selected (--checks)").json;
  // What the DNS found is reported when it was asked for, or when it explains the rest (the
  // domain does not exist, its DNS did not answer).
  report.checks["dns"] = full_dns || dns.json.at("status") != "ok" ? dns.json : not_selected;
  for (const auto& f : dns.findings) report.findings.push_back(f);
  report.nxdomain = dns.nxdomain;
  report.dns_unanswered = !dns.nxdomain && dns.json.at("status") == "error";
  const auto* error_kind = dns.json.if_contains("error_kind");
  report.resolver_refused = error_kind && *error_kind == "REFUSED";
  report.resolver_unreachable = error_kind && *error_kind == "resolver_unreachable";

  bool reached_any = dns.json.at("status") == "ok";
  bool failed_any = dns.network_failure;
  auto addresses = addresses_of(dns.json);
  // A domain that does not exist has no servers to ask: only its registry is asked.
  const CheckFilter runs = [&](const Check& check) {
    return selected(check.name()) && (!dns.nxdomain || check.asks_the_registry());
  };
  // The TLS and the HTTP check both connect to the first address over TLS: one handshake
  // for both (the checks skip an address the policy refuses, and so does this).
  std::optional<SharedTlsConnection> shared_tls;
  if (!dns.nxdomain && selected("tls") && selected("http") && !addresses.empty() && !policy_.refusal(addresses.front())) {
    shared_tls.emplace(tls_->report_context(), domain, addresses.front(), check_timeout_);
  }
  const ScanContext context{domain,   std::move(addresses), &dns.json,     &policy_,
                            &resolver_, check_timeout_,     shared_tls ? &*shared_tls : nullptr};
  auto results = co_await run_checks(strand, context, runs);
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    if (!results[i]) {
      report.checks[checks_[i]->name()] =
          selected(checks_[i]->name()) ? check_skipped("the domain does not exist").json : not_selected;
      continue;
    }
    auto& r = *results[i];
    if (checks_[i]->probes_the_domain()) {
      reached_any |= r.json.at("status") == "ok";
      failed_any |= r.network_failure;
    }
    report.scanner_failure |= r.scanner_failure;
    if (checks_[i]->asks_the_registry()) {
      const auto* registered = r.json.if_contains("registered");
      report.not_registered = registered && registered->is_bool() && !registered->as_bool();
    }
    for (auto& f : r.findings) report.findings.push_back(std::move(f));
    report.checks[checks_[i]->name()] = std::move(r.json);
  }
  report.every_check_unreachable = failed_any && !reached_any;
  // Whatever bytes the network gave (a Latin-1 TXT record, a header with a NUL), what is
  // reported, stored and graded is valid JSON text.
  json::value checks(std::move(report.checks));
  json::value findings(std::move(report.findings));
  if (make_json_text_valid(checks) + make_json_text_valid(findings) > 0) {
    spdlog::debug("scan: {}: bytes that are not UTF-8 text replaced in its report", domain);
  }
  report.checks = std::move(checks.as_object());
  report.findings = std::move(findings.as_array());
  if (report.scanner_failure) {
    // A check that could not run says nothing of the domain: no grade from the others.
    report.grade_reason =
        "the scanner ran out of local resources (file descriptors, memory or ports) during the scan: a problem "
        "of the scanner, not of the domain";
    co_return report;
  }
  const bool every_check = selected("dns") && std::all_of(checks_.begin(), checks_.end(),
                                                         [&](const auto& c) { return selected(c->name()); });
  if (!every_check && dns.json.at("status") == "ok") {
    // A grade weighs every check: a scan of some of them has its findings, not a grade.
    std::string ran;
    for (const auto& c : selected_) ran += (ran.empty() ? "" : ",") + c;
    report.grade_reason = fmt::format("only some checks ran (--checks {}): a grade needs them all", ran);
    co_return report;
  }
  auto graded = grade_scan(report.checks, report.findings);
  for (auto& f : graded.findings) report.findings.push_back(std::move(f));
  report.grade = std::move(graded.grade);
  report.score = graded.score;
  report.grade_reason = std::move(graded.reason);
  co_return report;
}

}  // namespace domainscan::scan
