#pragma once
// Base64 (RFC 4648) with OpenSSL's encoder: the standard alphabet with padding, and the
// URL-safe one without (for tokens that travel in headers and URLs).
#include <optional>
#include <string>
#include <string_view>

namespace domainscan {

std::string base64_encode(std::string_view bytes);
// nullopt: not standard base64 (with its padding).
std::optional<std::string> base64_decode(std::string_view text);
// "-" and "_" for "+" and "/", no "=".
std::string base64url_encode(std::string_view bytes);

}  // namespace domainscan
