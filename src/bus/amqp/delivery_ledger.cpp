#include "bus/amqp/delivery_ledger.hpp"

#include <algorithm>

namespace domainscan::bus::amqp {

DeliveryLedger::Frames DeliveryLedger::settle(const std::vector<Outcome>& outcomes) {
  Frames frames;
  std::vector<std::uint64_t> acks;
  for (const auto& o : outcomes) {
    if (unsettled_.erase(o.tag) == 0) continue;
    (o.ack ? acks : frames.rejects).push_back(o.tag);
  }
  // Every delivery below the oldest one still unsettled is settled, by now or before: one
  // multiple ack up to the highest of this turn's acks below it covers this turn's exactly.
  const auto oldest = unsettled_.empty() ? UINT64_MAX : *unsettled_.begin();
  for (const auto tag : acks) {
    if (tag < oldest) {
      frames.ack_upto = std::max(frames.ack_upto.value_or(0), tag);
    } else {
      frames.acks.push_back(tag);
    }
  }
  return frames;
}

}  // namespace domainscan::bus::amqp
