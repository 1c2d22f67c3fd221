#include "core/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace domainscan {

std::uint64_t open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;  // the usual default
  return limit.rlim_cur == RLIM_INFINITY ? kMaxOpenFiles : static_cast<std::uint64_t>(limit.rlim_cur);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return open_file_limit();
  const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? kMaxOpenFiles : std::min<rlim_t>(limit.rlim_max, kMaxOpenFiles);
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return open_file_limit();
  limit.rlim_cur = wanted;
  setrlimit(RLIMIT_NOFILE, &limit);  // a refusal leaves the old limit, which open_file_limit() reports
  return open_file_limit();
}

}  // namespace domainscan
