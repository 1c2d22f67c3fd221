#include "api/connection_table.hpp"

#include <algorithm>

namespace domainscan::api {

ConnectionTable::Admission ConnectionTable::admit(const boost::asio::ip::address& client) {
  std::function<void()> close_idle;
  Admission answer = Admission::admitted;
  {
    std::lock_guard lock(mutex_);
    ++total_;
    const auto mine = ++per_client_[client];
    // The connection that makes room is released when its session ends.
    if (mine > max_per_client_) {
      const auto own = std::find_if(idle_.begin(), idle_.end(), [&](const auto& i) { return i.second.client == client; });
      if (own == idle_.end()) {
        answer = Admission::client_full;
      } else {
        close_idle = std::move(own->second.close);
        idle_.erase(own);
      }
    } else if (total_ > max_total_) {
      if (idle_.empty()) {
        answer = Admission::server_full;
      } else {
        close_idle = std::move(idle_.begin()->second.close);
        idle_.erase(idle_.begin());
      }
    }
  }
  if (close_idle) close_idle();  // outside the lock: it posts to that session's strand
  return answer;
}

void ConnectionTable::release(const boost::asio::ip::address& client) {
  std::lock_guard lock(mutex_);
  --total_;
  if (auto it = per_client_.find(client); it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

std::uint64_t ConnectionTable::idle(const boost::asio::ip::address& client, std::function<void()> close) {
  std::lock_guard lock(mutex_);
  const auto id = ++next_idle_;
  idle_.emplace(id, Idle{client, std::move(close)});
  return id;
}

void ConnectionTable::busy(std::uint64_t idle_id) {
  std::lock_guard lock(mutex_);
  idle_.erase(idle_id);
}

std::size_t ConnectionTable::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace domainscan::api
