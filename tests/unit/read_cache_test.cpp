// The read cache's rules (api/read_cache.hpp) with a counter the test moves by hand.
#include "api/read_cache.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

using api::Lifetime;
using api::ReadCache;
using api::Response;
namespace http = api::http;

class HandCounter final : public store::ChangeCounter {
 public:
  explicit HandCounter(store::ChangeVersions& versions) : versions_(versions) {}
  store::ChangeVersions current() override { return versions_; }

 private:
  store::ChangeVersions& versions_;
};

Response answer(const std::string& body, http::status status = http::status::ok) {
  Response r(status, 11);
  r.body() = body;
  r.prepare_payload();
  return r;
}

class ReadCacheTest : public ::testing::Test {
 protected:
  store::ChangeVersions counter{7, 3};
  ReadCache cache{std::make_unique<HandCounter>(counter)};
  void keep(const std::string& key, const ReadCache::Lookup& at, const Response& a,
            Lifetime lifetime = Lifetime::until_any_change) {
    cache.keep(key, at, a, lifetime);
  }
};

TEST_F(ReadCacheTest, AnAnswerIsGivenAgainWhileNothingChanges) {
  const auto first = cache.find("domain a.test");
  EXPECT_FALSE(first.hit);
  keep("domain a.test", first, answer("a"));
  const auto second = cache.find("domain a.test");
  ASSERT_TRUE(second.hit);
  EXPECT_EQ(second.hit->body(), "a");
  EXPECT_FALSE(cache.find("domain b.test").hit);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST_F(ReadCacheTest, AnyChangeAndEveryAnswerIsMadeAgain) {
  keep("domain a.test", cache.find("domain a.test"), answer("a"));
  counter.any = 8;
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

TEST_F(ReadCacheTest, AnAnswerReadBeforeAChangeIsNotKept) {
  const auto before = cache.find("domain a.test");  // the database is read at 7...
  counter.any = 8;                                       // ...a change lands...
  keep("domain b.test", cache.find("domain b.test"), answer("b at 8"));
  keep("domain a.test", before, answer("a at 7"));  // ...and the old answer arrives last
  EXPECT_FALSE(cache.find("domain a.test").hit);
  EXPECT_TRUE(cache.find("domain b.test").hit);
}

TEST_F(ReadCacheTest, ThisProcessDeletingForgetsEverythingAndWhatWasBeingRead) {
  keep("domain a.test", cache.find("domain a.test"), answer("a"));
  const auto reading = cache.find("domain b.test");
  cache.forget();
  EXPECT_FALSE(cache.find("domain a.test").hit);
  keep("domain b.test", reading, answer("b, read before the deletion"));
  EXPECT_FALSE(cache.find("domain b.test").hit);
}

TEST_F(ReadCacheTest, NothingIsKeptWhileTheCounterCannotTell) {
  counter.any.reset();
  const auto lookup = cache.find("domain a.test");
  keep("domain a.test", lookup, answer("a"));
  counter.any = 7;
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

TEST_F(ReadCacheTest, OnlySuccessfulAnswersOfBoundedSizeAreKept) {
  keep("domain gone.test", cache.find("domain gone.test"), answer("{}", http::status::not_found));
  EXPECT_FALSE(cache.find("domain gone.test").hit);
  keep("domain big.test", cache.find("domain big.test"), answer(std::string(ReadCache::kMaxBodyBytes + 1, 'x')));
  EXPECT_FALSE(cache.find("domain big.test").hit);
}

TEST_F(ReadCacheTest, EntriesAreBounded) {
  for (std::size_t i = 0; i <= ReadCache::kMaxEntries; ++i) {
    const auto key = "scan " + std::to_string(i);
    keep(key, cache.find(key), answer("s"));
  }
  // Full at kMaxEntries: the next one started it again.
  EXPECT_FALSE(cache.find("scan 0").hit);
  EXPECT_TRUE(cache.find("scan " + std::to_string(ReadCache::kMaxEntries)).hit);
}

// PostgreSQL's case: only deletions are counted, so only what never changes in place is kept.
TEST_F(ReadCacheTest, AFinishedScanOutlivesChangesButNotDeletions) {
  counter.any.reset();
  keep("scan 1", cache.find("scan 1"), answer("finished"), Lifetime::until_deleted);
  keep("domain a.test", cache.find("domain a.test"), answer("a"));
  EXPECT_TRUE(cache.find("scan 1").hit);
  EXPECT_FALSE(cache.find("domain a.test").hit);
  counter.deletions = 4;
  EXPECT_FALSE(cache.find("scan 1").hit);
}

TEST(ReadCacheWithoutCounter, NeverKeepsAnything) {
  ReadCache cache(nullptr);
  cache.keep("domain a.test", cache.find("domain a.test"), answer("a"), Lifetime::until_deleted);
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

}  // namespace
}  // namespace domainscan::testing
