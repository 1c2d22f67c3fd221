#pragma once
// The message bodies of ARCHITECTURE.md ("v": 1), to and from JSON. Parsing throws
// ValidationError for anything not of the contract, so consumers can dead-letter it.
#include <cstdint>
#include <optional>
#include <string>

namespace domainscan::bus {

struct ScanRequested {
  std::int64_t scan_id = 0;
  std::string domain;
  std::string trigger;  // api, rescan or schedule
};

struct ScheduleRequested {
  std::string domain;
  std::string action;  // upsert or delete
  std::string cron;
  std::string timezone;
};

struct ScanCompleted {
  std::int64_t scan_id = 0;
  std::string domain;
  std::string status;
  std::optional<std::string> grade;
};

std::string to_json(const ScanRequested& m);
std::string to_json(const ScheduleRequested& m);
std::string to_json(const ScanCompleted& m);

ScanRequested parse_scan_requested(const std::string& body);
ScheduleRequested parse_schedule_requested(const std::string& body);

}  // namespace domainscan::bus
