#pragma once
// The process's limit on open file descriptors. A worker holds one descriptor per DNS query,
// TLS handshake and HTTP connection in flight, thousands at --scan-concurrency 256, while the
// soft limit a shell or a systemd unit starts with is often 1,024 (the hard limit is far
// higher). Servers raise the soft limit to the hard one at start, as nginx and Go do.
#include <cstdint>

namespace domainscan {

// Raises the soft limit to the hard limit (at most kMaxOpenFiles) and returns the soft limit
// now in force. Never fails: a limit that cannot be raised stays as it was.
std::uint64_t raise_open_file_limit();

// The soft limit in force now.
std::uint64_t open_file_limit();

// Beyond this many descriptors, per-descriptor tables in the kernel and in libraries only
// cost memory: no part of domainscan needs more.
inline constexpr std::uint64_t kMaxOpenFiles = 1 << 20;

}  // namespace domainscan
