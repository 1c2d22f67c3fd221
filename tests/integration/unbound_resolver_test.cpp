// The asynchronous libunbound resolver against the test bed's DNS servers (real UDP on
// loopback): answers, NXDOMAIN, many queries at once, and a server that never answers.
#include "scan/dns_rdata.hpp"
#include "scan/unbound_resolver.hpp"
#include "support/testbed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>

namespace domainscan::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using scan::DnsAnswer;
using scan::ResolverConfig;
using scan::UnboundResolver;

constexpr int kA = 1;
constexpr int kMX = 15;

ResolverConfig config_for(const std::string& server) {
  return ResolverConfig{{parse_host_port(server, 53)}, std::nullopt, {"test"}};
}

// Runs queries on a fresh io_context until they all finish. run() returns only when no work
// is left, so a resolver that leaks a pending wait makes `finished` false.
struct QueryRun {
  std::vector<DnsAnswer> answers;
  bool finished = false;
};

QueryRun resolve_all(const std::string& server, const std::vector<std::pair<std::string, int>>& queries,
                     std::chrono::milliseconds timeout = 5s) {
  asio::io_context io;
  QueryRun run;
  run.answers.resize(queries.size());
  {
    UnboundResolver resolver(io.get_executor(), config_for(server));
    for (std::size_t i = 0; i < queries.size(); ++i) {
      asio::co_spawn(
          io,
          [&, i]() -> asio::awaitable<void> {
            run.answers[i] = co_await resolver.query(queries[i].first, queries[i].second, timeout);
          },
          asio::detached);
    }
    io.run_for(timeout + 20s);
    run.finished = io.stopped();
  }
  return run;
}

TEST(UnboundResolver, AnswersFromTheTestZone) {
  const auto run = resolve_all(test_dns_server(), {{"example.test", kA}, {"example.test", kMX}});
  ASSERT_TRUE(run.finished);
  const auto& a = run.answers[0];
  ASSERT_FALSE(a.error) << *a.error;
  EXPECT_EQ(a.rcode, 0);
  std::vector<std::string> addresses;
  for (const auto& rd : a.rdata) addresses.push_back(scan::rdata::a(rd));
  std::sort(addresses.begin(), addresses.end());
  EXPECT_EQ(addresses, (std::vector<std::string>{"127.0.0.10", "127.0.0.11"}));
  EXPECT_EQ(run.answers[1].rdata.size(), 2u);
  EXPECT_FALSE(a.secure);  // no trust anchor: nothing is validated
}

TEST(UnboundResolver, ReportsNxdomain) {
  const auto run = resolve_all(test_dns_server(), {{"missing.test", kA}});
  ASSERT_TRUE(run.finished);
  EXPECT_TRUE(run.answers[0].nxdomain);
  EXPECT_EQ(run.answers[0].rcode, 3);
  EXPECT_TRUE(run.answers[0].rdata.empty());
}

// big-txt.test's answer does not fit in a datagram: libunbound gets it truncated and asks
// again over TCP, where it writes the question and reads the answer over several callbacks.
TEST(UnboundResolver, AnAnswerTooLargeForUdpComesOverTcp) {
  constexpr int kTXT = 16;
  const auto run = resolve_all(test_dns_server(), {{"big-txt.test", kTXT}, {"big-txt.test", kTXT}});
  ASSERT_TRUE(run.finished);
  for (const auto& answer : run.answers) {
    ASSERT_FALSE(answer.error) << *answer.error;
    EXPECT_EQ(answer.rcode, 0);
    ASSERT_EQ(answer.rdata.size(), 40u);
    std::vector<std::string> texts;
    for (const auto& rd : answer.rdata) texts.push_back(scan::rdata::txt(rd));
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts.front(), "record 00 of a set that does not fit in one datagram: padding padding");
    EXPECT_EQ(texts.back(), "record 39 of a set that does not fit in one datagram: padding padding");
  }
}

// libunbound answers names of its built-in local zones (localhost) inside ub_resolve_event,
// before it has given the query an id: that answer is the query's, and the query asked
// before it still gets its own.
TEST(UnboundResolver, AnAnswerGivenAtOnceIsThatQuerysAndTheOthersStillGetTheirs) {
  const auto run = resolve_all(test_dns_server(), {{"example.test", kA}, {"localhost", kA}});
  ASSERT_TRUE(run.finished);
  ASSERT_FALSE(run.answers[0].error) << *run.answers[0].error;
  EXPECT_EQ(run.answers[0].rdata.size(), 2u);
  ASSERT_FALSE(run.answers[1].error) << *run.answers[1].error;
  ASSERT_EQ(run.answers[1].rdata.size(), 1u);
  EXPECT_EQ(scan::rdata::a(run.answers[1].rdata[0]), "127.0.0.1");
}

TEST(UnboundResolver, ManyQueriesAtOnceAllGetTheirOwnAnswer) {
  std::vector<std::pair<std::string, int>> queries;
  for (int i = 0; i < 100; ++i) queries.emplace_back(i % 2 ? "example.test" : "missing.test", kA);
  const auto run = resolve_all(test_dns_server(), queries);
  ASSERT_TRUE(run.finished);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    ASSERT_FALSE(run.answers[i].error) << i << ": " << *run.answers[i].error;
    EXPECT_EQ(run.answers[i].nxdomain, i % 2 == 0) << i;
  }
}

TEST(UnboundResolver, ASilentServerTimesOutAndLeavesNoWorkBehind) {
  SilentDnsServer silent;
  const auto started = std::chrono::steady_clock::now();
  const auto run = resolve_all(silent.address(), {{"example.test", kA}, {"empty.test", kA}}, 1s);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(run.finished) << "the io_context still had work after every query timed out";
  for (const auto& answer : run.answers) {
    ASSERT_TRUE(answer.error.has_value());
    EXPECT_NE(answer.error->find("no answer within 1000 ms"), std::string::npos) << *answer.error;
  }
  EXPECT_LT(took, 15s);  // bounded by the timeout, not by the run_for() safety limit
}

// Asks every (name, type) at once and waits until all are answered or timed out.
asio::awaitable<std::vector<DnsAnswer>> ask_all(UnboundResolver& resolver,
                                                std::vector<std::pair<std::string, int>> queries,
                                                std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  std::vector<DnsAnswer> answers(queries.size());
  std::size_t remaining = queries.size();
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    asio::co_spawn(
        executor,
        [&, i]() -> asio::awaitable<void> {
          answers[i] = co_await resolver.query(queries[i].first, queries[i].second, timeout);
          if (--remaining == 0) all_done.cancel();
        },
        asio::detached);
  }
  boost::system::error_code ec;
  if (remaining > 0) co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return answers;
}

// Issue 11: names whose name servers never answer (broken-ns.test, under which every name
// hangs at the test bed's resolver) must not make lookups of other names fail. Rounds of
// dead names, each round's queries given up after a second, then 50 healthy names asked
// together with more dead ones: every healthy lookup is answered. With libunbound's
// defaults (16 sockets, per-server back-off from a 50 ms floor) they timed out or SERVFAILed.
TEST(UnboundResolver, NamesThatNeverResolveDoNotStarveTheOthers) {
  constexpr int kTypes[] = {1, 28, 2, 15, 16, 257, 6, 5};  // what the DNS check asks
  constexpr int kDeadRounds = 6;
  constexpr int kHealthy = 50;
  asio::io_context io;
  UnboundResolver resolver(io.get_executor(), config_for(test_dns_server()));
  int dead_timed_out = 0;
  std::vector<DnsAnswer> healthy;
  bool finished = false;

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int round = 0; round < kDeadRounds; ++round) {
          std::vector<std::pair<std::string, int>> dead;
          for (int i = 0; i < 4; ++i) {
            for (int type : kTypes) dead.emplace_back(fmt::format("d{}-{}.broken-ns.test", round, i), type);
          }
          for (const auto& answer : co_await ask_all(resolver, dead, 1s)) dead_timed_out += answer.timed_out ? 1 : 0;
        }
        std::vector<std::pair<std::string, int>> mixed;
        for (int i = 0; i < kHealthy; ++i) {
          for (int type : kTypes) {
            mixed.emplace_back(fmt::format("h{}.bench.test", i), type);
            mixed.emplace_back(fmt::format("late{}.broken-ns.test", i), type);
          }
        }
        const auto answers = co_await ask_all(resolver, mixed, 5s);
        for (std::size_t i = 0; i < answers.size(); i += 2) healthy.push_back(answers[i]);
        finished = true;
      },
      asio::detached);
  io.run_for(60s);
  ASSERT_TRUE(finished);
  EXPECT_GT(dead_timed_out, 0) << "the dead delegation answered: the test bed is not what this test needs";
  int failed = 0;
  for (std::size_t i = 0; i < healthy.size() && failed < 10; ++i) {
    const auto& a = healthy[i];
    if (a.error || a.rcode != 0) {
      ++failed;
      ADD_FAILURE() << "h" << i / std::size(kTypes) << ".bench.test type " << kTypes[i % std::size(kTypes)] << ": "
                    << a.error.value_or("rcode " + std::to_string(a.rcode));
    }
  }
  // Every healthy name got its A record.
  for (int i = 0; i < kHealthy; ++i) EXPECT_EQ(healthy[i * std::size(kTypes)].rdata.size(), 1u) << i;
}

}  // namespace
}  // namespace domainscan::testing
