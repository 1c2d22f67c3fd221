// The events a completed scan causes (watch/scan_events.hpp, watch/expiry.hpp).
#include "watch/scan_events.hpp"
#include "watch/expiry.hpp"

#include "core/time_format.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::watch {
namespace {

namespace json = boost::json;
using store::DomainStatus;

const TimePoint kNow = *parse_rfc3339("2026-11-29T12:00:00Z");
const std::vector<int> kThresholds = {30, 14, 7, 1};

// A scan whose certificate ends `not_after` and whose registration ends `expires`.
ScanSide scan_with(const std::string& not_after, const std::string& expires = "2030-01-01T00:00:00Z") {
  return ScanSide{"A", 90,
                  json::object{{"checks",
                                {{"tls", {{"status", "ok"}, {"certificate", {{"not_after", not_after}}}}},
                                 {"rdap", {{"status", "ok"}, {"expires", expires}}}}},
                               {"findings", json::array{}}}};
}

std::vector<std::string> types(const ScanEvents& e) {
  std::vector<std::string> out;
  for (const auto& ev : e.events) out.push_back(ev.type);
  return out;
}

ScanEvents events(const ScanSide& now, const store::Scan* previous = nullptr,
                  const std::vector<store::ExpiryAlert>& sent = {}, DomainStatus before = DomainStatus::ok,
                  DomainStatus after = DomainStatus::ok) {
  return events_for_scan(ScanFacts{previous, now, before, after, std::nullopt, std::nullopt}, kNow, kThresholds, sent);
}

store::Scan stored(const ScanSide& side, std::int64_t id) {
  store::Scan s;
  s.id = id;
  s.grade = side.grade;
  s.score = side.score;
  s.result_json = json::serialize(side.result);
  return s;
}

TEST(ScanEvents, AFirstScanTellsNoChangeButItsExpiries) {
  const auto e = events(scan_with("2026-12-05T12:00:00Z"));  // 6 days left
  EXPECT_EQ(types(e), std::vector<std::string>{"certificate.expiring"});
  const auto data = json::parse(e.events[0].data_json);
  // Thresholds 30, 14 and 7 are all crossed: one event, for the most urgent; all three told.
  EXPECT_EQ(data, (json::object{{"not_after", "2026-12-05T12:00:00Z"}, {"days_left", 6}, {"threshold", 7}}));
  EXPECT_EQ(e.events[0].once, (store::ExpiryAlert{"certificate", "2026-12-05T12:00:00Z", 7}));
  EXPECT_EQ(e.alerts.size(), 3u);
}

TEST(ScanEvents, EachThresholdIsToldOnceAndAgainOnlyAfterARenewal) {
  const std::string not_after = "2026-12-20T12:00:00Z";  // 21 days left
  auto e = events(scan_with(not_after));
  ASSERT_EQ(types(e), std::vector<std::string>{"certificate.expiring"});
  std::vector<store::ExpiryAlert> sent = e.alerts;
  EXPECT_EQ(sent, (std::vector<store::ExpiryAlert>{{"certificate", not_after, 30}}));

  const auto same = stored(scan_with(not_after), 1);
  EXPECT_TRUE(events(scan_with(not_after), &same, sent).events.empty());  // the next day's scan: nothing new

  // Renewed far from expiry: the certificate changed, and there is no expiry to tell.
  EXPECT_EQ(types(events(scan_with("2027-03-01T00:00:00Z"), &same, sent)), std::vector<std::string>{"domain.changed"});
  // The renewed certificate nearing its end is told again from the first threshold.
  const auto renewed = events(scan_with("2026-12-25T00:00:00Z"), nullptr, sent);
  EXPECT_EQ(types(renewed), std::vector<std::string>{"certificate.expiring"});
}

TEST(ScanEvents, RegistrationExpiryToo) {
  const auto e = events(scan_with("2030-01-01T00:00:00Z", "2026-12-01T00:00:00Z"));  // 1 day and a half
  EXPECT_EQ(types(e), std::vector<std::string>{"registration.expiring"});
  EXPECT_EQ(json::parse(e.events[0].data_json).at("threshold"), 1);
  EXPECT_EQ(json::parse(e.events[0].data_json).at("expires"), "2026-12-01T00:00:00Z");
}

TEST(ScanEvents, ADomainTurningBadAndRecovering) {
  const auto far = scan_with("2030-01-01T00:00:00Z");
  const auto prev = stored(far, 7);
  auto bad = events_for_scan(ScanFacts{&prev, far, DomainStatus::ok, DomainStatus::bad, std::nullopt, "unreachable"},
                             kNow, kThresholds, {});
  ASSERT_EQ(types(bad), std::vector<std::string>{"domain.bad"});
  EXPECT_EQ(json::parse(bad.events[0].data_json).at("bad_reason"), "unreachable");
  EXPECT_EQ(bad.events[0].previous_scan_id, 7);
  auto back = events_for_scan(ScanFacts{&prev, far, DomainStatus::bad, DomainStatus::ok, "unreachable", std::nullopt},
                              kNow, kThresholds, {});
  EXPECT_EQ(types(back), std::vector<std::string>{"domain.recovered"});
  // Still bad: nothing new to tell.
  EXPECT_TRUE(events_for_scan(ScanFacts{&prev, far, DomainStatus::bad, DomainStatus::bad, "unreachable", "unreachable"},
                              kNow, kThresholds, {})
                  .events.empty());
}

TEST(ScanEvents, AnExpiredCertificateIsToldOnceAtTheLastThreshold) {
  const auto e = events(scan_with("2026-11-20T00:00:00Z"));
  ASSERT_EQ(types(e), std::vector<std::string>{"certificate.expiring"});
  EXPECT_EQ(json::parse(e.events[0].data_json).at("days_left"), -10);
  EXPECT_EQ(json::parse(e.events[0].data_json).at("threshold"), 1);
  EXPECT_TRUE(events(scan_with("2026-11-20T00:00:00Z"), nullptr, e.alerts).events.empty());
}

// Only a check that completed, with a date that reads, tells an expiry: a failed check, a
// date of another shape or a result of another shape tells nothing (and never throws).
TEST(ScanEvents, NoExpiryFromWhatCannotBeRead) {
  const auto none = [](const json::object& result) { return expiry_events(result, kNow, kThresholds, {}).empty(); };
  auto failed = scan_with("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z").result;
  failed["checks"].as_object()["tls"].as_object()["status"] = "error";
  failed["checks"].as_object()["rdap"].as_object().erase("status");
  EXPECT_TRUE(none(failed));
  EXPECT_TRUE(none(scan_with("soon", "1 December 2026").result));
  EXPECT_TRUE(none(json::object{}));
  EXPECT_TRUE(none(json::object{{"checks", json::array{}}}));
  EXPECT_TRUE(none(json::object{{"checks", {{"tls", "ok"}, {"rdap", {{"status", "ok"}, {"expires", 20261201}}}}}}));
  EXPECT_TRUE(none(json::object{{"checks", {{"tls", {{"status", "ok"}, {"certificate", "CN=x"}}}}}}));
}

TEST(ScanEvents, ThresholdsInAnyOrderTellTheMostUrgent) {
  const auto e = expiry_events(scan_with("2026-12-05T12:00:00Z").result, kNow, {1, 7, 30, 14}, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(json::parse(e[0].event.data_json).at("threshold"), 7);
  EXPECT_EQ(e[0].crossed.size(), 3u);
  // Exactly at a threshold is within it: 7 days left crosses 7.
  const auto at = expiry_events(scan_with("2026-12-06T12:00:00Z").result, kNow, {7}, {});
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(json::parse(at[0].event.data_json).at("days_left"), 7);
  EXPECT_TRUE(expiry_events(scan_with("2026-12-07T12:00:00Z").result, kNow, {7}, {}).empty());
}

}  // namespace
}  // namespace domainscan::watch
