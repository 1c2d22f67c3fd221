#pragma once
// PostgreSQL's deletions, heard: a connection of its own LISTENs on the channel that the
// triggers of migration 008 notify on every statement that deletes domains or scans (one
// notification per transaction, whichever process wrote), and each notification moves the
// deletions counter on. A thread of its own waits on that connection (no pool thread is
// held by it). While it is not listening, the counter says it cannot tell.
//
// Other changes are not notified: PostgreSQL serialises the commits of all transactions that
// NOTIFY (a database-wide lock held through the commit's WAL flush), which would cap every
// writer (claims, results, adds) at one commit per flush. So `any` is always nullopt here:
// only what never changes in place (finished scans) is cached on PostgreSQL.
#include "store/change_counter.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace domainscan::store::postgres {

class PostgresChangeListener final : public ChangeCounter {
 public:
  static constexpr const char* kChannel = "domainscan_deletions";

  explicit PostgresChangeListener(std::string url);
  ~PostgresChangeListener() override;
  PostgresChangeListener(const PostgresChangeListener&) = delete;
  PostgresChangeListener& operator=(const PostgresChangeListener&) = delete;

  ChangeVersions current() override;

 private:
  void run();
  void listen_until_lost();
  // Waits up to `for_how_long` unless stopped; false once stopped.
  bool pause(std::chrono::milliseconds for_how_long);

  const std::string url_;
  std::atomic<std::uint64_t> deletions_{0};
  std::atomic<bool> listening_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  std::thread thread_;     // last: starts once the rest is ready
};

}  // namespace domainscan::store::postgres
