// Issue 16.1: scan data that is not UTF-8 text (a Latin-1 TXT record, a NUL byte) went into
// the result byte for byte; PostgreSQL's jsonb refused it (and the scan was retried, then
// dead-lettered, and stayed running) while SQLite stored what no JSON parser reads. The
// engine's report is valid JSON text, and stores and reads back on both backends.
#include "core/utf8.hpp"
#include "scan/engine.hpp"
#include "store/store.hpp"
#include "support/backends.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::Backend;

scan::ScanReport scan_dns(const std::string& domain) {
  boost::asio::io_context io;
  scan::ScanEngine engine(io.get_executor(), testing::dns_only_settings(3s));
  auto report = testing::run_to_completion(io, engine.scan(domain), 30s);
  EXPECT_TRUE(report);
  return report.value_or(scan::ScanReport{});
}

class ScanTextStorageTest : public ::testing::TestWithParam<Backend> {};

TEST_P(ScanTextStorageTest, ALatin1AndANulTxtRecordAreStoredAsText) {
  const auto report = scan_dns("latin1.web.test");
  const auto result = report.result_json();
  ASSERT_TRUE(is_valid_utf8(result));
  ASSERT_EQ(result.find("\\u0000"), std::string::npos) << result;
  const auto& txt = report.checks.at("dns").at("txt").as_array();
  ASSERT_EQ(txt.size(), 2u) << json::serialize(report.checks.at("dns"));
  std::vector<std::string> texts;
  for (const auto& t : txt) texts.emplace_back(t.as_string());
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts[0], "caf\xEF\xBF\xBD");        // the byte 0xE9 as U+FFFD
  EXPECT_EQ(texts[1], "nul\xEF\xBF\xBD" "byte");  // the NUL as U+FFFD

  testing::FreshDatabase db(GetParam());
  auto store = store::open_store(db.url(), 2);
  const auto added = store->add_domain("latin1.web.test", std::nullopt, store::ScanTrigger::api);
  ASSERT_TRUE(store->claim_scan(added.scan_id));
  store::ScanCompletion completion;
  completion.scan_id = added.scan_id;
  completion.result_json = result;
  ASSERT_TRUE(store->complete_scan(completion));
  const auto stored = store->find_scan(added.scan_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, store::ScanStatus::completed);
  const auto back = json::parse(stored->result_json);
  EXPECT_EQ(back.at("checks").at("dns").at("txt").as_array().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScanTextStorageTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace domainscan
