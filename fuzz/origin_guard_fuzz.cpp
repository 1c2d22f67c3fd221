// The Host and Origin checks (api/origin_guard.cpp) on headers a client chooses.
//
// Input: lines "METHOD", "HOST", "ORIGIN", "SEC-FETCH-SITE" (a missing line: no such field).
// Beyond not crashing: a refusal is 421 or 403 with a JSON error body; a GET naming the
// server by an IP literal is never refused.
#include "api/origin_guard.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

using namespace domainscan;
namespace http = boost::beast::http;

std::vector<std::string_view> lines_of(std::string_view input) {
  std::vector<std::string_view> lines;
  while (!input.empty() && lines.size() < 4) {
    const auto newline = input.find('\n');
    lines.push_back(input.substr(0, newline));
    input = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  }
  return lines;
}

// Field values cannot hold CR, LF or NUL (Beast's parser refuses them before any route).
bool storable(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const api::OriginGuard guard(api::OriginRules::from("scanner.lan", {"https://scanner.example.net"}));
  const auto lines = lines_of(std::string_view(reinterpret_cast<const char*>(data), size));
  api::Request request;
  request.version(11);
  request.target("/api/v1/domains");
  const auto verb = lines.empty() ? http::verb::get : http::string_to_verb(lines[0]);
  request.method(verb == http::verb::unknown ? http::verb::post : verb);
  const http::field fields[] = {http::field::host, http::field::origin};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!storable(lines[i])) return 0;
    if (i <= 2) request.set(fields[i - 1], lines[i]);
    else request.set("Sec-Fetch-Site", lines[i]);
  }
  for (const auto access : {api::Access::open, api::Access::read, api::Access::write}) {
    const auto refused = guard.refuse(request, access);
    if (!refused) continue;
    const auto status = refused->result();
    if (status != http::status::misdirected_request && status != http::status::forbidden) std::abort();
    boost::system::error_code ec;
    boost::json::parse(refused->body(), ec);
    if (ec) std::abort();
  }
  api::Request by_address(http::verb::get, "/api/v1/domains", 11);
  by_address.set(http::field::host, "127.0.0.1:8080");
  if (lines.size() > 2) by_address.set(http::field::origin, lines[2]);
  if (guard.refuse(by_address, api::Access::read)) std::abort();
  return 0;
}
