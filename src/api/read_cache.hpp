#pragma once
// Rendered answers of the read routes (a domain, a scan, a page of the list), kept until
// anything stored changes. Whether it did is the store's change counter
// (store/change_counter.hpp), read on every lookup without a trip to the database pool:
// an answer is given from here only while the counter still has the value it had before
// the answer was read from the database, so no answer is older than the data it shows
// (on PostgreSQL: than the change notifications this process has heard). Any change empties
// it: simple and exact, and reads of a quiet database (dashboards, API clients polling)
// are what it is for. Bounded in entries and bytes.
#include "api/http_types.hpp"
#include "store/change_counter.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace domainscan::api {

class ReadCache {
 public:
  static constexpr std::size_t kMaxEntries = 20'000;
  static constexpr std::size_t kMaxBytes = 64 * 1024 * 1024;
  static constexpr std::size_t kMaxBodyBytes = 256 * 1024;  // larger answers are made every time

  // counter null: nothing is ever cached (every lookup misses and says not to keep).
  explicit ReadCache(std::unique_ptr<store::ChangeCounter> counter);

  struct Lookup {
    std::optional<Response> hit;
    // The counter before the database is read: what keep() needs; nullopt: do not keep.
    std::optional<std::uint64_t> version;
    std::uint64_t forgotten = 0;  // forget() calls before the database is read
  };
  Lookup find(const std::string& key);
  // Keeps a 200 answer read from the database after `at` was looked up.
  void keep(const std::string& key, const Lookup& at, const Response& answer);
  // Drops everything: this process has just written (its readers must see that before the
  // change notification comes back).
  void forget();

  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }

 private:
  std::unique_ptr<store::ChangeCounter> counter_;
  std::mutex mutex_;
  std::uint64_t version_ = 0;  // of every entry
  std::uint64_t forgotten_ = 0;
  std::unordered_map<std::string, Response> entries_;
  std::size_t bytes_ = 0;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace domainscan::api
