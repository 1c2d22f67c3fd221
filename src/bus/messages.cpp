#include "bus/messages.hpp"

#include "core/errors.hpp"

#include <boost/json.hpp>

namespace domainscan::bus {
namespace {

constexpr std::int64_t kVersion = 1;

boost::json::object parse_object(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw ValidationError("invalid_message", "message body is not a JSON object");
  auto& obj = value.as_object();
  const auto* v = obj.if_contains("v");
  if (!v || !v->is_int64() || v->as_int64() != kVersion) {
    throw ValidationError("invalid_message", "message has no \"v\": 1");
  }
  return std::move(obj);
}

std::string string_field(const boost::json::object& obj, const char* key) {
  const auto* v = obj.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty()) {
    throw ValidationError("invalid_message", std::string("message has no string \"") + key + "\"");
  }
  return std::string(v->as_string());
}

}  // namespace

std::string to_json(const ScanRequested& m) {
  return boost::json::serialize(
      boost::json::object{{"v", kVersion}, {"scan_id", m.scan_id}, {"domain", m.domain}, {"trigger", m.trigger}});
}

std::string to_json(const ScheduleRequested& m) {
  boost::json::object o{{"v", kVersion}, {"domain", m.domain}, {"action", m.action}};
  if (m.action == "upsert") {
    o["cron"] = m.cron;
    o["timezone"] = m.timezone;
  }
  return boost::json::serialize(o);
}

std::string to_json(const ScanCompleted& m) {
  boost::json::object o{{"v", kVersion}, {"scan_id", m.scan_id}, {"domain", m.domain}, {"status", m.status}};
  o["grade"] = m.grade ? boost::json::value(*m.grade) : boost::json::value(nullptr);
  return boost::json::serialize(o);
}

ScanRequested parse_scan_requested(const std::string& body) {
  const auto obj = parse_object(body);
  ScanRequested m;
  const auto* id = obj.if_contains("scan_id");
  if (!id || !id->is_int64() || id->as_int64() <= 0) {
    throw ValidationError("invalid_message", "message has no positive integer \"scan_id\"");
  }
  m.scan_id = id->as_int64();
  m.domain = string_field(obj, "domain");
  m.trigger = string_field(obj, "trigger");
  return m;
}

ScheduleRequested parse_schedule_requested(const std::string& body) {
  const auto obj = parse_object(body);
  ScheduleRequested m;
  m.domain = string_field(obj, "domain");
  m.action = string_field(obj, "action");
  if (m.action == "upsert") {
    m.cron = string_field(obj, "cron");
    m.timezone = string_field(obj, "timezone");
  } else if (m.action != "delete") {
    throw ValidationError("invalid_message", "\"action\" must be upsert or delete");
  }
  return m;
}

}  // namespace domainscan::bus
