// The version probe (scan/tls_version_probe.hpp) against the test bed's nginx: which version a
// server picks from those offered, read from its ServerHello, and what a server that refuses,
// does not speak TLS, never answers or trickles comes to (no version, within the timeout).
#include "scan/tls_version_probe.hpp"
#include "support/run_to_completion.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <utility>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

int probe(const std::string& domain, const std::string& address, int min_version, int max_version,
          unsigned short port = 443, std::chrono::milliseconds timeout = 3s) {
  asio::io_context io;
  const auto ctx = make_probe_context(min_version, max_version);
  const auto version = testing::run_to_completion(
      io, probe_tls_version(io.get_executor(), *ctx, domain, asio::ip::make_address(address), port, timeout),
      timeout + 10s);
  EXPECT_TRUE(version.has_value()) << domain << ": the probe did not finish";
  return version.value_or(-1);
}

TEST(TlsVersionProbe, ACurrentServerAnswersTls12AndRefusesOlderVersions) {
  // valid.web.test speaks TLS 1.2 and 1.3.
  EXPECT_EQ(probe("valid.web.test", "127.0.0.21", TLS1_2_VERSION, TLS1_2_VERSION), TLS1_2_VERSION);
  EXPECT_EQ(probe("valid.web.test", "127.0.0.21", TLS1_VERSION, TLS1_1_VERSION), 0);
}

TEST(TlsVersionProbe, TheServerPicksTheHighestVersionOfThoseOffered) {
  // legacy.web.test speaks TLS 1.0-1.2; tls11.web.test 1.1-1.2.
  EXPECT_EQ(probe("legacy.web.test", "127.0.0.38", TLS1_VERSION, TLS1_1_VERSION), TLS1_1_VERSION);
  EXPECT_EQ(probe("legacy.web.test", "127.0.0.38", TLS1_VERSION, TLS1_VERSION), TLS1_VERSION);
  EXPECT_EQ(probe("tls11.web.test", "127.0.0.39", TLS1_VERSION, TLS1_1_VERSION), TLS1_1_VERSION);
  EXPECT_EQ(probe("tls11.web.test", "127.0.0.39", TLS1_VERSION, TLS1_VERSION), 0);
}

TEST(TlsVersionProbe, AServerThatDoesNotSpeakTlsGivesNoVersion) {
  // nginx's plain HTTP port answers the ClientHello with a 400 page and closes.
  EXPECT_EQ(probe("plain.web.test", "127.0.0.27", TLS1_2_VERSION, TLS1_2_VERSION, 80), 0);
}

TEST(TlsVersionProbe, AServerThatNeverAnswersOrTricklesCostsOneTimeout) {
  // silent.web.test accepts and says nothing; trickle.web.test sends a byte a second that
  // never completes a record. One deadline for the whole probe ends both.
  for (const auto& [domain, address] : {std::pair{"silent.web.test", "127.0.0.25"}, {"trickle.web.test", "127.0.0.36"}}) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(probe(domain, address, TLS1_2_VERSION, TLS1_2_VERSION, 443, 1s), 0) << domain;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << domain;
  }
}

TEST(TlsVersionProbe, NothingListeningGivesNoVersion) {
  EXPECT_EQ(probe("valid.web.test", "127.0.0.21", TLS1_2_VERSION, TLS1_2_VERSION, 444), 0);
}

}  // namespace
}  // namespace domainscan::scan
