#pragma once
// The names ARCHITECTURE.md gives the message topology, shared by both bus backends.
namespace domainscan::bus {

inline constexpr const char* kExchange = "domainscan";

inline constexpr const char* kScanRequested = "scan.requested";
inline constexpr const char* kScheduleRequested = "schedule.requested";
inline constexpr const char* kScanCompleted = "scan.completed";

inline constexpr const char* kScanQueue = "domainscan.scans";
inline constexpr const char* kScheduleQueue = "domainscan.schedules";
inline constexpr const char* kDeadQueue = "domainscan.dead";

// How many times a message is handed to a consumer before it goes to the dead queue.
inline constexpr int kMaxDeliveryAttempts = 5;

// The queue a routing key is bound to; nullptr for events with no queue of ours
// (scan.completed is for outside subscribers).
inline const char* queue_for(const std::string_view routing_key) {
  if (routing_key == kScanRequested) return kScanQueue;
  if (routing_key == kScheduleRequested) return kScheduleQueue;
  return nullptr;
}

}  // namespace domainscan::bus
