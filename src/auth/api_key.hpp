#pragma once
// API keys: "ds_" + base64url of 32 random bytes, shown once when created. The store keeps
// only the SHA-256 of a key (enough for random keys: nothing to brute-force) and a short
// prefix that lets people tell their keys apart.
#include <optional>
#include <string>
#include <string_view>

namespace domainscan::auth {

// What a key may do; each scope includes those below it.
enum class Scope { read = 1, write = 2, admin = 3 };

std::string_view to_string(Scope scope);
std::optional<Scope> scope_from(std::string_view text);

inline constexpr std::string_view kKeyPrefix = "ds_";

// A new key from OpenSSL's CSPRNG.
std::string new_api_key();
// The SHA-256 of the key, lower-case hex: what is stored and looked up.
std::string api_key_hash(std::string_view key);
// The first characters of the key ("ds_" and 6 more): shown in lists, never enough to use.
std::string api_key_prefix(std::string_view key);
// Whether two hashes are equal, in time that does not depend on where they differ.
bool same_hash(std::string_view a, std::string_view b);

}  // namespace domainscan::auth
