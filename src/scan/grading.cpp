#include "scan/grading.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace domainscan::scan {

int penalty(std::string_view severity) {
  if (severity == "critical") return 40;
  if (severity == "high") return 20;
  if (severity == "medium") return 10;
  if (severity == "low") return 3;
  return 0;  // info
}

namespace {

// Thresholds on the score; a critical finding (an expired or untrusted certificate, SPF
// +all, a malicious reputation) fails the domain whatever the rest looks like, and A+ is
// for domains with nothing worse than low findings.
const char* letter(int score, bool critical, bool medium_or_worse) {
  if (critical) return "F";
  if (score >= 95 && !medium_or_worse) return "A+";
  if (score >= 90) return "A";
  if (score >= 80) return "B";
  if (score >= 70) return "C";
  if (score >= 60) return "D";
  if (score >= 50) return "E";
  return "F";
}

std::string_view text_of(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

const boost::json::object* check_of(const boost::json::object& checks, const char* name) {
  const auto* c = checks.if_contains(name);
  return c && c->is_object() ? &c->as_object() : nullptr;
}

std::string_view status_of(const boost::json::object* check) { return check ? text_of(*check, "status") : "absent"; }

bool has_finding(const boost::json::array& findings, std::string_view check, std::string_view id = {}) {
  return std::any_of(findings.begin(), findings.end(), [&](const boost::json::value& f) {
    if (!f.is_object()) return false;
    return text_of(f.as_object(), "check") == check && (id.empty() || text_of(f.as_object(), "id") == id);
  });
}

// A check reached the domain's server when it reported what it saw: "ok", or an error
// that came with findings (a TLS handshake the server failed is an answer, not silence).
bool reached(const boost::json::object* check, std::string_view name, const boost::json::array& findings) {
  return status_of(check) == "ok" || (status_of(check) == "error" && has_finding(findings, name));
}

// Why the web checks could not run, in the words of the checks.
std::string why_no_web(const boost::json::object* tls, const boost::json::object* http) {
  if (status_of(tls) == "skipped" && status_of(http) == "skipped") {
    return fmt::format("neither TLS nor HTTP could be checked: {}", text_of(*tls, "reason"));
  }
  const auto* reported = status_of(http) == "error" ? http : tls;
  const auto what = reported ? text_of(*reported, status_of(reported) == "error" ? "error" : "reason") : "";
  return fmt::format("neither HTTPS nor HTTP answered{}{}", what.empty() ? "" : ": ", what);
}

}  // namespace

ScanGrade grade_scan(const boost::json::object& checks, const boost::json::array& findings) {
  ScanGrade out;
  const auto* dns = check_of(checks, "dns");
  if (status_of(dns) != "ok") {
    const auto kind = dns ? text_of(*dns, "error_kind") : "";
    if (kind == "NXDOMAIN") {
      out.reason = "the domain does not exist (NXDOMAIN)";
    } else if (kind == "REFUSED") {
      out.reason = "the scanner's DNS resolver refused to look the domain up: a problem of the scanner's setup";
    } else if (kind == "resolver_unreachable") {
      out.reason = "the scanner's DNS resolver does not answer: a problem of the scanner, not of the domain";
    } else {
      out.reason = fmt::format("the domain's DNS did not answer{}{}", kind.empty() ? "" : ": ", kind);
    }
    return out;
  }
  const auto* tls = check_of(checks, "tls");
  const auto* http = check_of(checks, "http");
  if (!reached(tls, "tls", findings) && !reached(http, "http", findings)) {
    out.reason = why_no_web(tls, http);
    return out;
  }

  boost::json::array all = findings;
  for (const char* name : {"tls", "http", "email"}) {
    const auto* c = check_of(checks, name);
    if (status_of(c) != "error" || has_finding(findings, name)) continue;
    // HTTPS that does not answer at all is already http.no_https: the same fact, counted once.
    if (std::string_view(name) == "tls" && has_finding(findings, "http", "http.no_https")) continue;
    boost::json::object f{{"id", fmt::format("{}.not_checked", name)},
                          {"check", name},
                          {"severity", "medium"},
                          {"message", fmt::format("the {} check could not run ({}): what it checks is unknown",
                                                  name, text_of(*c, "error"))}};
    out.findings.push_back(f);
    all.push_back(std::move(f));
  }
  const auto g = grade_findings(all);
  out.grade = g.grade;
  out.score = g.score;
  return out;
}

Grade grade_findings(const boost::json::array& findings) {
  int lost = 0;
  bool critical = false, medium_or_worse = false;
  for (const auto& f : findings) {
    const auto* severity = f.as_object().if_contains("severity");
    if (!severity || !severity->is_string()) continue;
    const std::string_view s = severity->as_string();
    lost += penalty(s);
    critical |= s == "critical";
    medium_or_worse |= s == "critical" || s == "high" || s == "medium";
  }
  Grade g;
  g.score = std::max(0, 100 - lost);
  g.grade = letter(g.score, critical, medium_or_worse);
  return g;
}

}  // namespace domainscan::scan
