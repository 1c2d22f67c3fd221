#pragma once
// Errors that are the scanner's own, not the scanned domain's: this process (or machine) ran
// out of file descriptors, socket buffers, memory or local ports. A connect that fails so
// says nothing about the domain's servers, and must not count towards marking it bad
// (worker/bad_domain.hpp).
#include <boost/system/error_code.hpp>

#include <cerrno>

namespace domainscan::scan {

inline bool is_scanner_resource_error(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int e = ec.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL;
}

}  // namespace domainscan::scan
