#include "watch/webhook_post.hpp"

#include "scan/http_fetch.hpp"
#include "scan/target_address.hpp"
#include "watch/event_json.hpp"
#include "watch/webhook_signature.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

namespace domainscan::watch {

namespace asio = boost::asio;

std::string delivery_body(const store::DueDelivery& delivery) {
  return boost::json::serialize(event_json(delivery.event));
}

asio::awaitable<PostOutcome> post_delivery(asio::any_io_executor executor, const PostContext& context,
                                           const store::DueDelivery& delivery, TimePoint now) {
  PostOutcome out;
  const auto parsed = boost::urls::parse_absolute_uri(delivery.url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    out.error = "the webhook's URL is not an http or https URL";
    co_return out;
  }
  boost::urls::url url(*parsed);
  // The address the request goes to, looked up once and checked against the address rule
  // (a name cannot be re-pointed between the check and the connection).
  scan::ScanContext net;
  net.policy = context.policy;
  net.resolver = context.resolver;
  net.timeout = context.timeout;
  const auto target = co_await scan::target_address(net, url);
  if (const auto* none = std::get_if<scan::NoTarget>(&target)) {
    out.error = "not sent: " + none->why;
    co_return out;
  }

  const auto body = delivery_body(delivery);
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto id = delivery.event.id();
  scan::HttpFetchOptions options;
  options.method = "POST";
  options.body = body;
  options.max_body = 4096;  // the answer's body is not used; a little is kept for the error text
  options.verify = context.verify;
  options.headers = {{"content-type", "application/json"},
                     {"webhook-id", id},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature", webhook_signature(delivery.secret, id, timestamp, body)}};
  const auto address = std::get<asio::ip::address>(target);
  const auto result = co_await scan::http_fetch(executor, std::move(url), address, context.timeout, std::move(options));
  if (result.error) {
    out.error = result.certificate_error ? fmt::format("{} ({})", *result.error, *result.certificate_error)
                                         : *result.error;
    co_return out;
  }
  out.status_code = result.status;
  if (result.status < 200 || result.status > 299) out.error = fmt::format("the receiver answered {}", result.status);
  co_return out;
}

store::DeliveryAttempt judge_attempt(const store::DueDelivery& delivery, const PostOutcome& outcome, TimePoint now,
                                     const RetryPolicy& retry, double jitter) {
  store::DeliveryAttempt a;
  a.delivery_id = delivery.id;
  a.attempts_before = delivery.attempts;
  a.at = now;
  a.status_code = outcome.status_code;
  a.error = outcome.error;
  if (!outcome.error) {
    a.status = store::DeliveryStatus::delivered;
  } else if (outcome.status_code == 410) {
    a.status = store::DeliveryStatus::failed;
    a.disable_webhook = "the receiver answered 410 Gone";
  } else if (auto next = next_attempt_at(retry, delivery.attempts + 1, delivery.created_at, now, jitter)) {
    a.status = store::DeliveryStatus::pending;
    a.next_attempt_at = next;
  } else {
    a.status = store::DeliveryStatus::failed;
  }
  return a;
}

}  // namespace domainscan::watch
