// /api/v1/webhooks: subscriptions to events, and their deliveries (watch/webhook_deliverer.hpp).
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "scan/target_policy.hpp"
#include "watch/event_types.hpp"
#include "watch/webhook_signature.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace domainscan::api {
namespace {

namespace json = boost::json;

// Bounds: every event fans out to at most this many deliveries.
constexpr std::size_t kMaxWebhooks = 100;
constexpr std::size_t kMaxWebhookDomains = 1000;
constexpr std::size_t kMaxUrlLength = 2048;
constexpr long kMaxDeliveryPage = 200;

// "wh_12" (or "12") as 12; 404 for anything else, like an id that does not exist.
std::int64_t webhook_id(const RouteRequest& req) {
  std::string_view text = req.path.at("id");
  if (text.starts_with("wh_")) text.remove_prefix(3);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw HttpError(http::status::not_found, "not_found", "no webhook " + req.path.at("id"));
  }
  return id;
}

std::string webhook_url(const json::object& body, const ApiContext& ctx) {
  const auto* v = body.if_contains("url");
  if (!v || !v->is_string()) throw ValidationError("invalid_webhook", "\"url\" must be a string");
  const std::string text(v->as_string());
  const auto url = boost::urls::parse_absolute_uri(text);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->encoded_host().empty()) {
    throw ValidationError("invalid_webhook", "\"url\" must be an absolute http:// or https:// URL");
  }
  if (text.size() > kMaxUrlLength) {
    throw ValidationError("invalid_webhook", fmt::format("\"url\" is longer than {} characters", kMaxUrlLength));
  }
  if (url->has_fragment()) throw ValidationError("invalid_webhook", "\"url\" must not have a #fragment");
  // An address written in the URL is judged now; a name is judged on the address it has
  // at each delivery (the address connected to).
  const auto host_type = url->host_type();
  if (host_type == boost::urls::host_type::ipv4 || host_type == boost::urls::host_type::ipv6) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(url->encoded_host_address()), ec);
    if (ec) throw ValidationError("invalid_webhook", "\"url\" has an address that cannot be read");
    if (auto why = scan::TargetPolicy(ctx.allow_targets).refusal(address)) {
      throw ValidationError("invalid_webhook",
                            fmt::format("\"url\" points at a {}: not allowed unless --allow-target opens it", *why));
    }
  }
  return text;
}

std::vector<std::string> webhook_events(const json::object& body) {
  const auto* v = body.if_contains("events");
  if (!v || !v->is_array() || v->as_array().empty()) {
    throw ValidationError("invalid_webhook", "\"events\" must be a non-empty array of event types, or [\"*\"]");
  }
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string() || (e.as_string() != "*" && !watch::is_event_type(e.as_string()))) {
      std::string known;
      for (const auto t : watch::kEventTypes) known += fmt::format("{}, ", t);
      throw ValidationError("invalid_webhook", fmt::format("\"events\" may hold {}or \"*\"", known));
    }
    out.emplace_back(e.as_string());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> webhook_domains(const json::object& body, const ApiContext& ctx) {
  const auto* v = body.if_contains("domains");
  if (!v || v->is_null()) return {};
  if (!v->is_array()) throw ValidationError("invalid_webhook", "\"domains\" must be an array of domain names");
  if (v->as_array().size() > kMaxWebhookDomains) {
    throw ValidationError("invalid_webhook", fmt::format("\"domains\" may hold at most {} names", kMaxWebhookDomains));
  }
  std::vector<std::string> out;
  for (const auto& d : v->as_array()) {
    if (!d.is_string()) throw ValidationError("invalid_webhook", "\"domains\" must be an array of domain names");
    out.push_back(normalize_domain(std::string_view(d.as_string()), ctx.names));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

boost::asio::awaitable<Response> create_webhook(ApiContext& ctx, const RouteRequest& req) {
  const auto body = json_body(req);
  store::Webhook webhook;
  webhook.url = webhook_url(body, ctx);
  webhook.events = webhook_events(body);
  webhook.domains = webhook_domains(body, ctx);
  webhook.secret = watch::new_webhook_secret();
  const auto count = co_await ctx.db.run([&] { return ctx.store.list_webhooks().size(); });
  if (count >= kMaxWebhooks) {
    throw HttpError(http::status::conflict, "too_many_webhooks",
                    fmt::format("at most {} webhooks; delete one first", kMaxWebhooks));
  }
  const auto created = co_await ctx.db.run([&] { return ctx.store.create_webhook(webhook); });
  auto view = webhook_view(created);
  view["secret"] = created.secret;  // shown here only: the receiver needs it to verify
  auto res = json_response(http::status::created, view);
  res.set(http::field::location, "/api/v1/webhooks/" + created.public_id());
  co_return res;
}

boost::asio::awaitable<Response> list_webhooks(ApiContext& ctx, const RouteRequest&) {
  const auto webhooks = co_await ctx.db.run([&] { return ctx.store.list_webhooks(); });
  json::array items;
  for (const auto& w : webhooks) items.push_back(webhook_view(w));
  co_return json_response(http::status::ok, list_envelope(std::move(items), std::nullopt));
}

boost::asio::awaitable<Response> show_webhook(ApiContext& ctx, const RouteRequest& req) {
  const auto id = webhook_id(req);
  const auto webhook = co_await ctx.db.run([&] { return ctx.store.find_webhook(id); });
  if (!webhook) throw HttpError(http::status::not_found, "not_found", "no webhook " + req.path.at("id"));
  co_return json_response(http::status::ok, webhook_view(*webhook));
}

boost::asio::awaitable<Response> delete_webhook(ApiContext& ctx, const RouteRequest& req) {
  const auto id = webhook_id(req);
  if (!co_await ctx.db.run([&] { return ctx.store.delete_webhook(id); })) {
    throw HttpError(http::status::not_found, "not_found", "no webhook " + req.path.at("id"));
  }
  Response res(http::status::no_content, 11);
  res.prepare_payload();
  co_return res;
}

boost::asio::awaitable<Response> list_deliveries(ApiContext& ctx, const RouteRequest& req) {
  const auto id = webhook_id(req);
  const auto limit = static_cast<std::size_t>(int_param(req, "limit", 1, kMaxDeliveryPage, 50));
  std::optional<std::int64_t> before;
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    before = int_param(req, "cursor", 1, std::numeric_limits<long>::max(), 0);
  }
  const auto known = co_await ctx.db.run([&] { return ctx.store.find_webhook(id).has_value(); });
  if (!known) throw HttpError(http::status::not_found, "not_found", "no webhook " + req.path.at("id"));
  const auto page = co_await ctx.db.run([&] { return ctx.store.list_deliveries(id, limit, before); });
  json::array items;
  for (const auto& d : page.items) items.push_back(delivery_view(d));
  co_return json_response(http::status::ok, list_envelope(std::move(items), page.next_cursor));
}

}  // namespace

void add_webhook_routes(Router& router, ApiContext& ctx) {
  const auto bind = [&ctx](auto fn) { return [&ctx, fn](const RouteRequest& r) { return fn(ctx, r); }; };
  router.add(http::verb::post, "/api/v1/webhooks", Access::admin, bind(create_webhook));
  router.add(http::verb::get, "/api/v1/webhooks", Access::admin, bind(list_webhooks));
  router.add(http::verb::get, "/api/v1/webhooks/{id}", Access::admin, bind(show_webhook));
  router.add(http::verb::delete_, "/api/v1/webhooks/{id}", Access::admin, bind(delete_webhook));
  router.add(http::verb::get, "/api/v1/webhooks/{id}/deliveries", Access::admin, bind(list_deliveries));
}

}  // namespace domainscan::api
