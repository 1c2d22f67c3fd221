// Which frames settle a consumer's outcomes (bus/amqp/delivery_ledger.hpp): acks below the
// oldest delivery still being handled in one multiple ack, rejects before it, the rest one a
// frame, and nothing for deliveries the ledger does not hold.
#include "bus/amqp/delivery_ledger.hpp"

#include <gtest/gtest.h>

namespace domainscan::bus::amqp {
namespace {

using Outcomes = std::vector<DeliveryLedger::Outcome>;

DeliveryLedger with_deliveries(std::uint64_t first, std::uint64_t last) {
  DeliveryLedger ledger;
  for (auto tag = first; tag <= last; ++tag) ledger.delivered(tag);
  return ledger;
}

TEST(DeliveryLedger, AcksOfEveryDeliveryGoInOneFrame) {
  auto ledger = with_deliveries(1, 5);
  const auto frames = ledger.settle({{3, true}, {1, true}, {5, true}, {2, true}, {4, true}});
  EXPECT_EQ(frames.ack_upto, 5u);
  EXPECT_TRUE(frames.acks.empty());
  EXPECT_TRUE(frames.rejects.empty());
  EXPECT_EQ(ledger.unsettled(), 0u);
}

TEST(DeliveryLedger, AnAckAboveADeliveryStillHandledGoesAlone) {
  // 3 is still being scanned: a multiple ack up to 5 would acknowledge it too.
  auto ledger = with_deliveries(1, 5);
  const auto frames = ledger.settle({{1, true}, {2, true}, {4, true}, {5, true}});
  EXPECT_EQ(frames.ack_upto, 2u);
  EXPECT_EQ(frames.acks, (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(ledger.unsettled(), 1u);

  // Once 3 is done, its ack alone: 4 and 5 are acknowledged already.
  const auto later = ledger.settle({{3, true}});
  EXPECT_EQ(later.ack_upto, 3u);
  EXPECT_TRUE(later.acks.empty());
}

TEST(DeliveryLedger, RejectsGoFirstAndOnTheirOwn) {
  auto ledger = with_deliveries(1, 4);
  const auto frames = ledger.settle({{1, true}, {2, false}, {3, true}, {4, true}});
  EXPECT_EQ(frames.rejects, (std::vector<std::uint64_t>{2}));
  // 2 is settled by its reject, which is sent before the ack: the ack up to 4 leaves it alone.
  EXPECT_EQ(frames.ack_upto, 4u);
  EXPECT_TRUE(frames.acks.empty());
}

TEST(DeliveryLedger, OutcomesOfDeliveriesItDoesNotHoldAreLeftOut) {
  auto ledger = with_deliveries(10, 11);
  const auto frames = ledger.settle({{3, true}, {10, true}, {10, true}, {12, false}});
  EXPECT_EQ(frames.ack_upto, 10u);
  EXPECT_TRUE(frames.acks.empty());
  EXPECT_TRUE(frames.rejects.empty());
  EXPECT_EQ(ledger.unsettled(), 1u);
}

TEST(DeliveryLedger, NoOutcomeNoFrame) {
  auto ledger = with_deliveries(1, 3);
  const auto frames = ledger.settle({});
  EXPECT_FALSE(frames.ack_upto);
  EXPECT_TRUE(frames.acks.empty());
  EXPECT_TRUE(frames.rejects.empty());
}

}  // namespace
}  // namespace domainscan::bus::amqp
