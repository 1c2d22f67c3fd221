#include "core/logging.hpp"

#include "core/errors.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace domainscan {
namespace {

std::string json_string(std::string_view text) { return boost::json::serialize(boost::json::string(text)); }

// "%*" in a pattern: the message as JSON fields, `"msg": "..."` (quotes and escapes
// included, so a message holding quotes or newlines cannot break the line), preceded by
// "scan_id" and "domain" when the message starts with a scan_tag().
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string out;
    if (text.starts_with("[scan ")) {
      const auto id_end = text.find(' ', 6);
      const auto close = text.find("] ", 6);
      const auto id = id_end == std::string_view::npos ? std::string_view{} : text.substr(6, id_end - 6);
      if (close != std::string_view::npos && id_end < close && !id.empty() &&
          id.find_first_not_of("0123456789") == std::string_view::npos) {
        out = fmt::format("\"scan_id\":{},\"domain\":{},", id, json_string(text.substr(id_end + 1, close - id_end - 1)));
        text.remove_prefix(close + 2);
      }
    }
    out += "\"msg\":" + json_string(text);
    dest.append(out.data(), out.data() + out.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

}  // namespace

void init_logging(const std::string& level, LogFormat format) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    throw ValidationError("invalid_setting", "unknown log level '" + level +
                                                 "' (trace, debug, info, warn, error, critical, off)");
  }
  auto logger = std::make_shared<spdlog::logger>("domainscan", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == LogFormat::json) {
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,%*})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v");
  }
  return formatter;
}

std::string scan_tag(std::int64_t scan_id, std::string_view domain) { return fmt::format("[scan {} {}] ", scan_id, domain); }

}  // namespace domainscan
