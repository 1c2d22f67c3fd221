// The read cache's rules (api/read_cache.hpp) with a counter the test moves by hand.
#include "api/read_cache.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

using api::ReadCache;
using api::Response;
namespace http = api::http;

class HandCounter final : public store::ChangeCounter {
 public:
  explicit HandCounter(std::optional<std::uint64_t>& value) : value_(value) {}
  std::optional<std::uint64_t> current() override { return value_; }

 private:
  std::optional<std::uint64_t>& value_;
};

Response answer(const std::string& body, http::status status = http::status::ok) {
  Response r(status, 11);
  r.body() = body;
  r.prepare_payload();
  return r;
}

class ReadCacheTest : public ::testing::Test {
 protected:
  std::optional<std::uint64_t> counter{7};
  ReadCache cache{std::make_unique<HandCounter>(counter)};
};

TEST_F(ReadCacheTest, AnAnswerIsGivenAgainWhileNothingChanges) {
  const auto first = cache.find("domain a.test");
  EXPECT_FALSE(first.hit);
  cache.keep("domain a.test", first, answer("a"));
  const auto second = cache.find("domain a.test");
  ASSERT_TRUE(second.hit);
  EXPECT_EQ(second.hit->body(), "a");
  EXPECT_FALSE(cache.find("domain b.test").hit);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST_F(ReadCacheTest, AnyChangeAndEveryAnswerIsMadeAgain) {
  cache.keep("domain a.test", cache.find("domain a.test"), answer("a"));
  counter = 8;
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

TEST_F(ReadCacheTest, AnAnswerReadBeforeAChangeIsNotKept) {
  const auto before = cache.find("domain a.test");  // the database is read at 7...
  counter = 8;                                       // ...a change lands...
  cache.keep("domain b.test", cache.find("domain b.test"), answer("b at 8"));
  cache.keep("domain a.test", before, answer("a at 7"));  // ...and the old answer arrives last
  EXPECT_FALSE(cache.find("domain a.test").hit);
  EXPECT_TRUE(cache.find("domain b.test").hit);
}

TEST_F(ReadCacheTest, ThisProcessWritingForgetsEverythingAndWhatWasBeingRead) {
  cache.keep("domain a.test", cache.find("domain a.test"), answer("a"));
  const auto reading = cache.find("domain b.test");
  cache.forget();
  EXPECT_FALSE(cache.find("domain a.test").hit);
  cache.keep("domain b.test", reading, answer("b, read before the write"));
  EXPECT_FALSE(cache.find("domain b.test").hit);
}

TEST_F(ReadCacheTest, NothingIsKeptWhileTheCounterCannotTell) {
  counter.reset();
  const auto lookup = cache.find("domain a.test");
  EXPECT_FALSE(lookup.version);
  cache.keep("domain a.test", lookup, answer("a"));
  counter = 7;
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

TEST_F(ReadCacheTest, OnlySuccessfulAnswersOfBoundedSizeAreKept) {
  cache.keep("domain gone.test", cache.find("domain gone.test"), answer("{}", http::status::not_found));
  EXPECT_FALSE(cache.find("domain gone.test").hit);
  cache.keep("domain big.test", cache.find("domain big.test"), answer(std::string(ReadCache::kMaxBodyBytes + 1, 'x')));
  EXPECT_FALSE(cache.find("domain big.test").hit);
}

TEST_F(ReadCacheTest, EntriesAreBounded) {
  for (std::size_t i = 0; i <= ReadCache::kMaxEntries; ++i) {
    const auto key = "scan " + std::to_string(i);
    cache.keep(key, cache.find(key), answer("s"));
  }
  // Full at kMaxEntries: the next one started it again.
  EXPECT_FALSE(cache.find("scan 0").hit);
  EXPECT_TRUE(cache.find("scan " + std::to_string(ReadCache::kMaxEntries)).hit);
}

TEST(ReadCacheWithoutCounter, NeverKeepsAnything) {
  ReadCache cache(nullptr);
  cache.keep("domain a.test", cache.find("domain a.test"), answer("a"));
  EXPECT_FALSE(cache.find("domain a.test").hit);
}

}  // namespace
}  // namespace domainscan::testing
