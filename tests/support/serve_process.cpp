#include "support/serve_process.hpp"

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/testbed.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

namespace domainscan::testing {

namespace json = boost::json;
using namespace std::chrono_literals;

Serve::Serve(std::vector<std::string> extra) {
  argv_ = {domainscan_binary(), "serve", "--listen", "127.0.0.1:0", "--db",
           "sqlite:" + (data_.path() / "d.db").string(), "--allow-suffix", "test",
           "--allow-target", "127.0.0.0/8", "--dns-server", test_dns_server(), "--ca-file",
           test_ca_file(), "--trust-anchor-file", "none",
           // The tests drive serve far faster than people do; the limits have tests of their own.
           "--rate-limit", "off", "--scan-rate-limit", "off", "--rescan-cooldown", "0s"};
  argv_.insert(argv_.end(), extra.begin(), extra.end());
  start();
}

void Serve::start() {
  // Each run logs to a directory of its own, so a restart keeps the earlier run's log.
  const auto logs = data_.path() / fmt::format("run-{}", ++runs_);
  std::filesystem::create_directories(logs);
  process_.emplace(argv_, logs);
  const auto line = process_->wait_for_log("listening on http://127.0.0.1:", 30s);
  if (!line) throw std::runtime_error("serve did not start:\n" + process_->stderr_text());
  port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
}

void Serve::restart() {
  process_->signal(SIGTERM);
  if (!process_->wait(60s)) throw std::runtime_error("serve did not stop on SIGTERM:\n" + process_->stderr_text());
  process_.reset();
  start();
}

std::string Serve::log() const { return process_->stderr_text(); }

std::int64_t Serve::scan(const std::string& domain) {
  auto res = http_request(port_, "POST", "/api/v1/domains", json::serialize(json::object{{"domain", domain}}));
  if (res.status == 200) res = http_request(port_, "POST", "/api/v1/domains/" + domain + "/scans");
  if (res.status != 200 && res.status != 202) throw std::runtime_error(domain + ": " + res.body);
  const auto parsed = res.json();
  const auto& body = parsed.as_object();
  if (const auto* id = body.if_contains("scan_id")) return id->as_int64();
  return body.at("id").as_int64();
}

json::value Serve::get(const std::string& target) {
  const auto res = http_request(port_, "GET", target);
  if (res.status != 200) throw std::runtime_error(fmt::format("GET {}: {} {}", target, res.status, res.body));
  return res.json();
}

json::object Serve::scan_result(std::int64_t id) { return get(fmt::format("/api/v1/scans/{}", id)).as_object(); }

json::object Serve::domain(const std::string& name) { return get("/api/v1/domains/" + name).as_object(); }

std::map<std::int64_t, json::object> Serve::wait_for(const std::vector<std::int64_t>& ids,
                                                     std::chrono::seconds timeout) {
  std::map<std::int64_t, json::object> done;
  const bool finished = eventually(
      [&] {
        for (const auto id : ids) {
          if (done.contains(id)) continue;
          auto scan = scan_result(id);
          const auto status = scan.at("status");
          if (status != "completed" && status != "failed") return false;
          done.emplace(id, std::move(scan));
        }
        return true;
      },
      timeout);
  if (!finished) throw std::runtime_error(fmt::format("{} of {} scans finished in time", done.size(), ids.size()));
  return done;
}

}  // namespace domainscan::testing
