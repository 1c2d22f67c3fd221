#include "store/sqlite/wal_index_header.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>

namespace domainscan::store::sqlite {
namespace {

// The layout of one copy (struct WalIndexHdr in SQLite's wal.c), in 32-bit words of the
// host's byte order: version, unused, change counter, {isInit, bigEndCksum, page size},
// mxFrame, nPage, frame checksum (2), salts (2), header checksum (2).
constexpr std::size_t kWords = 12;
constexpr std::size_t kHeaderBytes = 2 * kWords * sizeof(std::uint32_t);
constexpr std::uint32_t kIndexVersion = 3007000;  // WALINDEX_MAX_VERSION, unchanged since 3.7.0
constexpr std::size_t kVersionWord = 0, kFlagsWord = 3, kChecksumWord = 10;
constexpr int kAttempts = 4;

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

std::unique_ptr<WalIndexHeader> WalIndexHeader::open(const std::string& shm_path) {
  const int fd = ::open(shm_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* map = MAP_FAILED;
  const auto length = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  // Shorter than the header: not an index this connection has made ready, and a mapping
  // past the end of a file faults when read.
  if (fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= kHeaderBytes) {
    map = mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
  }
  ::close(fd);  // the mapping stays
  if (map == MAP_FAILED) return nullptr;
  std::unique_ptr<WalIndexHeader> header(new WalIndexHeader(map, length));
  const auto* words = static_cast<const volatile std::uint32_t*>(map);
  if (words[kVersionWord] != kIndexVersion || !header->fingerprint()) return nullptr;
  return header;
}

WalIndexHeader::~WalIndexHeader() { munmap(map_, length_); }

std::optional<std::uint64_t> WalIndexHeader::fingerprint() const {
  const auto* words = static_cast<const volatile std::uint32_t*>(map_);
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
