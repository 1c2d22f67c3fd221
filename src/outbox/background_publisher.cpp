#include "outbox/background_publisher.hpp"

#include "core/logging.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace domainscan::outbox {

namespace asio = boost::asio;

BackgroundPublisher::BackgroundPublisher(asio::any_io_executor executor, ScanPublisher& publisher,
                                         std::size_t max_in_flight)
    : executor_(std::move(executor)), publisher_(publisher), max_in_flight_(std::max<std::size_t>(1, max_in_flight)) {}

asio::awaitable<void> BackgroundPublisher::hand_off(store::ScanRef scan) {
  if (in_flight_.fetch_add(1) >= max_in_flight_) {
    ++waited_;
    co_await publish(std::move(scan));
    co_return;
  }
  asio::co_spawn(executor_, publish(std::move(scan)), asio::detached);
}

asio::awaitable<void> BackgroundPublisher::publish(store::ScanRef scan) {
  try {
    co_await publisher_.publish(scan);
  } catch (const std::exception& e) {
    // The scan is stored and queued; the sweeper publishes it.
    spdlog::warn("{}outbox: scan.requested not published, left to the sweeper: {}", scan_tag(scan.scan_id, scan.domain),
                 e.what());
  }
  --in_flight_;
}

asio::awaitable<bool> BackgroundPublisher::drain(std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (in_flight_ > 0) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return true;
}

}  // namespace domainscan::outbox
