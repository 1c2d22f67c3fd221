// The API server's connection limits (api/connection_table.hpp): per client address and in
// all, and which connection makes room when a limit is reached.
#include "api/connection_table.hpp"

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>

namespace domainscan::api {
namespace {

const auto kA = boost::asio::ip::make_address("127.0.0.1");
const auto kB = boost::asio::ip::make_address("127.0.0.2");
using Admission = ConnectionTable::Admission;

TEST(ConnectionTable, AClientAtItsLimitClosesItsOwnLongestIdleConnection) {
  ConnectionTable table(100, 3);
  std::vector<std::string> closed;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(table.admit(kA), Admission::admitted);
  table.idle(kA, [&] { closed.push_back("a1"); });
  table.idle(kA, [&] { closed.push_back("a2"); });
  // A fourth from the same address: its oldest idle connection makes room.
  EXPECT_EQ(table.admit(kA), Admission::admitted);
  EXPECT_EQ(closed, std::vector<std::string>{"a1"});
  table.release(kA);  // a1's session ends
  // And again: a2 goes.
  EXPECT_EQ(table.admit(kA), Admission::admitted);
  EXPECT_EQ(closed, (std::vector<std::string>{"a1", "a2"}));
}

TEST(ConnectionTable, ConnectionsStillOnTheirFirstRequestMakeNoRoom) {
  ConnectionTable table(100, 2);
  std::vector<std::string> closed;
  ASSERT_EQ(table.admit(kA), Admission::admitted);
  ASSERT_EQ(table.admit(kA), Admission::admitted);  // neither idle: e.g. half-sent headers
  ASSERT_EQ(table.admit(kB), Admission::admitted);
  table.idle(kB, [&] { closed.push_back("b"); });
  // Another client's idle connection is not this client's to close.
  EXPECT_EQ(table.admit(kA), Admission::client_full);
  EXPECT_TRUE(closed.empty());
  table.release(kA);
}

TEST(ConnectionTable, AFullServerClosesTheLongestIdleOfAnyone) {
  ConnectionTable table(3, 10);
  std::vector<std::string> closed;
  ASSERT_EQ(table.admit(kA), Admission::admitted);
  ASSERT_EQ(table.admit(kB), Admission::admitted);
  ASSERT_EQ(table.admit(kB), Admission::admitted);
  const auto b_idle = table.idle(kB, [&] { closed.push_back("b"); });
  table.idle(kA, [&] { closed.push_back("a"); });
  table.busy(b_idle);  // b's next request came: busy again
  EXPECT_EQ(table.admit(kA), Admission::admitted);
  EXPECT_EQ(closed, std::vector<std::string>{"a"});
  table.release(kA);
  // Nothing idle: full.
  EXPECT_EQ(table.admit(kB), Admission::server_full);
  table.release(kB);
  EXPECT_EQ(table.open(), 3u);
}

}  // namespace
}  // namespace domainscan::api
