#include "api/read_cache.hpp"

namespace domainscan::api {

ReadCache::ReadCache(std::unique_ptr<store::ChangeCounter> counter) : counter_(std::move(counter)) {}

ReadCache::Lookup ReadCache::find(const std::string& key) {
  Lookup out;
  if (!counter_) return out;
  out.versions = counter_->current();
  std::shared_ptr<const Response> answer;
  {
    std::shared_lock lock(mutex_);
    out.forgotten = forgotten_;
    if (auto it = entries_.find(key); it != entries_.end()) {
      // A counter never returns to an older value: an entry made at one is stale for good.
      if (version_for(out.versions, it->second.lifetime) == it->second.version) answer = it->second.answer;
    }
  }
  if (answer) out.hit = *answer;
  ++(out.hit ? hits_ : misses_);
  return out;
}

void ReadCache::keep(const std::string& key, const Lookup& at, const Response& answer, Lifetime lifetime) {
  const auto version = version_for(at.versions, lifetime);
  if (!version || answer.result() != http::status::ok || answer.body().size() > kMaxBodyBytes) return;
  const auto size = key.size() + answer.body().size();
  auto kept = std::make_shared<const Response>(answer);
  std::lock_guard lock(mutex_);
  if (at.forgotten != forgotten_) return;  // this process wrote while the answer was read
  if (entries_.size() >= kMaxEntries || bytes_ + size > kMaxBytes) {
    entries_.clear();  // full (stale entries included): start again with what is asked now
    bytes_ = 0;
  }
  auto& entry = entries_[key];
  bytes_ = bytes_ - entry.bytes + size;  // a new entry has 0 bytes
  entry = Entry{std::move(kept), lifetime, *version, size};
}

void ReadCache::forget() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  bytes_ = 0;
  ++forgotten_;
}

}  // namespace domainscan::api
