#pragma once
// One delivery attempt: the event POSTed to the webhook's URL with Standard Webhooks
// headers, under the scanner's SSRF rule (scan/target_policy.hpp: the address connected to
// is the one checked), https verified against the system's CAs and --ca-file, no redirects,
// bounded by one timeout. And what an attempt's outcome means for the delivery.
#include "scan/check.hpp"
#include "store/webhook_model.hpp"
#include "watch/delivery_retry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace domainscan::watch {

struct PostOutcome {
  std::optional<int> status_code;    // the receiver answered
  std::optional<std::string> error;  // it did not, or its answer was not a success
};

// What a delivery needs from the network: the address rule, a resolver, the timeout and the
// TLS trust.
struct PostContext {
  const scan::TargetPolicy* policy = nullptr;
  scan::UnboundResolver* resolver = nullptr;
  std::chrono::milliseconds timeout{10'000};
  std::shared_ptr<boost::asio::ssl::context> verify;
};

// The request body: the event's JSON.
std::string delivery_body(const store::DueDelivery& delivery);

boost::asio::awaitable<PostOutcome> post_delivery(boost::asio::any_io_executor executor, const PostContext& context,
                                                  const store::DueDelivery& delivery, TimePoint now);

// What the attempt made at `now` comes to: delivered (2xx); the webhook disabled (410 Gone);
// otherwise a retry at the back-off's time, or failed when the back-off gives up.
store::DeliveryAttempt judge_attempt(const store::DueDelivery& delivery, const PostOutcome& outcome, TimePoint now,
                                     const RetryPolicy& retry, double jitter);

}  // namespace domainscan::watch
