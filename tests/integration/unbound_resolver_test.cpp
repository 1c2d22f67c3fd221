// The asynchronous libunbound resolver against the test bed's DNS servers (real UDP on
// loopback): answers, NXDOMAIN, many queries at once, and a server that never answers.
#include "scan/dns_rdata.hpp"
#include "scan/unbound_resolver.hpp"
#include "support/testbed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace domainscan::testing
