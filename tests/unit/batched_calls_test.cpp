// core/batched_calls.hpp without a database: what goes in which batch, with and without a
// linger.
#include "core/batched_calls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

namespace domainscan {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Doubles each number; remembers the size of each batch.
struct Doubler {
  explicit Doubler(asio::io_context& io)
      : calls(io.get_executor(),
              [this](const std::vector<int>& batch) -> asio::awaitable<std::vector<int>> {
                sizes.push_back(batch.size());
                std::vector<int> out;
                for (const int n : batch) out.push_back(2 * n);
                co_return out;
              },
              [this](const int& n) -> asio::awaitable<int> {
                sizes.push_back(1);
                co_return 2 * n;
              },
              100) {}
  std::vector<std::size_t> sizes;
  BatchedCalls<int, int> calls;
};

// One call now, and nine more 5 ms later; returns the answers.
std::vector<int> one_then_nine(asio::io_context& io, Doubler& doubler) {
  std::vector<int> answers(10, 0);
  const auto start = [&](int i) {
    asio::co_spawn(io, doubler.calls.call(i), [&answers, i](std::exception_ptr e, int answer) {
      if (e) std::rethrow_exception(e);
      answers[static_cast<std::size_t>(i)] = answer;
    });
  };
  start(0);
  asio::steady_timer later(io, 5ms);
  later.async_wait([&](boost::system::error_code) {
    for (int i = 1; i < 10; ++i) start(i);
  });
  io.run();
  return answers;
}

TEST(BatchedCalls, ALoneCallRunsAtOnceAndLaterOnesMakeTheirOwnBatch) {
  asio::io_context io;
  Doubler doubler(io);
  const auto answers = one_then_nine(io, doubler);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(answers[static_cast<std::size_t>(i)], 2 * i);
  ASSERT_GE(doubler.sizes.size(), 2u);
  EXPECT_EQ(doubler.sizes.front(), 1u) << "the first call did not wait for company";
  EXPECT_EQ(doubler.calls.answered(), 10u);
}

TEST(BatchedCalls, WithALingerCallsThatArriveWithinItGoInOneBatch) {
  asio::io_context io;
  Doubler doubler(io);
  doubler.calls.set_linger(500ms);  // far longer than the 5 ms the others come after
  const auto answers = one_then_nine(io, doubler);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(answers[static_cast<std::size_t>(i)], 2 * i);
  EXPECT_EQ(doubler.sizes, (std::vector<std::size_t>{10}));
  EXPECT_EQ(doubler.calls.batches(), 1u);
}

}  // namespace
}  // namespace domainscan
