#include "scan/engine.hpp"

#include "scan/dns.hpp"

#include <boost/json/serialize.hpp>

namespace domainscan::scan {

std::string ScanReport::result_json() const {
  return boost::json::serialize(boost::json::object{{"checks", checks}, {"findings", findings}});
}

ScanEngine::ScanEngine(boost::asio::any_io_executor executor, const Settings& settings)
    : resolver_(std::move(executor), ResolverConfig{settings.dns_servers, settings.trust_anchor_file, settings.allow_suffixes}),
      check_timeout_(settings.check_timeout) {}

boost::asio::awaitable<ScanReport> ScanEngine::scan(const std::string& domain) {
  ScanReport report;
  const auto dns = co_await run_dns_check(resolver_, domain, check_timeout_);
  report.checks["dns"] = dns.json;
  report.nxdomain = dns.nxdomain;
  report.every_check_unreachable = dns.network_failure;
  co_return report;
}

}  // namespace domainscan::scan
