#include "app/scan_command.hpp"

#include "core/domain_name.hpp"
#include "core/errors.hpp"
#include "scan/engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <iostream>

namespace domainscan::app {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Scan data is whatever the scanned servers sent: printed raw, an escape sequence in a TXT
// record or a header would drive the reader's terminal (move the cursor, rewrite lines,
// set the title). Control characters (C0, DEL and C1) are shown as \xNN instead.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // U+0080..U+009F in UTF-8
      out += fmt::format("\\x{:02x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string scalar_text(const json::value& v) {
  if (v.is_string()) return printable(v.as_string());
  if (v.is_null()) return "-";
  if (v.is_object()) {
    std::string out;
    for (const auto& [k, item] : v.as_object()) {
      if (!out.empty()) out += ' ';
      out += fmt::format("{}={}", printable(k), scalar_text(item));
    }
    return out;
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v.as_array()) {
      if (!out.empty()) out += ", ";
      out += scalar_text(item);
    }
    return out.empty() ? "-" : out;
  }
  return json::serialize(v);
}

}  // namespace

std::string render_text(const json::object& result) {
  std::string out = fmt::format("{}\n", scalar_text(result.at("domain")));
  if (const auto* grade = result.if_contains("grade"); grade && !grade->is_null()) {
    out += fmt::format("  grade {} (score {})\n", scalar_text(*grade), scalar_text(result.at("score")));
  } else if (const auto* reason = result.if_contains("grade_reason"); reason && reason->is_string()) {
    out += fmt::format("  no grade: {}\n", scalar_text(*reason));
  }
  for (const auto& [name, check] : result.at("checks").as_object()) {
    const auto& c = check.as_object();
    out += fmt::format("  {}: {}", printable(name), scalar_text(c.at("status")));
    if (const auto* e = c.if_contains("error")) out += fmt::format(" ({})", scalar_text(*e));
    if (const auto* r = c.if_contains("reason")) out += fmt::format(" ({})", scalar_text(*r));
    out += '\n';
    for (const auto& [key, value] : c) {
      if (key == "status" || key == "error" || key == "reason") continue;
      out += fmt::format("    {:<8} {}\n", printable(key), scalar_text(value));
    }
  }
  for (const auto& f : result.at("findings").as_array()) {
    const auto& o = f.as_object();
    out += fmt::format("  [{}] {}\n", scalar_text(o.at("severity")), scalar_text(o.at("message")));
  }
  return out;
}

int run_scan_command(const Settings& settings, const std::vector<std::string>& inputs, OutputFormat format) {
  std::vector<std::string> domains;
  for (const auto& input : inputs) {
    try {
      domains.push_back(normalize_domain(input, DomainNameRules{settings.allow_suffixes}));
    } catch (const ValidationError& e) {
      std::cerr << "domainscan: " << input << ": " << e.what() << "\n";
      return 2;
    }
  }

  asio::io_context io;
  scan::ScanEngine engine(io.get_executor(), settings);
  // Domains are scanned concurrently; results print in the order given.
  std::vector<std::future<scan::ScanReport>> reports;
  for (const auto& d : domains) reports.push_back(asio::co_spawn(io, engine.scan(d), asio::use_future));
  io.run();

  json::array all;
  for (std::size_t i = 0; i < domains.size(); ++i) {
    const auto report = reports[i].get();
    json::object result{{"domain", domains[i]},
                        {"grade", report.grade ? json::value(*report.grade) : nullptr},
                        {"score", report.score ? json::value(*report.score) : nullptr},
                        {"grade_reason", report.grade_reason ? json::value(*report.grade_reason) : nullptr},
                        {"checks", report.checks},
                        {"findings", report.findings}};
    if (format == OutputFormat::text) {
      std::cout << render_text(result) << (i + 1 < domains.size() ? "\n" : "");
    } else {
      all.push_back(std::move(result));
    }
  }
  if (format == OutputFormat::json) std::cout << json::serialize(all) << "\n";
  return 0;
}

}  // namespace domainscan::app
