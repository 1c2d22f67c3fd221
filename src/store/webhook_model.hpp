#pragma once
// What the store keeps for webhooks: subscriptions and their deliveries. Plain values, no I/O.
// The deliveries are the delivery queue (watch/webhook_deliverer.hpp): one row per event a
// webhook matches, created with the event, retried until delivered or given up.
#include "core/clock.hpp"
#include "store/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::store {

struct Webhook {
  std::int64_t id = 0;  // the public id is "wh_<id>"
  std::string url;
  std::string secret;                // "whsec_..." (watch/webhook_signature.hpp)
  std::vector<std::string> events;   // event types, or "*" for all
  std::vector<std::string> domains;  // empty: every domain
  TimePoint created_at{};
  std::optional<TimePoint> disabled_at;  // set when the receiver answered 410 Gone
  std::optional<std::string> disabled_reason;
  std::string public_id() const { return "wh_" + std::to_string(id); }
};

enum class DeliveryStatus { pending, delivered, failed };
std::string_view to_string(DeliveryStatus s);
std::optional<DeliveryStatus> delivery_status_from(std::string_view s);

// A delivery as the API lists it.
struct Delivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::int64_t event_seq = 0;
  std::string event_type;
  DeliveryStatus status = DeliveryStatus::pending;
  int attempts = 0;
  TimePoint created_at{};
  std::optional<TimePoint> next_attempt_at;  // pending only
  std::optional<TimePoint> last_attempt_at;
  std::optional<int> last_status_code;       // the receiver's answer to the last attempt
  std::optional<std::string> last_error;     // why the last attempt failed
  std::optional<TimePoint> delivered_at;
};

struct DeliveryPage {
  std::vector<Delivery> items;
  std::optional<std::string> next_cursor;  // the last item's id: newest first
};

// A due delivery a deliverer took (under a lease): what to send, and where.
struct DueDelivery {
  std::int64_t id = 0;
  int attempts = 0;  // made before this one; also the fence when the attempt is recorded
  TimePoint created_at{};
  std::int64_t webhook_id = 0;
  std::string url;
  std::string secret;
  Event event;
};

// What one attempt came to, as the deliverer records it.
struct DeliveryAttempt {
  std::int64_t delivery_id = 0;
  int attempts_before = 0;  // as taken: a deliverer whose lease ran out records nothing
  TimePoint at{};
  DeliveryStatus status = DeliveryStatus::pending;  // delivered; pending: retry; failed: given up
  std::optional<TimePoint> next_attempt_at{};        // when pending
  std::optional<int> status_code{};
  std::optional<std::string> error{};
  // The receiver answered 410 Gone: the webhook is disabled with this reason, and its
  // pending deliveries fail.
  std::optional<std::string> disable_webhook{};
};

}  // namespace domainscan::store
