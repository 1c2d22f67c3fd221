#include "auth/api_key.hpp"

#include "core/base64.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace domainscan::auth {

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::read: return "read";
    case Scope::write: return "write";
    case Scope::admin: return "admin";
  }
  return "read";
}

std::optional<Scope> scope_from(std::string_view text) {
  if (text == "read") return Scope::read;
  if (text == "write") return Scope::write;
  if (text == "admin") return Scope::admin;
  return std::nullopt;
}

std::string new_api_key() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for an API key");
  return std::string(kKeyPrefix) + base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string api_key_hash(std::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (const unsigned char b : digest) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string api_key_prefix(std::string_view key) { return std::string(key.substr(0, kKeyPrefix.size() + 6)); }

bool same_hash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace domainscan::auth
