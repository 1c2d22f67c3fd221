#include "outbox/outbox.hpp"

#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "core/logging.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace domainscan::outbox {

namespace asio = boost::asio;

asio::awaitable<bool> publish_scan(store::Store& store, BlockingPool& db, bus::Bus& bus, const store::ScanRef& scan,
                                   ConfirmRecorder* confirms) {
  // A named local, not a temporary in the co_await: GCC 12 destroys temporaries inside a
  // co_await expression twice.
  const std::vector<store::ScanRef> one{scan};
  co_return co_await publish_scans(store, db, bus, one, confirms) == 1;
}

asio::awaitable<std::size_t> publish_scans(store::Store& store, BlockingPool& db, bus::Bus& bus,
                                           const std::vector<store::ScanRef>& scans, ConfirmRecorder* confirms) {
  const auto taken = co_await publish_each(store, db, bus, scans, confirms);
  co_return static_cast<std::size_t>(std::count(taken.begin(), taken.end(), true));
}

asio::awaitable<std::vector<bool>> publish_each(store::Store& store, BlockingPool& db, bus::Bus& bus,
                                                const std::vector<store::ScanRef>& scans, ConfirmRecorder* confirms) {
  std::vector<bus::Message> messages;
  messages.reserve(scans.size());
  for (const auto& scan : scans) {
    messages.push_back({std::string(bus::kScanRequested),
                        bus::to_json(bus::ScanRequested{scan.scan_id, scan.domain, std::string(to_string(scan.trigger))}),
                        1});
  }
  auto taken = co_await bus.publish_many(std::move(messages));
  std::vector<std::int64_t> published;
  for (std::size_t i = 0; i < scans.size(); ++i) {
    if (taken[i]) published.push_back(scans[i].scan_id);
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("{}outbox: scan.requested {} (trigger {})", scan_tag(scans[i].scan_id, scans[i].domain),
                    taken[i] ? "published" : "not taken by the bus", to_string(scans[i].trigger));
    }
  }
  if (published.size() < scans.size()) {
    spdlog::warn("outbox: {} scan requests are stored but the bus did not take them yet ({}); the sweeper retries",
                 scans.size() - published.size(), bus.healthy() ? "it refused them" : "it is not connected");
  }
  if (published.empty()) co_return taken;
  if (confirms) {
    confirms->record(std::move(published));
    co_return taken;
  }
  try {
    co_await db.run([&] { store.mark_published(published); });
  } catch (const std::exception& e) {
    spdlog::warn("outbox: {} scans published, but recording it failed: {}", published.size(), e.what());
  }
  co_return taken;
}

OutboxSweeper::OutboxSweeper(asio::any_io_executor executor, store::Store& store, BlockingPool& db, bus::Bus& bus)
    : timer_(asio::make_strand(executor)), store_(store), db_(db), bus_(bus) {}

void OutboxSweeper::start() { asio::co_spawn(timer_.get_executor(), loop(), asio::detached); }

void OutboxSweeper::stop() {
  asio::post(timer_.get_executor(), [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

asio::awaitable<void> OutboxSweeper::loop() {
  while (!stopping_) {
    timer_.expires_after(kInterval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) break;
    if (!bus_.healthy()) continue;
    std::vector<store::ScanRef> scans;
    try {
      scans = co_await db_.run([&] { return store_.take_unpublished_scans(kMinAge, kBatch); });
    } catch (const std::exception& e) {
      spdlog::warn("outbox: cannot read unpublished scans: {}", e.what());
      continue;
    }
    const auto published = co_await publish_scans(store_, db_, bus_, scans);
    if (published > 0) {
      spdlog::info("outbox: published {} scan requests again (never confirmed, or their worker's lease ran out)",
                   published);
    }
  }
}

}  // namespace domainscan::outbox
