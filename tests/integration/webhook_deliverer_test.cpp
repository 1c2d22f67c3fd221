// The webhook deliverer's looks for due deliveries (watch/webhook_deliverer.hpp): a wake looks
// at once, but the wakes a worker makes with nearly every batch of results share one look per
// DelivererOptions::wake_gap rather than costing a database transaction each.
#include "store/store.hpp"
#include "support/backends.hpp"
#include "support/eventually.hpp"
#include "support/testbed.hpp"
#include "watch/webhook_deliverer.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace domainscan::watch {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(WebhookDeliverer, WakesComingAllTheTimeShareALookPerGap) {
  testing::FreshDatabase db(testing::Backend::sqlite);
  auto store = store::open_store(db.url(), 2);
  asio::io_context io;
  BlockingPool pool(2);
  DelivererOptions options;
  options.poll_interval = 60s;  // only the wakes bring looks during the test
  options.wake_gap = 100ms;
  WebhookDeliverer deliverer(io.get_executor(), *store, pool, testing::dns_only_settings(3s), options);
  deliverer.start();
  std::thread thread([&] { io.run(); });
  ASSERT_TRUE(testing::eventually([&] { return deliverer.counters().looks == 1; }));

  // A wake every 5 ms (a worker storing events at each batch of results) for 300 ms.
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 300ms) {
    deliverer.wake();
    std::this_thread::sleep_for(5ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(testing::eventually([&] { return deliverer.counters().looks >= 2; })) << "a wake brings a look";
  std::this_thread::sleep_for(200ms);  // the look the last wakes asked for
  const auto most = 2 + elapsed / 100ms + 1;
  EXPECT_LE(deliverer.counters().looks, most) << "about one look a gap, not one a wake (60 wakes)";

  deliverer.stop();
  io.stop();
  thread.join();
}

}  // namespace
}  // namespace domainscan::watch
