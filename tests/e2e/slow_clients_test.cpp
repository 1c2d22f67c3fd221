// The slow-header attack of issue 13 against `domainscan serve`: 1,100 connections from
// 127.0.0.1 that each send half a request header. One address holds at most
// --max-connections-per-client of them (the rest are refused at once), a client on
// 127.0.0.2 is served meanwhile, and the slow ones are dropped after --header-timeout.
#include "core/open_files.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/sanitizers.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"
#include "support/testbed.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;

// A blocking TCP socket with a receive timeout, closed with its owner.
class RawSocket {
 public:
  RawSocket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(RawSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  RawSocket(const RawSocket&) = delete;

  bool bind_to(const char* address) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address, &a.sin_addr);
    return ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  bool connect_to(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  bool send_all(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // What arrives within `timeout`: the bytes; "" with closed set when the server closed;
  // "" with closed unset when nothing came.
  std::string receive(std::chrono::milliseconds timeout, bool& closed) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int fd_;
};

TEST(SlowClients, HalfSentHeadersFromOneAddressNeitherLockOthersOutNorStay) {
  raise_open_file_limit();  // this test holds 1,100 sockets
  Serve serve({"--header-timeout", "3s", "--max-connections-per-client", "64"});

  std::vector<RawSocket> slow;
  for (int i = 0; i < 1100; ++i) {
    RawSocket s;
    ASSERT_TRUE(s.connect_to(serve.port())) << "connection " << i << ": " << std::strerror(errno);
    ASSERT_TRUE(s.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"));  // no end
    slow.push_back(std::move(s));
  }

  // A client on another address is served at once, while the attack holds its connections.
  RawSocket honest;
  ASSERT_TRUE(honest.bind_to("127.0.0.2"));
  ASSERT_TRUE(honest.connect_to(serve.port()));
  ASSERT_TRUE(honest.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  const auto answer = honest.receive(2s, closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;

  // Past 64 the slow ones were refused at once: 503, closed.
  int refused = 0, held = 0;
  for (auto& s : slow) {
    const auto got = s.receive(20ms, closed);
    if (got.rfind("HTTP/1.1 503", 0) == 0) {
      ++refused;
      EXPECT_NE(got.find("too many connections from your address"), std::string::npos) << got;
    } else if (got.empty() && !closed) {
      ++held;
    }
  }
  EXPECT_EQ(held, 64);
  EXPECT_EQ(refused, 1100 - 64);

  // The held ones are dropped once the header timeout passes: then every connection of the
  // attack is closed by the server.
  int dropped = 0;
  for (auto& s : slow) {
    bool gone = false;
    const auto got = s.receive(5s, gone);
    if (got.empty() && gone) ++dropped;
  }
  EXPECT_EQ(dropped, 1100);
  // The server serves on.
  RawSocket after;
  ASSERT_TRUE(after.connect_to(serve.port()));
  ASSERT_TRUE(after.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(after.receive(2s, closed).rfind("HTTP/1.1 200", 0), 0u);
}

// A browser keeps connections open between requests, one pool a tab (a context): a dozen
// dashboard tabs reached the per-address limit with idle connections, and the next tab's
// scripts were refused (it stayed at "Loading..."). An idle keep-alive connection of the same
// address now makes room; one still on its first request does not (the test above).
TEST(SlowClients, IdleKeepAliveConnectionsMakeRoomForTheSameAddress) {
  Serve serve({"--max-connections-per-client", "8"});
  std::vector<RawSocket> tabs(8);
  bool closed = false;
  for (auto& tab : tabs) {
    ASSERT_TRUE(tab.connect_to(serve.port()));
    ASSERT_TRUE(tab.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));  // kept alive
    ASSERT_EQ(tab.receive(2s, closed).rfind("HTTP/1.1 200", 0), 0u);
  }
  // A ninth: served, and the longest idle of the eight was closed to make room.
  RawSocket next;
  ASSERT_TRUE(next.connect_to(serve.port()));
  ASSERT_TRUE(next.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(next.receive(2s, closed).rfind("HTTP/1.1 200", 0), 0u);
  const auto gone = tabs.front().receive(2s, closed);
  EXPECT_TRUE(gone.empty() && closed) << "the oldest idle connection is closed: " << gone;
  // The others are still open and serve their next request.
  ASSERT_TRUE(tabs.back().send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(tabs.back().receive(2s, closed).rfind("HTTP/1.1 200", 0), 0u);
}

// Issue 16.10: a body too large is refused (413) as soon as its length is announced, and the
// connection closed; closed with the rest of the body unread, the kernel sent a reset, which
// could destroy the 413 before the client read it. Now the rest is read and dropped first.
TEST(SlowClients, ARefusedBodyStillGetsItsAnswerWhileTheClientSendsIt) {
  Serve serve({});
  RawSocket client;
  ASSERT_TRUE(client.connect_to(serve.port()));
  ASSERT_TRUE(client.send_all("POST /api/v1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: 100000000\r\n\r\n"));
  // The client sends on as clients do, not waiting for an early answer (curl, browsers):
  // 8 MiB, more than the sockets' buffers hold. Reset, its sends fail (curl then reports
  // "connection reset" instead of the server's answer).
  const std::string chunk(64 * 1024, 'x');
  int sent = 0;
  while (sent < 128 && client.send_all(chunk)) ++sent;
  EXPECT_EQ(sent, 128) << "reset while sending: " << std::strerror(errno);
  bool closed = false;
  const auto answer = client.receive(5s, closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << (answer.empty() ? std::string(std::strerror(errno)) : answer);
}

// Issue 16.5: out of file descriptors, the accept loop failed at once, logged and tried
// again, as fast as it could, for as long as the connections were held.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(SlowClients, OutOfDescriptorsTheServerWaitsInsteadOfSpinningAndRecovers) {
  DOMAINSCAN_SKIP_WITHOUT_DESCRIPTORS_UNDER_SANITIZERS();
  raise_open_file_limit();  // this test holds 300 sockets
  TempDir dir;
  // A hard limit the server cannot raise: 200 descriptors, its own needs and a hundred or so
  // connections.
  ChildProcess serve({"/usr/bin/prlimit", "--nofile=200:200", domainscan_binary(), "serve", "--listen", "127.0.0.1:0", "--db",
                      "sqlite:" + (dir.path() / "domainscan.db").string(), "--allow-suffix", "test", "--dns-server",
                      test_dns_server(), "--trust-anchor-file", "none", "--max-connections-per-client", "1000",
                      "--header-timeout", "60s"},
                     dir.path());
  const auto line = serve.wait_for_log("listening on http://127.0.0.1:", 30s);
  ASSERT_TRUE(line) << serve.stderr_text();
  const auto port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));

  {
    std::vector<RawSocket> held;
    for (int i = 0; i < 300; ++i) {  // the kernel's backlog takes those the server cannot
      RawSocket s;
      ASSERT_TRUE(s.connect_to(port)) << "connection " << i << ": " << std::strerror(errno);
      held.push_back(std::move(s));
    }
    ASSERT_TRUE(serve.wait_for_log("cannot accept connections", 15s)) << serve.stderr_tail(3000);
    // Half a second out of descriptors: said once, not once a failed accept (thousands).
    std::this_thread::sleep_for(500ms);
    const auto log = serve.stderr_text();
    EXPECT_EQ(occurrences(log, "cannot accept connections"), 1u);
    EXPECT_EQ(occurrences(log, "accept failed"), 0u) << log.substr(0, 3000);
  }
  // The connections gone, it serves again, the waiting ones first.
  EXPECT_TRUE(eventually(
      [&] {
        RawSocket s;
        if (!s.connect_to(port) || !s.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
          return false;
        }
        bool closed = false;
        return s.receive(2s, closed).rfind("HTTP/1.1 200", 0) == 0;
      },
      30s));
  EXPECT_TRUE(serve.wait_for_log("accepting connections again", 5s));
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(30s), std::optional<int>(0)) << serve.stderr_tail(3000);
}

}  // namespace
}  // namespace domainscan::testing
