#pragma once
// Secrets out of what is logged or printed: a URL's password (postgresql://user:pass@host/db).
#include <string>
#include <string_view>

namespace domainscan {

// The URL with its password (if any) replaced by "***"; a text that is not a URL is returned
// as it is when it has no "@", else as its scheme only (it may hold a password we cannot find).
std::string without_password(std::string_view url);

}  // namespace domainscan
