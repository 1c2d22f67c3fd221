// `domainscan import` against a running `serve`: a file of names sent in batches, invalid
// lines reported with their line numbers in the file, a second run changes nothing, stdin
// works, and an api that is not there is an error.
#include "support/child_process.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;

TEST(Import, AFileIsSentInBatchesAndItsInvalidLinesAreReportedByLine) {
  Serve serve({"--check-timeout", "2s"});
  TempDir dir;
  const auto list = (dir.path() / "domains.txt").string();
  {
    std::ofstream out(list);
    out << "# exported from the registrar\n";       // line 1
    for (int i = 0; i < 250; ++i) out << fmt::format("import-{}.test\n", i);  // lines 2-251
    out << "\n"                                     // 252
        << "not a domain\n"                         // 253
        << "  Import-7.TEST  \n"                    // 254: known by then
        << "https://import-250.test/path\n";        // 255
  }
  const auto api = fmt::format("http://127.0.0.1:{}", serve.port());
  const auto first = run_command({domainscan_binary(), "import", list, "--api-url", api, "--batch", "100"}, 60s);
  ASSERT_EQ(first.exit_status, 0) << first.err;
  EXPECT_NE(first.out.find("253 names sent; 251 added and queued for a first scan, 1 known, 1 invalid"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.err.find("domains.txt:253: not a domain: "), std::string::npos) << first.err;
  EXPECT_EQ(serve.get("/api/v1/domains/import-250.test").at("domain"), "import-250.test");
  EXPECT_EQ(serve.get("/api/v1/domains?limit=500").at("items").as_array().size(), 251u);

  // Again, from stdin: every name is known now, nothing is queued.
  const auto again = run_command({"/bin/sh", "-c", fmt::format("'{}' import - --api-url {} < '{}'", domainscan_binary(), api, list)}, 60s);
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_NE(again.out.find("stdin: 253 names sent; 0 added and queued for a first scan, 252 known, 1 invalid"),
            std::string::npos)
      << again.out;
}

TEST(Import, AnApiThatIsNotThereIsAnErrorAndABadUrlIsBadInput) {
  TempDir dir;
  const auto list = (dir.path() / "domains.txt").string();
  std::ofstream(list) << "a.test\n";
  const auto nowhere = run_command({domainscan_binary(), "import", list, "--api-url", "http://127.0.0.1:1"}, 60s);
  EXPECT_EQ(nowhere.exit_status, 1);
  EXPECT_NE(nowhere.err.find("stopped: http://127.0.0.1:1/api/v1/domains/bulk: cannot connect"), std::string::npos)
      << nowhere.err;
  EXPECT_NE(nowhere.err.find("run the same import again"), std::string::npos) << nowhere.err;

  const auto bad_url = run_command({domainscan_binary(), "import", list, "--api-url", "ftp://x"}, 10s);
  EXPECT_EQ(bad_url.exit_status, 2);
  const auto no_file = run_command({domainscan_binary(), "import", (dir.path() / "missing.txt").string()}, 10s);
  EXPECT_EQ(no_file.exit_status, 2);
  EXPECT_NE(no_file.err.find("cannot read"), std::string::npos) << no_file.err;
}

}  // namespace
}  // namespace domainscan::testing
