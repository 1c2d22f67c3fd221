#pragma once
// The deliveries a consumer has taken and not yet settled, and the frames that settle a turn's
// outcomes with as few as AMQP allows: one basic.ack with multiple = true acknowledges every
// delivery up to its tag, so the acks below the oldest delivery still being handled go in
// that one frame; the others go one a frame (waiting for the oldest would hold the broker's
// prefetch window, which counts unacknowledged deliveries, as long as the slowest scan).
// Rejects go first: a multiple ack would otherwise acknowledge them.
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace domainscan::bus::amqp {

class DeliveryLedger {
 public:
  struct Outcome {
    std::uint64_t tag;
    bool ack;  // false: back to the queue (basic.reject, requeue)
  };
  struct Frames {
    std::vector<std::uint64_t> rejects;    // first, one a frame
    std::optional<std::uint64_t> ack_upto;  // then one basic.ack, multiple = true
    std::vector<std::uint64_t> acks;       // then one a frame
  };

  void delivered(std::uint64_t tag) { unsettled_.insert(tag); }
  // The frames for these outcomes, of deliveries recorded here; others are left out (not of
  // this connection, or settled already).
  Frames settle(const std::vector<Outcome>& outcomes);
  std::size_t unsettled() const { return unsettled_.size(); }

 private:
  std::set<std::uint64_t> unsettled_;
};

}  // namespace domainscan::bus::amqp
