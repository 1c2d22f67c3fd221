#include "api/bulk_request.hpp"

#include "api/route_helpers.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace domainscan::api {
namespace {

namespace json = boost::json;

// How much of an invalid entry is echoed back.
constexpr std::size_t kMaxEchoBytes = 256;

class Collector {
 public:
  Collector(BulkRequest& out, const DomainNameRules& rules, std::size_t max_entries)
      : out_(out), rules_(rules), max_entries_(max_entries) {}

  void add(std::size_t position, std::string_view input) {
    count();
    try {
      out_.names.push_back(normalize_domain(input, rules_));
    } catch (const ValidationError& e) {
      out_.invalid.push_back({position, utf8_excerpt(input, kMaxEchoBytes), valid_utf8(e.what())});
    }
  }
  void reject(std::size_t position, std::string_view input, std::string error) {
    count();
    out_.invalid.push_back({position, utf8_excerpt(input, kMaxEchoBytes), std::move(error)});
  }

 private:
  void count() {
    if (++entries_ > max_entries_) {
      throw HttpError(http::status::payload_too_large, "too_many_domains",
                      fmt::format("at most {} domains a request (--bulk-max); send the rest in another", max_entries_));
    }
  }
  BulkRequest& out_;
  const DomainNameRules& rules_;
  std::size_t max_entries_;
  std::size_t entries_ = 0;
};

enum class BodyKind { json, lines };

// JSON only as JSON (a page of another site can send a form or text without asking the
// server first, never application/json); names a line as text, or with no type or a form's
// (curl --data-binary's default: cross-site forms are refused by their Origin).
BodyKind body_kind(const Request& request) {
  const auto type = request[http::field::content_type];
  if (is_json_media_type(type)) return BodyKind::json;
  const auto media = to_lower(trim(type.substr(0, type.find(';'))));
  const bool text = media.empty() || media.starts_with("text/") || media == "application/x-www-form-urlencoded";
  // A name cannot start with '[' or '{'.
  const auto body = trim(request.body());
  const bool looks_like_json = !body.empty() && (body.front() == '[' || body.front() == '{');
  if (!text || looks_like_json) {
    throw HttpError(http::status::unsupported_media_type, "unsupported_media_type",
                    "send JSON as Content-Type: application/json (curl --json @FILE), or the names a line each as "
                    "text (curl --data-binary @FILE)");
  }
  return BodyKind::lines;
}

void parse_json(const Request& request, BulkRequest& out, Collector& collect) {
  boost::system::error_code ec;
  auto value = json::parse(request.body(), ec);
  if (ec) throw HttpError(http::status::bad_request, "invalid_json", "the request body is not valid JSON: " + ec.message());
  const json::array* items = nullptr;
  if (value.is_array()) {
    items = &value.as_array();
  } else if (value.is_object()) {
    const auto& o = value.as_object();
    const auto* domains = o.if_contains("domains");
    if (!domains || !domains->is_array()) {
      throw HttpError(http::status::bad_request, "invalid_json", "\"domains\" must be an array of domain names");
    }
    items = &domains->as_array();
    out.schedule = schedule_from(o.if_contains("schedule"));
  } else {
    throw HttpError(http::status::bad_request, "invalid_json",
                    "the body must be an array of domain names or {\"domains\": [...], \"schedule\": {...}}");
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    if (item.is_string()) {
      collect.add(i, item.as_string());
    } else {
      collect.reject(i, json::serialize(item), "not a string");
    }
  }
}

void parse_text(const Request& request, Collector& collect) {
  std::string_view rest = request.body();
  std::size_t line_number = 0;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const auto line = trim(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    collect.add(line_number, line);
  }
}

}  // namespace

BulkRequest parse_bulk_request(const Request& request, const DomainNameRules& rules, std::size_t max_entries) {
  if (trim(request.body()).empty()) {
    throw HttpError(http::status::bad_request, "invalid_body", "the body is empty: send domain names, a line each, or JSON");
  }
  const auto kind = body_kind(request);
  BulkRequest out;
  Collector collect(out, rules, max_entries);
  if (kind == BodyKind::json) {
    parse_json(request, out, collect);
  } else {
    out.lines = true;
    parse_text(request, collect);
  }
  return out;
}

}  // namespace domainscan::api
