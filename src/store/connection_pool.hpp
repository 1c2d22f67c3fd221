#pragma once
// A bounded pool of database connections. acquire() hands out an idle connection, opens
// a new one while fewer than max exist, or waits; the lease returns it on destruction. A
// lease marked broken() is dropped instead, so the next acquire opens a fresh connection
// (how the store recovers after the database restarts).
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace domainscan::store {

template <typename Connection>
class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;

  ConnectionPool(std::size_t max, Factory factory) : max_(max == 0 ? 1 : max), factory_(std::move(factory)) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->release(std::move(conn_), broken_);
    }
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }
    void mark_broken() { broken_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
    bool broken_ = false;
  };

  Lease acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(this, factory_());
    } catch (...) {
      lock.lock();
      --open_;
      available_.notify_one();
      throw;
    }
  }

 private:
  void release(std::unique_ptr<Connection> conn, bool broken) {
    std::lock_guard lock(mutex_);
    if (broken) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
    available_.notify_one();
  }

  const std::size_t max_;
  Factory factory_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace domainscan::store
