#include "scan/dns.hpp"

#include "scan/dns_rdata.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

namespace domainscan::scan {
namespace {

namespace json = boost::json;

constexpr int kA = rrtype::A, kNS = rrtype::NS, kSOA = rrtype::SOA, kMX = rrtype::MX, kTXT = rrtype::TXT,
              kAAAA = rrtype::AAAA, kCAA = rrtype::CAA;

const char* rcode_name(int rcode) {
  switch (rcode) {
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return "error";
  }
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

}  // namespace

boost::asio::awaitable<CheckResult> run_dns_check(UnboundResolver& resolver, const std::string& domain,
                                                  std::chrono::milliseconds timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto [a, aaaa, ns, mx, txt, caa, soa] =
      co_await (resolver.query(domain, kA, timeout) && resolver.query(domain, kAAAA, timeout) &&
                resolver.query(domain, kNS, timeout) && resolver.query(domain, kMX, timeout) &&
                resolver.query(domain, kTXT, timeout) && resolver.query(domain, kCAA, timeout) &&
                resolver.query(domain, kSOA, timeout));

  if (a.nxdomain || soa.nxdomain) {
    CheckResult r = check_error(fmt::format("{} does not exist (NXDOMAIN)", domain), false);
    r.nxdomain = true;
    co_return r;
  }

  const std::vector<std::pair<const char*, const DnsAnswer*>> all = {
      {"a", &a}, {"aaaa", &aaaa}, {"ns", &ns}, {"mx", &mx}, {"txt", &txt}, {"caa", &caa}, {"soa", &soa}};
  json::object errors;
  for (const auto& [key, answer] : all) {
    if (auto why = failure_of(*answer)) errors[key] = *why;
  }
  if (errors.size() == all.size()) {
    co_return check_error(fmt::format("no DNS answer for {}: {}", domain, json::value_to<std::string>(errors["soa"])),
                          true);
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
  std::vector<const DnsAnswer*> answers;
  for (const auto& [key, answer] : all) answers.push_back(answer);
  out["dnssec"] = dnssec_status(answers, resolver.validating());
  if (!errors.empty()) out["errors"] = std::move(errors);
  co_return r;
}

}  // namespace domainscan::scan
