#include "store/postgres/postgres_change_listener.hpp"

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <chrono>

namespace domainscan::store::postgres {

namespace {

using namespace std::chrono_literals;

// How long one wait for a notification lasts: the longest a stop waits for the thread.
constexpr long kWaitMicroseconds = 200'000;
// How often the connection is asked a question: a connection lost without a word (a cable,
// a firewall) is noticed at the latest then, and the counter stops vouching for caches.
constexpr auto kProbeEvery = 2s;
constexpr auto kRetryAfter = 1s;

// A connection that dies without a word (a cable, a firewall) must fail the next probe within
// seconds, not when TCP's retransmissions give up minutes later: until it fails, the counter
// vouches for kept answers (and a stop waits for it).
std::string with_liveness_checks(const std::string& url) {
  const bool has_query = url.find('?') != std::string::npos;
  return fmt::format("{}{}keepalives_idle=5&keepalives_interval=2&keepalives_count=3&tcp_user_timeout=10000", url,
                     has_query ? '&' : '?');
}

class Counting final : public pqxx::notification_receiver {
 public:
  Counting(pqxx::connection_base& conn, std::atomic<std::uint64_t>& count)
      : notification_receiver(conn, PostgresChangeListener::kChannel), count_(count) {}
  void operator()(const std::string&, int) override { ++count_; }

 private:
  std::atomic<std::uint64_t>& count_;
};

}  // namespace

PostgresChangeListener::PostgresChangeListener(std::string url)
    : url_(with_liveness_checks(url)), thread_([this] { run(); }) {}

PostgresChangeListener::~PostgresChangeListener() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

ChangeVersions PostgresChangeListener::current() {
  // The count is read after `listening_`: a count taken while listening stays valid until
  // the next notification or loss moves it on (a loss moves it on before it is reported).
  if (!listening_.load()) return {};
  return {std::nullopt, deletions_.load()};
}

bool PostgresChangeListener::pause(std::chrono::milliseconds for_how_long) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, for_how_long, [this] { return stopping_; });
}

void PostgresChangeListener::run() {
  bool said_lost = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    try {
      listen_until_lost();
      return;  // stopped
    } catch (const std::exception& e) {
      ++deletions_;  // whatever was heard before may have missed something since
      listening_ = false;
      if (!said_lost) {
        spdlog::warn("postgres: not hearing deletions ({}); answers are not cached until it is back", e.what());
        said_lost = true;
      }
    }
    if (!pause(kRetryAfter)) return;
  }
}

void PostgresChangeListener::listen_until_lost() {
  pqxx::connection conn(url_);
  Counting counting(conn, deletions_);  // LISTEN, at once (no transaction is open)
  ++deletions_;                         // nothing cached before now was vouched for
  listening_ = true;
  spdlog::debug("postgres: listening for deletions on {}", kChannel);
  auto next_probe = std::chrono::steady_clock::now() + kProbeEvery;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    conn.await_notification(0, kWaitMicroseconds);
    if (std::chrono::steady_clock::now() >= next_probe) {
      pqxx::nontransaction probe(conn);
      probe.exec("SELECT 1");
      next_probe = std::chrono::steady_clock::now() + kProbeEvery;
    }
  }
  listening_ = false;
}

}  // namespace domainscan::store::postgres
