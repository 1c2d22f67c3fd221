// API keys in the store, on SQLite and PostgreSQL alike (store/store.hpp: create_api_key,
// list_api_keys, find_api_key, touch_api_key, revoke_api_key). The API's key tests run on
// SQLite; these keep the PostgreSQL side honest too.
#include "store/store.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace domainscan::store {
namespace {

class StoreApiKeysTest : public testing::StoreOnEachBackend {
 protected:
  static ApiKey key(const std::string& name, const std::string& scope, const std::string& hash) {
    return ApiKey{name, scope, "ds_" + name.substr(0, 6), hash, TimePoint(std::chrono::milliseconds(1'700'000'000'000)), {}};
  }
};

TEST_P(StoreApiKeysTest, CreatedKeysAreListedByNameAndFoundByTheirHash) {
  EXPECT_TRUE(store_->create_api_key(key("zeta", "read", std::string(64, 'a'))));
  EXPECT_TRUE(store_->create_api_key(key("alpha", "admin", std::string(64, 'b'))));
  // A name is taken once; nothing is written the second time.
  EXPECT_FALSE(store_->create_api_key(key("alpha", "read", std::string(64, 'c'))));

  const auto listed = store_->list_api_keys();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "alpha");
  EXPECT_EQ(listed[0].scope, "admin");
  EXPECT_EQ(listed[0].prefix, "ds_alpha");
  EXPECT_EQ(listed[0].created_at, TimePoint(std::chrono::milliseconds(1'700'000'000'000)));
  EXPECT_FALSE(listed[0].last_used_at);
  EXPECT_EQ(listed[1].name, "zeta");

  const auto found = store_->find_api_key(std::string(64, 'b'));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "alpha");
  EXPECT_FALSE(store_->find_api_key(std::string(64, 'c')));
}

TEST_P(StoreApiKeysTest, UseIsRecordedAndARevokedKeyIsGone) {
  ASSERT_TRUE(store_->create_api_key(key("ci", "write", std::string(64, 'd'))));
  const TimePoint used(std::chrono::milliseconds(1'800'000'000'000));
  store_->touch_api_key(std::string(64, 'd'), used);
  EXPECT_EQ(store_->find_api_key(std::string(64, 'd'))->last_used_at, std::optional<TimePoint>(used));

  EXPECT_TRUE(store_->revoke_api_key("ci"));
  EXPECT_FALSE(store_->find_api_key(std::string(64, 'd')));
  EXPECT_TRUE(store_->list_api_keys().empty());
  EXPECT_FALSE(store_->revoke_api_key("ci"));
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreApiKeysTest);

}  // namespace
}  // namespace domainscan::store
