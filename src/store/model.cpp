#include "store/model.hpp"
#include "store/webhook_model.hpp"

#include <array>
#include <utility>

namespace domainscan::store {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [value, name] : table) {
    if (name == s) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<DomainStatus, std::string_view>, 3> kDomainStatus{
    {{DomainStatus::pending, "pending"}, {DomainStatus::ok, "ok"}, {DomainStatus::bad, "bad"}}};
constexpr std::array<std::pair<ScanStatus, std::string_view>, 4> kScanStatus{{{ScanStatus::queued, "queued"},
                                                                               {ScanStatus::running, "running"},
                                                                               {ScanStatus::completed, "completed"},
                                                                               {ScanStatus::failed, "failed"}}};
constexpr std::array<std::pair<ScanTrigger, std::string_view>, 3> kScanTrigger{
    {{ScanTrigger::api, "api"}, {ScanTrigger::rescan, "rescan"}, {ScanTrigger::schedule, "schedule"}}};
constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 3> kDeliveryStatus{
    {{DeliveryStatus::pending, "pending"}, {DeliveryStatus::delivered, "delivered"}, {DeliveryStatus::failed, "failed"}}};

}  // namespace

std::string_view to_string(DomainStatus s) { return name_of(kDomainStatus, s); }
std::string_view to_string(ScanStatus s) { return name_of(kScanStatus, s); }
std::string_view to_string(ScanTrigger t) { return name_of(kScanTrigger, t); }
std::optional<DomainStatus> domain_status_from(std::string_view s) { return lookup(kDomainStatus, s); }
std::optional<ScanStatus> scan_status_from(std::string_view s) { return lookup(kScanStatus, s); }
std::optional<ScanTrigger> scan_trigger_from(std::string_view s) { return lookup(kScanTrigger, s); }
std::string_view to_string(DeliveryStatus s) { return name_of(kDeliveryStatus, s); }
std::optional<DeliveryStatus> delivery_status_from(std::string_view s) { return lookup(kDeliveryStatus, s); }

void StoreStats::add_domains(std::string_view status, std::int64_t n) {
  switch (domain_status_from(status).value_or(DomainStatus::pending)) {
    case DomainStatus::pending: domains_pending += n; break;
    case DomainStatus::ok: domains_ok += n; break;
    case DomainStatus::bad: domains_bad += n; break;
  }
}

void StoreStats::add_scans(std::string_view status, std::int64_t n) {
  switch (scan_status_from(status).value_or(ScanStatus::failed)) {
    case ScanStatus::queued: scans_queued += n; break;
    case ScanStatus::running: scans_running += n; break;
    case ScanStatus::completed:
    case ScanStatus::failed: break;
  }
}

}  // namespace domainscan::store
