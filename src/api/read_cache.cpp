#include "api/read_cache.hpp"

namespace domainscan::api {

ReadCache::ReadCache(std::unique_ptr<store::ChangeCounter> counter) : counter_(std::move(counter)) {}

ReadCache::Lookup ReadCache::find(const std::string& key) {
  Lookup out;
  if (!counter_) return out;
  out.versions = counter_->current();
  {
    std::lock_guard lock(mutex_);
    out.forgotten = forgotten_;
    if (auto it = entries_.find(key); it != entries_.end()) {
      // Counters only grow: an entry made at an older value is stale for good.
      if (version_for(out.versions, it->second.lifetime) == it->second.version) out.hit = it->second.answer;
    }
  }
  ++(out.hit ? hits_ : misses_);
  return out;
}

void ReadCache::keep(const std::string& key, const Lookup& at, const Response& answer, Lifetime lifetime) {
  const auto version = version_for(at.versions, lifetime);
  if (!version || answer.result() != http::status::ok || answer.body().size() > kMaxBodyBytes) return;
  const auto size = key.size() + answer.body().size();
  std::lock_guard lock(mutex_);
  if (at.forgotten != forgotten_) return;  // this process wrote while the answer was read
  if (entries_.size() >= kMaxEntries || bytes_ + size > kMaxBytes) {
    entries_.clear();  // full (stale entries included): start again with what is asked now
    bytes_ = 0;
  }
  const auto [it, inserted] = entries_.insert_or_assign(key, Entry{answer, lifetime, *version});
  if (inserted) bytes_ += size;
}

void ReadCache::forget() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  bytes_ = 0;
  ++forgotten_;
}

}  // namespace domainscan::api
