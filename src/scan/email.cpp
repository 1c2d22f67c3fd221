#include "scan/email.hpp"

#include "scan/dns_rdata.hpp"
#include "scan/email_records.hpp"
#include "scan/http_fetch.hpp"
#include "scan/target_address.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

#include <set>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCheck = "email";

struct TxtAnswer {
  std::vector<std::string> records;
  std::optional<std::string> error;  // the lookup failed (not: the name has no TXT records)
};

asio::awaitable<TxtAnswer> txt_records(UnboundResolver& resolver, const std::string& name,
                                       std::chrono::milliseconds timeout) {
  const auto answer = co_await resolver.query(name, rrtype::TXT, timeout);
  TxtAnswer out;
  if (answer.error) {
    out.error = *answer.error;
  } else if (answer.rcode != 0 && !answer.nxdomain) {
    out.error = fmt::format("DNS rcode {}", answer.rcode);
  }
  for (const auto& rd : answer.rdata) {
    try {
      out.records.push_back(rdata::txt(rd));
    } catch (const std::invalid_argument&) {
      // A malformed record is skipped; the others still count.
    }
  }
  co_return out;
}

template <class Pred>
std::vector<std::string> matching(const std::vector<std::string>& records, Pred pred) {
  std::vector<std::string> out;
  for (const auto& r : records) {
    if (pred(r)) out.push_back(r);
  }
  return out;
}

// The DNS lookups an SPF record causes, following includes and redirects (each of which
// is itself a lookup of its target's record). Stops as soon as the count passes the
// limit, and never follows a target twice (a loop is a permanent error anyway).
struct SpfCount {
  int lookups = 0;
  std::vector<std::string> errors;
};

asio::awaitable<void> count_spf_lookups(UnboundResolver& resolver, const email::SpfRecord& record,
                                        std::chrono::milliseconds timeout, std::set<std::string>& seen,
                                        SpfCount& count, int depth) {
  count.lookups += record.lookup_terms;
  std::vector<std::string> targets = record.includes;
  if (record.redirect) targets.push_back(*record.redirect);
  for (const auto& target : targets) {
    if (count.lookups > EmailCheck::kMaxSpfLookups || depth > EmailCheck::kMaxSpfLookups) co_return;
    if (!seen.insert(target).second) {
      count.errors.push_back(fmt::format("{} is included twice (a loop?)", target));
      continue;
    }
    const auto txt = co_await txt_records(resolver, target, timeout);
    const auto spf = matching(txt.records, [](const std::string& r) { return email::is_spf(r); });
    if (spf.size() != 1) {
      count.errors.push_back(fmt::format("{} has {} SPF records", target, spf.size()));
      continue;
    }
    // A named local, not a temporary in the co_await (GCC 12 destroys those twice).
    const auto included = email::parse_spf(spf.front());
    co_await count_spf_lookups(resolver, included, timeout, seen, count, depth + 1);
  }
}

json::value optional_value(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

bool has_null_mx(const json::object* dns) {
  if (dns == nullptr) return false;
  const auto* mx = dns->if_contains("mx");
  if (!mx || !mx->is_array() || mx->as_array().size() != 1) return false;
  const auto& only = mx->as_array().front().as_object();
  return only.at("preference").as_int64() == 0 && only.at("exchange").as_string().empty();
}

std::vector<std::string> dns_txt(const json::object* dns) {
  std::vector<std::string> out;
  if (dns == nullptr) return out;
  if (const auto* txt = dns->if_contains("txt"); txt && txt->is_array()) {
    for (const auto& v : txt->as_array()) out.emplace_back(v.as_string());
  }
  return out;
}

}  // namespace

EmailCheck::EmailCheck(asio::any_io_executor executor, const std::optional<std::string>& ca_file)
    : executor_(std::move(executor)), verify_(make_verifying_context(ca_file)) {}

asio::awaitable<CheckResult> EmailCheck::run(const ScanContext& ctx) {
  if (ctx.resolver == nullptr) co_return check_skipped("no DNS resolver");
  auto& resolver = *ctx.resolver;
  const auto& d = ctx.domain;
  using namespace asio::experimental::awaitable_operators;
  // Named locals, not temporaries in the co_await (GCC 12 destroys those twice).
  const std::string dmarc_name = "_dmarc." + d, sts_name = "_mta-sts." + d, rpt_name = "_smtp._tls." + d;
  auto [dmarc_txt, sts_txt, rpt_txt] =
      co_await (txt_records(resolver, dmarc_name, ctx.timeout) && txt_records(resolver, sts_name, ctx.timeout) &&
                txt_records(resolver, rpt_name, ctx.timeout));
  if (dmarc_txt.error && sts_txt.error && rpt_txt.error) {
    co_return check_error(fmt::format("no DNS answers: {}", *dmarc_txt.error), true);
  }

  CheckResult r;
  auto& out = r.json;
  out["status"] = "ok";
  const bool null_mx = has_null_mx(ctx.dns);
  out["null_mx"] = null_mx;

  // SPF.
  const auto spf_records = matching(dns_txt(ctx.dns), [](const std::string& t) { return email::is_spf(t); });
  json::object spf{{"record", nullptr}, {"all", nullptr}, {"lookups", 0}, {"includes", json::array{}},
                   {"errors", json::array{}}};
  if (spf_records.empty()) {
    r.add_finding(kCheck, "email.spf_missing", "medium", "the domain publishes no SPF record");
  } else if (spf_records.size() > 1) {
    spf["errors"] = json::array{"more than one SPF record (RFC 7208 3.2: a permanent error)"};
    r.add_finding(kCheck, "email.spf_multiple", "high",
                  fmt::format("the domain publishes {} SPF records; receivers treat that as an error", spf_records.size()));
  } else {
    const auto parsed = email::parse_spf(spf_records.front());
    std::set<std::string> seen{d};
    SpfCount count;
    co_await count_spf_lookups(resolver, parsed, ctx.timeout, seen, count, 0);
    json::array errors;
    for (const auto& e : parsed.errors) errors.emplace_back(e);
    for (const auto& e : count.errors) errors.emplace_back(e);
    json::array includes;
    for (const auto& i : parsed.includes) includes.emplace_back(i);
    spf = json::object{{"record", spf_records.front()}, {"all", optional_value(parsed.all)},
                       {"lookups", count.lookups}, {"includes", std::move(includes)}, {"errors", std::move(errors)}};
    if (parsed.all == "+all") {
      r.add_finding(kCheck, "email.spf_pass_all", "critical", "SPF ends in +all: anyone may send as this domain");
    } else if (!parsed.all && !parsed.redirect) {
      r.add_finding(kCheck, "email.spf_no_all", "low", "SPF has no 'all' mechanism: unlisted senders are neutral");
    } else if (parsed.all == "?all") {
      r.add_finding(kCheck, "email.spf_neutral_all", "low", "SPF ends in ?all: unlisted senders are neutral");
    }
    if (count.lookups > kMaxSpfLookups) {
      r.add_finding(kCheck, "email.spf_too_many_lookups", "high",
                    fmt::format("SPF needs more than {} DNS lookups (RFC 7208 4.6.4): a permanent error",
                                kMaxSpfLookups));
    }
  }
  out["spf"] = std::move(spf);

  // DMARC.
  const auto dmarc_records = matching(dmarc_txt.records, [](const std::string& t) { return email::is_dmarc(t); });
  json::object dmarc{{"record", nullptr}};
  if (dmarc_records.empty()) {
    r.add_finding(kCheck, "email.dmarc_missing", "medium", "the domain publishes no DMARC record (_dmarc)");
  } else if (dmarc_records.size() > 1) {
    r.add_finding(kCheck, "email.dmarc_multiple", "high", "more than one DMARC record: receivers ignore them all");
  } else {
    const auto tags = email::parse_tags(dmarc_records.front());
    dmarc = json::object{{"record", dmarc_records.front()},
                         {"policy", optional_value(email::tag(tags, "p"))},
                         {"subdomain_policy", optional_value(email::tag(tags, "sp"))},
                         {"pct", optional_value(email::tag(tags, "pct"))},
                         {"rua", optional_value(email::tag(tags, "rua"))},
                         {"ruf", optional_value(email::tag(tags, "ruf"))}};
    const auto p = email::tag(tags, "p");
    if (!p) {
      r.add_finding(kCheck, "email.dmarc_invalid", "medium", "the DMARC record has no policy (p=)");
    } else if (*p == "none") {
      r.add_finding(kCheck, "email.dmarc_policy_none", "low", "DMARC policy is p=none: failures are only reported");
    }
  }
  out["dmarc"] = std::move(dmarc);

  // MTA-STS: the record, then the policy over HTTPS from mta-sts.<domain>.
  const auto sts_records = matching(sts_txt.records, [](const std::string& t) { return email::is_mta_sts(t); });
  json::object sts{{"record", nullptr},
                   {"id", nullptr},
                   {"policy", nullptr},
                   {"error", nullptr},
                   {"certificate_valid", nullptr}};
  if (sts_records.size() == 1) {
    sts["record"] = sts_records.front();
    sts["id"] = optional_value(email::tag(email::parse_tags(sts_records.front()), "id"));
    const std::string policy_url = fmt::format("https://mta-sts.{}/.well-known/mta-sts.txt", d);
    const boost::urls::url url(boost::urls::parse_uri(policy_url).value());  // owns its text
    std::optional<std::string> error;
    const auto address = co_await target_address(ctx, url);
    if (const auto* none = std::get_if<NoTarget>(&address)) {
      error = none->why;
    } else {
      HttpFetchOptions options;
      options.max_body = kMaxPolicyBytes;
      options.verify = verify_;  // senders only trust a policy from a host whose certificate verifies
      const auto res = co_await http_fetch(executor_, url, std::get<asio::ip::address>(address), ctx.timeout,
                                           std::move(options));
      if (res.certificate_error) {
        const auto message = fmt::format("the certificate of mta-sts.{} does not verify ({}): senders ignore the "
                                         "policy",
                                         d, *res.certificate_error);
        sts["error"] = message;
        sts["certificate_valid"] = false;
        r.add_finding(kCheck, "email.mta_sts_certificate_invalid", "medium", message);
      } else if (res.error) {
        error = *res.error;
      } else {
        sts["certificate_valid"] = true;
        if (res.status != 200) {
          error = fmt::format("the policy answered HTTP {}", res.status);
        } else {
          const auto policy = email::parse_mta_sts_policy(res.body);
          json::array mx, errors;
          for (const auto& m : policy.mx) mx.emplace_back(m);
          for (const auto& e : policy.errors) errors.emplace_back(e);
          sts["policy"] = json::object{{"mode", optional_value(policy.mode)},
                                       {"max_age", policy.max_age ? json::value(*policy.max_age) : json::value(nullptr)},
                                       {"mx", std::move(mx)},
                                       {"errors", errors}};
          if (!policy.errors.empty()) error = policy.errors.front();
        }
      }
    }
    if (error) {
      sts["error"] = *error;
      r.add_finding(kCheck, "email.mta_sts_policy_error", "medium", "MTA-STS is announced but its policy: " + *error);
    }
  } else if (sts_records.size() > 1) {
    sts["error"] = "more than one MTA-STS record";
    r.add_finding(kCheck, "email.mta_sts_policy_error", "medium", "more than one MTA-STS record");
  }
  out["mta_sts"] = std::move(sts);

  // TLS-RPT.
  const auto rpt_records = matching(rpt_txt.records, [](const std::string& t) { return email::is_tls_rpt(t); });
  json::object rpt{{"record", nullptr}, {"rua", nullptr}};
  if (rpt_records.size() == 1) {
    rpt = json::object{{"record", rpt_records.front()},
                       {"rua", optional_value(email::tag(email::parse_tags(rpt_records.front()), "rua"))}};
  }
  out["tls_rpt"] = std::move(rpt);
  co_return r;
}

}  // namespace domainscan::scan
