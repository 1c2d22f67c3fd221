// The WAL index header is read only when both of its copies agree and its checksum holds
// (store/sqlite/wal_index_header.hpp): a header a writer is halfway through rewriting gives
// no fingerprint, and a file that is not such an index is not read at all. Here the "-shm"
// file is written by hand, in the layout SQLite uses; sqlite_change_counter_test.cpp has
// SQLite itself write it.
#include "store/sqlite/wal_index_header.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

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

void write_index(const std::filesystem::path& path, const Header& first, const Header& second, std::size_t size = 32768) {
  std::string bytes(std::max(size, 2 * sizeof(Header)), '\0');
  std::memcpy(bytes.data(), first.data(), sizeof(Header));
  std::memcpy(bytes.data() + sizeof(Header), second.data(), sizeof(Header));
  bytes.resize(size);  // a file shorter than the two copies keeps what fits
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Rewrites the file in place (the mapping sees it, as it sees SQLite's writes).
void rewrite(const std::filesystem::path& path, std::size_t offset, const Header& h) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(reinterpret_cast<const char*>(h.data()), sizeof(Header));
}

TEST(WalIndexHeader, AConsistentHeaderHasAFingerprintThatMovesWithEachRewrite) {
  TempDir dir;
  const auto path = dir.path() / "d.db-shm";
  write_index(path, header(7, 3), header(7, 3));
  const auto index = WalIndexHeader::open(path.string());
  ASSERT_NE(index, nullptr);
  const auto before = index->fingerprint();
  ASSERT_TRUE(before);
  EXPECT_EQ(index->fingerprint(), before) << "nothing was written in between";

  rewrite(path, sizeof(Header), header(8, 5));  // a writer's commit: the second copy first...
  EXPECT_FALSE(index->fingerprint()) << "halfway through a rewrite, the copies differ";
  rewrite(path, 0, header(8, 5));  // ...then the first
  const auto after = index->fingerprint();
  ASSERT_TRUE(after);
  EXPECT_NE(after, before);
}

TEST(WalIndexHeader, CopiesThatAgreeButFailTheirChecksumGiveNoFingerprint) {
  TempDir dir;
  const auto path = dir.path() / "d.db-shm";
  auto bad = header(7, 3);
  bad[4] = 99;  // mxFrame changed after the checksum was made
  write_index(path, header(7, 3), header(7, 3));
  const auto index = WalIndexHeader::open(path.string());
  ASSERT_NE(index, nullptr);
  rewrite(path, 0, bad);
  rewrite(path, sizeof(Header), bad);
  EXPECT_FALSE(index->fingerprint());
}

TEST(WalIndexHeader, WhatIsNotAnIndexItCanReadIsNotOpened) {
  TempDir dir;
  EXPECT_EQ(WalIndexHeader::open((dir.path() / "missing-shm").string()), nullptr);

  write_index(dir.path() / "short-shm", header(1, 1), header(1, 1), 3);  // as SQLite leaves it when it opens
  EXPECT_EQ(WalIndexHeader::open((dir.path() / "short-shm").string()), nullptr);

  const auto other_version = header(1, 1, 3007001);  // copies equal, checksum right: only the version differs
  write_index(dir.path() / "other-shm", other_version, other_version);
  EXPECT_EQ(WalIndexHeader::open((dir.path() / "other-shm").string()), nullptr);

  write_index(dir.path() / "zeroed-shm", Header{}, Header{});  // never initialised
  EXPECT_EQ(WalIndexHeader::open((dir.path() / "zeroed-shm").string()), nullptr);
}

}  // namespace
}  // namespace domainscan::testing
