#include "scan/grading.hpp"

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

}  // namespace

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
