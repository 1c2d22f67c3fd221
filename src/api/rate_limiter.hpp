#pragma once
// Token buckets per client (an API key's name, or the address without one): each request
// takes a token; tokens come back at `per_second` up to `burst`. The buckets are kept in
// LRU order and at most `max_clients` of them (the least recently seen go first), so a
// million source addresses cannot exhaust memory: a forgotten client starts again with a
// full bucket, which is what a client not seen for a while would have anyway.
#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace domainscan::api {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;
  bool enabled() const { return per_second > 0; }
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit, std::size_t max_clients = 100'000);

  struct Decision {
    bool allowed = true;
    long remaining = 0;                  // whole tokens left
    std::chrono::seconds retry_after{};  // when refused: until a token is back
    std::chrono::seconds reset{};        // until the bucket is full again
  };
  Decision take(const std::string& client, double cost, Clock::time_point now);
  // Takes cost whatever is left: the bucket may go below empty (a debt, paid back at
  // per_second before the client's next take succeeds).
  void charge(const std::string& client, double cost, Clock::time_point now);

  const RateLimit& limit() const { return limit_; }
  std::size_t clients() const;

 private:
  struct Bucket;
  // The client's bucket, refilled up to now (created full; the least recent goes when full).
  Bucket& refilled(const std::string& client, Clock::time_point now);

  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled;
    std::list<std::string>::iterator lru;
  };
  RateLimit limit_;
  std::size_t max_clients_;
  mutable std::mutex mutex_;
  std::list<std::string> lru_;  // most recently seen first
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace domainscan::api
