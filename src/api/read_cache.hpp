#pragma once
// Rendered answers of the read routes (a domain, a scan, a page of the list), kept while
// what they show cannot have changed. Whether it can is the store's change counters
// (store/change_counter.hpp), read on every lookup without a trip to the database pool: an
// answer is given from here only while its counter still has the value it had before the
// answer was read from the database, so no answer is older than the data it shows. Two
// lifetimes: an answer about what changes in place (a domain, the list, a scan still
// running) lives until anything changes; a finished scan, which is never changed once
// written, until something is deleted. This process's own deletions call forget(), so a
// client that deletes and then reads sees its deletion at once. Bounded in entries and bytes.
#include "api/http_types.hpp"
#include "store/change_counter.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace domainscan::api {

enum class Lifetime {
  until_any_change,  // a domain, a list page, a scan not finished yet
  until_deleted,     // a finished scan
};

class ReadCache {
 public:
  static constexpr std::size_t kMaxEntries = 20'000;
  static constexpr std::size_t kMaxBytes = 64 * 1024 * 1024;
  static constexpr std::size_t kMaxBodyBytes = 256 * 1024;  // larger answers are made every time

  // counter null: nothing is ever cached.
  explicit ReadCache(std::unique_ptr<store::ChangeCounter> counter);

  struct Lookup {
    std::optional<Response> hit;
    // The counters before the database is read, and forget() calls until then: what keep() needs.
    store::ChangeVersions versions;
    std::uint64_t forgotten = 0;
  };
  Lookup find(const std::string& key);
  // Keeps a 200 answer read from the database after `at` was looked up, for `lifetime`.
  void keep(const std::string& key, const Lookup& at, const Response& answer, Lifetime lifetime);
  // Drops everything: this process has just deleted.
  void forget();

  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }

 private:
  struct Entry {
    // Shared, so that a hit copies it outside the lock and lookups only share the lock.
    std::shared_ptr<const Response> answer;
    Lifetime lifetime;
    std::uint64_t version;  // of the counter its lifetime follows
    std::size_t bytes;      // its key's and body's, counted in bytes_
  };
  static std::optional<std::uint64_t> version_for(const store::ChangeVersions& v, Lifetime lifetime) {
    return lifetime == Lifetime::until_deleted ? v.deletions : v.any;
  }

  std::unique_ptr<store::ChangeCounter> counter_;
  std::shared_mutex mutex_;  // shared by lookups, held alone by keep() and forget()
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t forgotten_ = 0;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace domainscan::api
