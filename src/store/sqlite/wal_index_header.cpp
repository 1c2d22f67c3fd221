#include "store/sqlite/wal_index_header.hpp"

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <cstring>

namespace domainscan::store::sqlite {
namespace {

// The layout of one copy (struct WalIndexHdr in SQLite's wal.c), in 32-bit words of the
// host's byte order: version, unused, change counter, {isInit, bigEndCksum, page size},
// mxFrame, nPage, frame checksum (2), salts (2), header checksum (2).
constexpr std::size_t kWords = 12;
constexpr std::uint32_t kIndexVersion = 3007000;  // WALINDEX_MAX_VERSION, unchanged since 3.7.0
constexpr std::size_t kVersionWord = 0, kFlagsWord = 3, kChecksumWord = 10;
constexpr int kAttempts = 4;
constexpr int kRegionBytes = 32768;  // WALINDEX_PGSZ

using Copy = std::array<std::uint32_t, kWords>;

Copy read_copy(const volatile std::uint32_t* words) {
  Copy out;
  for (std::size_t i = 0; i < kWords; ++i) out[i] = words[i];
  return out;
}

// SQLite's checksum of the header's first 40 bytes, native byte order (walChecksumBytes).
bool checksum_holds(const Copy& h) {
  std::uint32_t s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < kChecksumWord; i += 2) {
    s1 += h[i] + s2;
    s2 += h[i + 1] + s1;
  }
  return s1 == h[kChecksumWord] && s2 == h[kChecksumWord + 1];
}

bool initialised(const Copy& h) {
  std::uint8_t is_init = 0;  // the flags word's first byte in memory
  std::memcpy(&is_init, &h[kFlagsWord], 1);
  return is_init == 1;
}

std::uint64_t fnv1a(const Copy& h) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const std::uint32_t word : h) {
    for (int shift = 0; shift < 32; shift += 8) {
      hash ^= (word >> shift) & 0xffu;
      hash *= 1099511628211ull;
    }
  }
  return hash;
}

}  // namespace

const volatile void* wal_index_region(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods == nullptr || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == nullptr) {
    return nullptr;
  }
  // Region 0 (SQLite's regions are 32 KiB), not extended: mapped already by the
  // connection's first read in WAL mode, in which case this returns SQLite's own pointer.
  void volatile* region = nullptr;
  if (file->pMethods->xShmMap(file, 0, kRegionBytes, 0, &region) != SQLITE_OK) return nullptr;
  return region;
}

std::unique_ptr<WalIndexHeader> WalIndexHeader::over(const volatile void* region) {
  if (region == nullptr) return nullptr;
  std::unique_ptr<WalIndexHeader> header(new WalIndexHeader(region));
  const auto* words = static_cast<const volatile std::uint32_t*>(region);
  if (words[kVersionWord] != kIndexVersion || !header->fingerprint()) return nullptr;
  return header;
}

std::optional<std::uint64_t> WalIndexHeader::fingerprint() const {
  const auto* words = static_cast<const volatile std::uint32_t*>(region_);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // The first copy, then the second: the writer's order reversed (walIndexTryHdr).
    const Copy first = read_copy(words);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const Copy second = read_copy(words + kWords);
    if (first == second && initialised(first) && checksum_holds(first)) return fnv1a(first);
  }
  return std::nullopt;
}

}  // namespace domainscan::store::sqlite
