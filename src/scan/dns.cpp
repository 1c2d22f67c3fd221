#include "scan/dns.hpp"

#include "scan/dns_direct_query.hpp"
#include "scan/dns_rdata.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace domainscan::scan {
namespace {

namespace json = boost::json;

constexpr int kA = rrtype::A, kNS = rrtype::NS, kSOA = rrtype::SOA, kMX = rrtype::MX, kTXT = rrtype::TXT,
              kAAAA = rrtype::AAAA, kCAA = rrtype::CAA, kCNAME = rrtype::CNAME;
// Resolvers give up on chains longer than this too.
constexpr std::size_t kMaxCnameHops = 8;
constexpr std::chrono::milliseconds kRefusalWait{1000};

const char* rcode_name(int rcode) {
  switch (rcode) {
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return "rcode_error";
  }
}

// What kind of failure an answer is, as the check reports it ("error_kind"): the response
// code's name, or "timeout" when nothing came; nullopt when it is a real answer (maybe empty).
std::optional<std::string> failure_kind(const DnsAnswer& a) {
  if (a.timed_out) return "timeout";
  if (a.error) return "resolver_error";
  if (a.bogus) return "bogus";
  if (a.nxdomain) return "NXDOMAIN";
  if (a.rcode != 0) return std::string(rcode_name(a.rcode));
  return std::nullopt;
}

// Why an answer holds no usable data, or nullopt when it is a real answer (maybe empty).
std::optional<std::string> failure_of(const DnsAnswer& a) {
  if (a.error) return a.error;
  if (a.bogus) return fmt::format("DNSSEC validation failed: {}", a.why_bogus);
  if (a.rcode != 0 && a.rcode != 3) return fmt::format("{} (rcode {})", rcode_name(a.rcode), a.rcode);
  return std::nullopt;
}

template <typename Decode>
json::array decode_all(const DnsAnswer& a, Decode decode) {
  json::array out;
  for (const auto& rd : a.rdata) {
    try {
      out.push_back(decode(rd));
    } catch (const std::invalid_argument&) {
      // A malformed record is left out; the others still count.
    }
  }
  return out;
}

std::string dnssec_status(const std::vector<const DnsAnswer*>& answers, bool validating) {
  if (!validating) return "indeterminate";
  bool any = false;
  bool all_secure = true;
  for (const auto* a : answers) {
    if (a->bogus) return "bogus";
    if (a->error) continue;
    any = true;
    all_secure = all_secure && a->secure;
  }
  if (!any) return "indeterminate";
  return all_secure ? "secure" : "insecure";
}

struct CnameChain {
  json::array names;  // the targets, in order
  bool loop = false;
  bool too_long = false;
};

// Follows the chain one CNAME query at a time (libunbound gives only its end): each
// target, until a name that is not an alias, a name seen before, or too many hops.
boost::asio::awaitable<CnameChain> follow_cname_chain(UnboundResolver& resolver, std::string domain,
                                                      std::string first_target, std::chrono::milliseconds timeout) {
  CnameChain chain;
  std::vector<std::string> seen{domain};
  std::string target = std::move(first_target);
  while (true) {
    if (std::find(seen.begin(), seen.end(), target) != seen.end()) {
      chain.loop = true;
      co_return chain;
    }
    if (chain.names.size() == kMaxCnameHops) {
      chain.too_long = true;
      co_return chain;
    }
    chain.names.emplace_back(target);
    seen.push_back(target);
    const auto next = co_await resolver.query(target, kCNAME, timeout);
    if (next.rdata.empty()) co_return chain;
    try {
      target = rdata::name(next.rdata.front());
    } catch (const std::invalid_argument&) {
      co_return chain;
    }
  }
}

// The check's error when no lookup of the domain was answered, with what kind of failure it
// was. libunbound turns a forwarder's REFUSED into its own SERVFAIL, so a SERVFAIL is asked
// again, once, of the forwarder itself, to tell the two apart: a refusal means the worker
// may not use that resolver, which is no fault of the domain.
boost::asio::awaitable<CheckResult> unanswered(UnboundResolver& resolver, const std::string& domain,
                                               const DnsAnswer& soa, std::chrono::milliseconds timeout) {
  std::string kind = failure_kind(soa).value_or("SERVFAIL");
  std::string message = fmt::format("no DNS answer for {}: {}", domain, failure_of(soa).value_or(kind));
  if ((kind == "SERVFAIL" || kind == "timeout") && !resolver.upstreams().empty()) {
    const auto& server = resolver.upstreams().front();
    const auto executor = co_await boost::asio::this_coro::executor;
    // A refusal needs no recursion: it comes at once, or this was not one.
    const auto rcode = co_await ask_rcode(executor, server, domain, kSOA, std::min(timeout, kRefusalWait));
    // A resolver that answers nothing, not even for localhost (which any resolver answers
    // itself, RFC 6761, without asking anyone), is down: that says nothing about the domain.
    // (Not a conditional expression around the co_await: GCC 12 miscompiles that.)
    auto alive = rcode;
    if (!alive) alive = co_await ask_rcode(executor, server, "localhost", kA, kRefusalWait);
    if (rcode == 5) {
      kind = "REFUSED";
      message = fmt::format("the resolver {} refused to answer for {} (REFUSED): is this worker allowed to use it?",
                            server.to_string(), domain);
    } else if (!alive) {
      kind = "resolver_unreachable";
      message = fmt::format("the resolver {} does not answer (not even for localhost): nothing is known of {}",
                            server.to_string(), domain);
    }
  }
  CheckResult r = check_error(std::move(message), true);
  r.json["error_kind"] = std::move(kind);
  co_return r;
}

}  // namespace

boost::asio::awaitable<CheckResult> run_dns_check(UnboundResolver& resolver, const std::string& domain,
                                                  std::chrono::milliseconds timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  // Whether the name exists first, with two lookups, and only then the other six: most names
  // a large import brings do not exist, and a lookup costs the worker about as much CPU as
  // the rest of such a scan. The second wave costs an existing name one more round trip to
  // the resolver, which has the zone's servers cached by then.
  auto [a, cname] = co_await (resolver.query(domain, kA, timeout) && resolver.query(domain, kCNAME, timeout));

  // An alias exists even when what it points at does not (a dangling CNAME).
  std::optional<std::string> first_target;
  if (!cname.rdata.empty()) {
    try {
      first_target = rdata::name(cname.rdata.front());
    } catch (const std::invalid_argument&) {
    }
  }
  // Both lookups must say so: one NXDOMAIN alone (a resolver's hiccup) is not enough.
  if (a.nxdomain && cname.nxdomain && !first_target) {
    CheckResult r = check_error(fmt::format("{} does not exist (NXDOMAIN)", domain), false);
    r.json["error_kind"] = "NXDOMAIN";
    r.nxdomain = true;
    co_return r;
  }
  // Neither answered (nor failed validation): the others would wait out the same timeout.
  if (failure_of(a) && failure_of(cname) && !a.bogus && !cname.bogus) {
    co_return co_await unanswered(resolver, domain, a, timeout);
  }
  auto [aaaa, ns, mx, txt, caa, soa] =
      co_await (resolver.query(domain, kAAAA, timeout) && resolver.query(domain, kNS, timeout) &&
                resolver.query(domain, kMX, timeout) && resolver.query(domain, kTXT, timeout) &&
                resolver.query(domain, kCAA, timeout) && resolver.query(domain, kSOA, timeout));

  const std::vector<std::pair<const char*, const DnsAnswer*>> all = {
      {"a", &a},     {"aaaa", &aaaa}, {"ns", &ns},  {"mx", &mx},
      {"txt", &txt}, {"caa", &caa},   {"soa", &soa}, {"cname", &cname}};
  json::object errors;
  for (const auto& [key, answer] : all) {
    if (auto why = failure_of(*answer)) errors[key] = *why;
  }
  const bool any_bogus = std::any_of(all.begin(), all.end(), [](const auto& entry) { return entry.second->bogus; });
  // Answers that fail DNSSEC validation did come: the domain is reachable, and broken.
  if (errors.size() == all.size() && !any_bogus) {
    co_return co_await unanswered(resolver, domain, soa, timeout);
  }

  CheckResult r;
  auto& out = r.json;
  out["status"] = "ok";
  out["a"] = decode_all(a, [](std::string_view rd) { return json::value(rdata::a(rd)); });
  out["aaaa"] = decode_all(aaaa, [](std::string_view rd) { return json::value(rdata::aaaa(rd)); });
  out["ns"] = decode_all(ns, [](std::string_view rd) { return json::value(rdata::name(rd)); });
  out["mx"] = decode_all(mx, [](std::string_view rd) {
    const auto m = rdata::mx(rd);
    return json::value{{"preference", m.preference}, {"exchange", m.exchange}};
  });
  out["txt"] = decode_all(txt, [](std::string_view rd) { return json::value(rdata::txt(rd)); });
  out["caa"] = decode_all(caa, [](std::string_view rd) {
    const auto c = rdata::caa(rd);
    return json::value{{"flags", c.flags}, {"tag", c.tag}, {"value", c.value}};
  });
  json::object soa_json;
  if (!soa.rdata.empty()) {
    try {
      const auto s = rdata::soa(soa.rdata.front());
      soa_json = {{"mname", s.mname},     {"rname", s.rname},   {"serial", s.serial}, {"refresh", s.refresh},
                  {"retry", s.retry},     {"expire", s.expire}, {"minimum", s.minimum}};
    } catch (const std::invalid_argument&) {
    }
  }
  out["soa"] = std::move(soa_json);
  out["cname"] = json::array{};
  bool broken_chain = false;  // the chain itself explains lookups that failed
  if (first_target) {
    const auto chain = co_await follow_cname_chain(resolver, domain, *first_target, timeout);
    out["cname"] = chain.names;
    const auto end = chain.names.empty() ? *first_target : std::string(chain.names.back().as_string());
    broken_chain = chain.loop || chain.too_long;
    if (chain.loop) {
      r.add_finding("dns", "dns.cname_loop", "medium", fmt::format("the CNAME chain of {} loops back on itself", domain));
    } else if (chain.too_long) {
      r.add_finding("dns", "dns.cname_chain_too_long", "medium",
                    fmt::format("the CNAME chain of {} is longer than {} names", domain, kMaxCnameHops));
    } else if (a.nxdomain) {
      r.add_finding("dns", "dns.cname_dangling", "high",
                    fmt::format("{} is an alias of {}, which does not exist: whoever registers that name controls "
                                "what {} serves",
                                domain, end, domain));
    }
  }
  std::vector<const DnsAnswer*> answers;
  for (const auto& [key, answer] : all) answers.push_back(answer);
  out["dnssec"] = dnssec_status(answers, resolver.validating());
  if (!errors.empty()) {
    // Some lookups failed while others were answered: a name server that fails for some
    // types (often AAAA or CAA) is broken, and what those lookups would have shown is unknown.
    std::string failed;
    for (const auto& [key, answer] : all) {
      if (!errors.contains(key) || answer->bogus) continue;
      failed += fmt::format("{}{} ({})", failed.empty() ? "" : ", ", key, failure_kind(*answer).value_or("error"));
    }
    if (!failed.empty() && !broken_chain) {
      r.add_finding("dns", "dns.lookup_failed", "medium",
                    fmt::format("some DNS lookups of {} failed: {}", domain, failed));
    }
    out["errors"] = std::move(errors);
  }
  if (out["dnssec"] == "bogus") {
    r.add_finding("dns", "dns.dnssec_bogus", "critical",
                  fmt::format("the DNSSEC signatures of {} do not validate: validating resolvers treat it as "
                              "nonexistent",
                              domain));
  }
  co_return r;
}

boost::asio::awaitable<CheckResult> run_address_lookup(UnboundResolver& resolver, const std::string& domain,
                                                       std::chrono::milliseconds timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  // Two lookups, no CNAME one: an alias shows in the address answers themselves (a dangling
  // alias too: its NXDOMAIN comes with the CNAME record, RFC 6604), and a CNAME lookup was a
  // third of the resolver's work for a scan of only the TLS and HTTP checks.
  auto [a, aaaa] = co_await (resolver.query(domain, kA, timeout) && resolver.query(domain, kAAAA, timeout));
  // Both lookups must say so: one NXDOMAIN alone (a resolver's hiccup) is not enough.
  if (a.nxdomain && aaaa.nxdomain && !a.alias && !aaaa.alias) {
    CheckResult r = check_error(fmt::format("{} does not exist (NXDOMAIN)", domain), false);
    r.json["error_kind"] = "NXDOMAIN";
    r.nxdomain = true;
    co_return r;
  }
  if (failure_of(a) && failure_of(aaaa) && !a.bogus && !aaaa.bogus) {
    co_return co_await unanswered(resolver, domain, a, timeout);
  }
  CheckResult r;
  r.json["status"] = "ok";
  r.json["a"] = decode_all(a, [](std::string_view rd) { return json::value(rdata::a(rd)); });
  r.json["aaaa"] = decode_all(aaaa, [](std::string_view rd) { return json::value(rdata::aaaa(rd)); });
  co_return r;
}

}  // namespace domainscan::scan
