// The broker's confirms recorded a moment after they come, many publishes' in one database
// call (outbox/confirm_recorder.hpp), on SQLite and PostgreSQL: until then the sweeper would
// still see the scans as unconfirmed; flush() records what waits at once (shutdown).
#include "outbox/confirm_recorder.hpp"
#include "store/store.hpp"
#include "support/backends.hpp"
#include "support/eventually.hpp"
#include "support/run_to_completion.hpp"
#include "support/store_helpers.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace domainscan::outbox {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::Backend;

class ConfirmRecorderTest : public ::testing::TestWithParam<Backend> {
 protected:
  ConfirmRecorderTest() : db_(GetParam()), store_(store::open_store(db_.url(), 2)) {}
  ~ConfirmRecorderTest() override {
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  std::int64_t queued(const std::string& name) {
    return store_->add_domain(name, std::nullopt, store::ScanTrigger::api).scan_id;
  }
  // How many of these scans have no confirm recorded. Read from the rows: the sweeper's
  // take_unpublished_scans would lock them, and a record skips rows a sweeper is taking.
  std::size_t unconfirmed(const std::vector<std::int64_t>& ids) {
    std::size_t n = 0;
    for (const auto id : ids) n += testing::confirm_recorded(db_.url(), id) ? 0 : 1;
    return n;
  }
  void start_io() {
    thread_ = std::thread([this] { io_.run(); });
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  testing::FreshDatabase db_;
  std::unique_ptr<store::Store> store_;
  BlockingPool pool_{2};
  ConfirmRecorder recorder_{io_.get_executor(), *store_, pool_};
  std::thread thread_;
};

TEST_P(ConfirmRecorderTest, ConfirmsAreRecordedAMomentLaterAllInOneWrite) {
  const auto a = queued("a.test");
  const auto b = queued("b.test");
  const auto c = queued("c.test");
  start_io();
  recorder_.record({a});
  recorder_.record({b, c});
  recorder_.record({});
  // Not yet: the requests' answers do not wait for this write.
  EXPECT_EQ(unconfirmed({a, b, c}), 3u);
  EXPECT_EQ(recorder_.writes(), 0u);
  ASSERT_TRUE(testing::eventually([&] { return unconfirmed({a, b, c}) == 0; }, 5s));
  EXPECT_EQ(recorder_.writes(), 1u) << "three publishes, one database call";

  const auto d = queued("d.test");
  recorder_.record({d});
  ASSERT_TRUE(testing::eventually([&] { return unconfirmed({d}) == 0; }, 5s));
  EXPECT_EQ(recorder_.writes(), 2u);
}

TEST_P(ConfirmRecorderTest, FlushRecordsWhatWaitsAtOnce) {
  const auto a = queued("a.test");
  const auto b = queued("b.test");
  work_.reset();  // run_to_completion's io_context returns once its work is done
  recorder_.record({a});
  ASSERT_TRUE(testing::run_to_completion(io_, recorder_.flush(), 5s));
  EXPECT_EQ(unconfirmed({a, b}), 1u);
  EXPECT_EQ(unconfirmed({b}), 1u) << "b was never recorded";
  EXPECT_EQ(recorder_.writes(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConfirmRecorderTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace domainscan::outbox
