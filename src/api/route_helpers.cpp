#include "api/route_helpers.hpp"

#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "scheduler/schedule_validation.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

namespace domainscan::api {

namespace json = boost::json;

bool is_json_media_type(std::string_view content_type) {
  const auto type = to_lower(trim(content_type.substr(0, content_type.find(';'))));
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

json::object json_body(const RouteRequest& req) {
  const auto& body = req.request.body();
  if (body.empty()) throw HttpError(http::status::bad_request, "invalid_json", "the request body is empty; JSON expected");
  // A page of another site can send a form or text/plain without asking first, but not
  // application/json: requiring it keeps such pages out even where Origin is not sent.
  if (!is_json_media_type(req.request[http::field::content_type])) {
    throw HttpError(http::status::unsupported_media_type, "unsupported_media_type",
                    "the body must be JSON sent as Content-Type: application/json (curl --json '{...}')");
  }
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) throw HttpError(http::status::bad_request, "invalid_json", "the request body is not valid JSON: " + ec.message());
  if (!value.is_object()) throw HttpError(http::status::bad_request, "invalid_json", "the request body must be a JSON object");
  return std::move(value.as_object());
}

std::optional<store::Schedule> schedule_from(const json::value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_object()) throw ValidationError("invalid_schedule", "\"schedule\" must be an object {\"cron\", \"timezone\"}");
  const auto& o = value->as_object();
  store::Schedule s;
  const auto* cron = o.if_contains("cron");
  if (!cron || !cron->is_string()) throw ValidationError("invalid_schedule", "\"schedule.cron\" must be a string");
  s.cron = std::string(cron->as_string());
  if (const auto* tz = o.if_contains("timezone"); tz && !tz->is_null()) {
    if (!tz->is_string()) throw ValidationError("invalid_schedule", "\"schedule.timezone\" must be a string");
    s.timezone = std::string(tz->as_string());
  }
  scheduler::validate_schedule(s);
  return s;
}

std::string domain_param(const RouteRequest& req, const ApiContext& ctx) {
  return normalize_domain(req.path.at("domain"), ctx.names);
}

long int_param(const RouteRequest& req, const std::string& name, long min, long max, long fallback) {
  const auto text = req.query_param(name);
  if (!text) return fallback;
  long value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    throw HttpError(http::status::bad_request, "invalid_parameter",
                    fmt::format("{} must be a whole number from {} to {}", name, min, max));
  }
  return value;
}

ReadCache::Lookup find_cached(ApiContext& ctx, const std::string& key) {
  return ctx.reads ? ctx.reads->find(key) : ReadCache::Lookup{};
}

void keep_cached(ApiContext& ctx, const std::string& key, const ReadCache::Lookup& at, const Response& answer,
                 Lifetime lifetime) {
  if (ctx.reads) ctx.reads->keep(key, at, answer, lifetime);
}

void forget_cached(ApiContext& ctx) {
  if (ctx.reads) ctx.reads->forget();
}

boost::asio::awaitable<void> announce_schedule(ApiContext& ctx, const std::string& domain,
                                               const std::optional<store::Schedule>& schedule) {
  const bus::ScheduleRequested message{domain, schedule ? "upsert" : "delete", schedule ? schedule->cron : "",
                                       schedule ? schedule->timezone : ""};
  std::string body = bus::to_json(message);  // a named local: see outbox::publish_scan
  try {
    co_await ctx.bus.publish(bus::kScheduleRequested, std::move(body));
  } catch (const std::exception& e) {
    spdlog::warn("api: the schedule of {} is stored but schedule.requested was not published ({}); the "
                 "scheduler plans it on its next round",
                 domain, e.what());
  }
}

boost::asio::awaitable<store::AddDomainResult> add_domain(ApiContext& ctx, const std::string& name,
                                                          const std::optional<store::Schedule>& schedule,
                                                          store::ScanTrigger trigger) {
  store::AddDomainRequest request{name, schedule, trigger};  // a named local: see outbox::publish_scan
  co_return co_await ctx.adds.add(std::move(request));
}

boost::asio::awaitable<void> publish_scan_request(ApiContext& ctx, std::int64_t scan_id, const std::string& domain,
                                                  store::ScanTrigger trigger) {
  store::ScanRef scan{scan_id, domain, trigger};  // a named local: see outbox::publish_scan
  if (ctx.after_answer != nullptr) {
    co_await ctx.after_answer->hand_off(std::move(scan));
  } else {
    co_await ctx.publisher.publish(std::move(scan));
  }
}

}  // namespace domainscan::api
