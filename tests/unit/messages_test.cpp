// The message bodies of the contract, both ways.
#include "bus/messages.hpp"
#include "core/errors.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::bus {
namespace {

namespace json = boost::json;

TEST(Messages, ScanRequestedRoundTrip) {
  const auto body = to_json(ScanRequested{42, "example.com", "api"});
  EXPECT_EQ(json::parse(body), json::parse(R"({"v":1,"scan_id":42,"domain":"example.com","trigger":"api"})"));
  const auto back = parse_scan_requested(body);
  EXPECT_EQ(back.scan_id, 42);
  EXPECT_EQ(back.domain, "example.com");
  EXPECT_EQ(back.trigger, "api");
}

TEST(Messages, ScheduleRequestedCarriesCronOnlyForUpsert) {
  const auto upsert = json::parse(to_json(ScheduleRequested{"example.com", "upsert", "0 3 * * *", "UTC"}));
  EXPECT_EQ(upsert.at("cron"), "0 3 * * *");
  EXPECT_EQ(upsert.at("timezone"), "UTC");
  const auto del = json::parse(to_json(ScheduleRequested{"example.com", "delete", "", ""}));
  EXPECT_FALSE(del.as_object().contains("cron"));
  EXPECT_EQ(parse_schedule_requested(json::serialize(del)).action, "delete");
  EXPECT_EQ(parse_schedule_requested(json::serialize(upsert)).cron, "0 3 * * *");
}

TEST(Messages, ScanCompletedHasANullGradeWhenThereIsNone) {
  const auto v = json::parse(to_json(ScanCompleted{7, "example.com", "failed", std::nullopt}));
  EXPECT_TRUE(v.at("grade").is_null());
  EXPECT_EQ(v.at("v"), 1);
}

TEST(Messages, AnythingOutsideTheContractIsRefused) {
  for (const char* body : {"", "not json", "[]", R"({"scan_id":1,"domain":"a.com","trigger":"api"})",
                           R"({"v":2,"scan_id":1,"domain":"a.com","trigger":"api"})",
                           R"({"v":1,"scan_id":"1","domain":"a.com","trigger":"api"})",
                           R"({"v":1,"scan_id":0,"domain":"a.com","trigger":"api"})",
                           R"({"v":1,"scan_id":1,"domain":"","trigger":"api"})",
                           R"({"v":1,"scan_id":1,"domain":"a.com"})"}) {
    EXPECT_THROW(parse_scan_requested(body), ValidationError) << body;
  }
  EXPECT_THROW(parse_schedule_requested(R"({"v":1,"domain":"a.com","action":"pause"})"), ValidationError);
  EXPECT_THROW(parse_schedule_requested(R"({"v":1,"domain":"a.com","action":"upsert","cron":"* * * * *"})"),
               ValidationError);
}

}  // namespace
}  // namespace domainscan::bus
