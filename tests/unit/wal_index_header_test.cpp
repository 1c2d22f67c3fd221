// The WAL index header is read only when both of its copies agree and its checksum holds
// (store/sqlite/wal_index_header.hpp): a header a writer is halfway through rewriting gives
// no fingerprint, and memory that holds no such header is not read at all. Here the index
// is written by hand, in the layout SQLite uses; sqlite_change_counter_test.cpp has SQLite
// itself write it.
#include "store/sqlite/wal_index_header.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace domainscan::testing {
namespace {

using store::sqlite::WalIndexHeader;
using Header = std::array<std::uint32_t, 12>;

// A header as walIndexWriteHdr leaves it: version, unused, change counter, isInit (first
// byte of word 3), mxFrame, nPage, frame checksum, salts, then the checksum of words 0-9.
Header header(std::uint32_t change, std::uint32_t frames, std::uint32_t version = 3007000) {
  Header h{version, 0, change, 0, frames, 10, 0x1234, 0x5678, 0x9abc, 0xdef0, 0, 0};
  const std::uint8_t is_init = 1;
  std::memcpy(&h[3], &is_init, 1);
  std::uint32_t s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < 10; i += 2) {
    s1 += h[i] + s2;
    s2 += h[i + 1] + s1;
  }
  h[10] = s1;
  h[11] = s2;
  return h;
}

// The start of a WAL index region: the two copies of the header.
struct Region {
  alignas(8) std::array<std::uint32_t, 2 * 12> words{};
  Region(const Header& first, const Header& second) {
    write(0, first);
    write(1, second);
  }
  // Rewrites one copy in place (the reader sees it, as it sees SQLite's writes).
  void write(std::size_t copy, const Header& h) { std::memcpy(words.data() + copy * 12, h.data(), sizeof(Header)); }
};

TEST(WalIndexHeader, AConsistentHeaderHasAFingerprintThatMovesWithEachRewrite) {
  Region region(header(7, 3), header(7, 3));
  const auto index = WalIndexHeader::over(region.words.data());
  ASSERT_NE(index, nullptr);
  const auto before = index->fingerprint();
  ASSERT_TRUE(before);
  EXPECT_EQ(index->fingerprint(), before) << "nothing was written in between";

  region.write(1, header(8, 5));  // a writer's commit: the second copy first...
  EXPECT_FALSE(index->fingerprint()) << "halfway through a rewrite, the copies differ";
  region.write(0, header(8, 5));  // ...then the first
  const auto after = index->fingerprint();
  ASSERT_TRUE(after);
  EXPECT_NE(after, before);
}

TEST(WalIndexHeader, CopiesThatAgreeButFailTheirChecksumGiveNoFingerprint) {
  Region region(header(7, 3), header(7, 3));
  const auto index = WalIndexHeader::over(region.words.data());
  ASSERT_NE(index, nullptr);
  auto bad = header(7, 3);
  bad[4] = 99;  // mxFrame changed after the checksum was made
  region.write(0, bad);
  region.write(1, bad);
  EXPECT_FALSE(index->fingerprint());
}

TEST(WalIndexHeader, WhatHoldsNoHeaderItCanReadIsNotRead) {
  EXPECT_EQ(WalIndexHeader::over(nullptr), nullptr);  // no region: not in WAL mode

  const auto other_version = header(1, 1, 3007001);  // copies equal, checksum right: only the version differs
  Region other(other_version, other_version);
  EXPECT_EQ(WalIndexHeader::over(other.words.data()), nullptr);

  Region zeroed(Header{}, Header{});  // never initialised
  EXPECT_EQ(WalIndexHeader::over(zeroed.words.data()), nullptr);
}

}  // namespace
}  // namespace domainscan::testing
