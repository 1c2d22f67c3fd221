#include "api/read_cache.hpp"

namespace domainscan::api {

ReadCache::ReadCache(std::unique_ptr<store::ChangeCounter> counter) : counter_(std::move(counter)) {}

ReadCache::Lookup ReadCache::find(const std::string& key) {
  Lookup out;
  if (!counter_) return out;
  out.version = counter_->current();
  if (out.version) {
    std::lock_guard lock(mutex_);
    out.forgotten = forgotten_;
    if (*out.version == version_) {
      if (auto it = entries_.find(key); it != entries_.end()) out.hit = it->second;
    }
  }
  ++(out.hit ? hits_ : misses_);
  return out;
}

void ReadCache::keep(const std::string& key, const Lookup& at, const Response& answer) {
  const auto& version = at.version;
  if (!version || answer.result() != http::status::ok || answer.body().size() > kMaxBodyBytes) return;
  std::lock_guard lock(mutex_);
  if (at.forgotten != forgotten_) return;  // this process wrote while the answer was read
  // The counter only grows: an answer read before the latest change is not kept, and the
  // first answer read after it drops everything read before.
  if (*version < version_) return;
  if (*version > version_) {
    entries_.clear();
    bytes_ = 0;
    version_ = *version;
  }
  const auto size = key.size() + answer.body().size();
  if (entries_.size() >= kMaxEntries || bytes_ + size > kMaxBytes) {
    entries_.clear();  // full: start again with what is asked now
    bytes_ = 0;
  }
  if (entries_.insert_or_assign(key, answer).second) bytes_ += size;
}

void ReadCache::forget() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  bytes_ = 0;
  ++forgotten_;
}

}  // namespace domainscan::api
