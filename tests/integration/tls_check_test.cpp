// The TLS check against the test bed's nginx (tests/testbed/web.sh): a valid certificate
// from the test CA, an expired one, a self-signed one, one for another name, one about to
// expire (EC, TLS 1.2 only), and a listener that never answers.
#include "scan/tls.hpp"
#include "support/findings.hpp"
#include "support/run_to_completion.hpp"
#include "support/sanitizers.hpp"
#include "support/testbed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

const TargetPolicy& kTestBedAllowed = testing::test_bed_policy();

struct Run {
  CheckResult result;
  bool finished = false;
};

Run check(const std::string& domain, const std::string& address, std::optional<std::string> ca = testing::test_ca_file(),
          const TargetPolicy& policy = kTestBedAllowed, std::chrono::milliseconds timeout = 3s) {
  ScanContext context{domain, {}, nullptr, &policy, nullptr, timeout};
  if (!address.empty()) context.addresses.push_back(asio::ip::make_address(address));
  asio::io_context io;
  TlsCheck tls(io.get_executor(), std::move(ca));
  auto result = testing::run_to_completion(io, tls.run(context), timeout * 3 + 10s);
  return {result.value_or(CheckResult{}), result.has_value()};
}

std::vector<std::string> finding_ids(const CheckResult& r) { return testing::finding_ids(r.findings); }

bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// While it lives, this process can open no more file descriptors: every free number below
// the highest one in use is taken, and the soft limit is lowered to just above it.
class DescriptorsExhausted {
 public:
  DescriptorsExhausted() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    int highest = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
      highest = std::max(highest, std::stoi(entry.path().filename().string()));
    }
    while (true) {
      const int fd = ::open("/dev/null", O_RDONLY);
      if (fd < 0) break;
      if (fd > highest) {  // every gap is filled: this one is above the limit to come
        ::close(fd);
        break;
      }
      fillers_.push_back(fd);
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest + 1);
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  ~DescriptorsExhausted() {
    ::setrlimit(RLIMIT_NOFILE, &saved_);
    for (const int fd : fillers_) ::close(fd);
  }
  DescriptorsExhausted(const DescriptorsExhausted&) = delete;
  DescriptorsExhausted& operator=(const DescriptorsExhausted&) = delete;

 private:
  rlimit saved_{};
  std::vector<int> fillers_;
};

TEST(TlsCheck, OutOfDescriptorsIsTheScannersFailureNotTheDomains) {
  // Issue 16.4: a worker out of file descriptors reported every domain it scanned as
  // unreachable, one step nearer bad.
  DOMAINSCAN_SKIP_WITHOUT_DESCRIPTORS_UNDER_SANITIZERS();
  ScanContext context{"valid.web.test", {asio::ip::make_address("127.0.0.21")}, nullptr, &kTestBedAllowed, nullptr,
                      3s};
  asio::io_context io;
  TlsCheck tls(io.get_executor(), testing::test_ca_file());
  {
    // The io_context makes its reactor (epoll, eventfd, timerfd) on first use: before.
    asio::steady_timer warm(io, 0ms);
    warm.async_wait([](const boost::system::error_code&) {});
    io.run();
  }
  std::optional<CheckResult> result;
  {
    const DescriptorsExhausted exhausted;
    result = testing::run_to_completion(io, tls.run(context), 20s);
  }
  ASSERT_TRUE(result);
  EXPECT_EQ(result->json.at("status"), "error") << json::serialize(result->json);
  EXPECT_NE(json::serialize(result->json).find("Too many open files"), std::string::npos)
      << json::serialize(result->json);
  EXPECT_TRUE(result->scanner_failure);
  EXPECT_FALSE(result->network_failure);
  EXPECT_TRUE(result->findings.empty()) << "nothing about the server: " << json::serialize(result->findings);
}

TEST(TlsCheck, AValidCertificateFromATrustedCa) {
  const auto run = check("valid.web.test", "127.0.0.21");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  ASSERT_EQ(j.at("status"), "ok") << json::serialize(j);
  EXPECT_EQ(j.at("protocol"), "TLSv1.3");
  EXPECT_FALSE(j.at("cipher").as_string().empty());
  EXPECT_EQ(j.at("chain_valid"), true);
  EXPECT_EQ(j.at("hostname_match"), true);
  EXPECT_TRUE(j.at("verify_error").is_null());
  const auto& cert = j.at("certificate");
  EXPECT_EQ(cert.at("subject"), "CN=valid.web.test");
  EXPECT_EQ(cert.at("issuer"), "CN=domainscan test CA");
  EXPECT_EQ(cert.at("san"), json::array{"valid.web.test"});
  EXPECT_EQ(cert.at("key"), "RSA 2048");
  EXPECT_EQ(cert.at("signature_algorithm"), "sha256WithRSAEncryption");
  EXPECT_GE(cert.at("days_left").as_int64(), 28);
  EXPECT_EQ(j.at("protocols"), (json::object{{"TLSv1.0", false}, {"TLSv1.1", false}, {"TLSv1.2", true}, {"TLSv1.3", true}}));
  EXPECT_TRUE(run.result.findings.empty()) << json::serialize(run.result.findings);
}

TEST(TlsCheck, AnExpiredCertificateIsCritical) {
  const auto run = check("expired.web.test", "127.0.0.22");
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("chain_valid"), false);
  EXPECT_EQ(run.result.json.at("verify_error"), "certificate has expired");
  EXPECT_LT(run.result.json.at("certificate").at("days_left").as_int64(), 0);
  EXPECT_TRUE(has(finding_ids(run.result), "tls.certificate_expired"));
  EXPECT_EQ(run.result.findings.at(0).at("severity"), "critical");
}

TEST(TlsCheck, ASelfSignedCertificateIsUntrusted) {
  const auto run = check("selfsigned.web.test", "127.0.0.23");
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("chain_valid"), false);
  EXPECT_EQ(run.result.json.at("hostname_match"), true);
  EXPECT_TRUE(has(finding_ids(run.result), "tls.certificate_untrusted"));
}

TEST(TlsCheck, ACertificateForAnotherNameDoesNotMatch) {
  const auto run = check("wronghost.web.test", "127.0.0.24");
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("chain_valid"), true);
  EXPECT_EQ(run.result.json.at("hostname_match"), false);
  const auto ids = finding_ids(run.result);
  EXPECT_TRUE(has(ids, "tls.hostname_mismatch"));
  EXPECT_FALSE(has(ids, "tls.certificate_untrusted"));
}

TEST(TlsCheck, ACertificateAboutToExpireAndAServerWithoutTls13) {
  const auto run = check("soon.web.test", "127.0.0.26");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  EXPECT_EQ(j.at("protocol"), "TLSv1.2");
  EXPECT_EQ(j.at("protocols"), (json::object{{"TLSv1.0", false}, {"TLSv1.1", false}, {"TLSv1.2", true}, {"TLSv1.3", false}}));
  EXPECT_EQ(j.at("certificate").at("key"), "EC 256");
  EXPECT_LT(j.at("certificate").at("days_left").as_int64(), TlsCheck::kExpiryWarningDays);
  const auto ids = finding_ids(run.result);
  EXPECT_TRUE(has(ids, "tls.certificate_expiring"));
  EXPECT_TRUE(has(ids, "tls.no_tls13"));
}

// The first handshake settles 1.3 and 1.2 here; the 1.0-1.1 probe finds 1.1, and only then
// is 1.0 asked on its own.
TEST(TlsCheck, AServerThatStillSpeaksTls10And11) {
  const auto run = check("legacy.web.test", "127.0.0.38");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  ASSERT_EQ(j.at("status"), "ok") << json::serialize(j);
  EXPECT_EQ(j.at("protocol"), "TLSv1.2");
  EXPECT_EQ(j.at("protocols"), (json::object{{"TLSv1.0", true}, {"TLSv1.1", true}, {"TLSv1.2", true}, {"TLSv1.3", false}}));
  const auto ids = finding_ids(run.result);
  EXPECT_TRUE(has(ids, "tls.legacy_protocol"));
  EXPECT_TRUE(has(ids, "tls.no_tls13"));
}

TEST(TlsCheck, AServerThatSpeaksTls11ButNot10) {
  const auto run = check("tls11.web.test", "127.0.0.39");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  ASSERT_EQ(j.at("status"), "ok") << json::serialize(j);
  EXPECT_EQ(j.at("protocols"), (json::object{{"TLSv1.0", false}, {"TLSv1.1", true}, {"TLSv1.2", true}, {"TLSv1.3", false}}));
  EXPECT_TRUE(has(finding_ids(run.result), "tls.legacy_protocol"));
}

TEST(TlsCheck, WithoutTheTestCaTheValidCertificateIsUntrusted) {
  const auto run = check("valid.web.test", "127.0.0.21", std::nullopt);  // the system trust store only
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("chain_valid"), false);
  EXPECT_TRUE(has(finding_ids(run.result), "tls.certificate_untrusted"));
}

TEST(TlsCheck, AServerThatNeverAnswersCostsOneTimeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto run = check("silent.web.test", "127.0.0.25", testing::test_ca_file(), kTestBedAllowed, 1s);
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("status"), "error");
  EXPECT_TRUE(run.result.network_failure);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);  // the probes run side by side
}

TEST(TlsCheck, AServerThatTricklesOneByteASecondCostsOneTimeout) {
  // trickle.web.test sends a byte a second that never completes a TLS record: a deadline
  // per read would wait for ever; the one deadline per handshake ends it.
  const auto started = std::chrono::steady_clock::now();
  const auto run = check("trickle.web.test", "127.0.0.36", testing::test_ca_file(), kTestBedAllowed, 2s);
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("status"), "error") << json::serialize(run.result.json);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 12s);  // the probes run side by side
}

TEST(TlsCheck, NothingIsConnectedToUnlessThePolicyAllowsIt) {
  const TargetPolicy default_policy;
  for (const char* address : {"127.0.0.21", "::ffff:127.0.0.21", "10.0.0.1", "169.254.169.254"}) {
    const auto run = check("valid.web.test", address, testing::test_ca_file(), default_policy);
    ASSERT_TRUE(run.finished);
    EXPECT_EQ(run.result.json.at("status"), "skipped") << address;
    EXPECT_NE(run.result.json.at("reason").as_string().find("--allow-target"), std::string::npos);
  }
  const auto none = check("valid.web.test", "");
  EXPECT_EQ(none.result.json.at("status"), "skipped");
}

}  // namespace
}  // namespace domainscan::scan
