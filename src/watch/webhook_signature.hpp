#pragma once
// Standard Webhooks signatures (https://www.standardwebhooks.com): a secret "whsec_" +
// base64 of random bytes, and "v1,<base64 HMAC-SHA256>" over "{id}.{timestamp}.{body}"
// keyed with the secret's decoded bytes, so any Standard Webhooks library verifies them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace domainscan::watch {

inline constexpr std::string_view kSecretPrefix = "whsec_";
inline constexpr std::size_t kSecretBytes = 32;

// A new secret: "whsec_" + base64 of kSecretBytes bytes from OpenSSL's CSPRNG.
std::string new_webhook_secret();

// The webhook-signature header's value: "v1," + base64(HMAC-SHA256(key, id.timestamp.body)).
// Throws std::invalid_argument for a secret that is not "whsec_" + base64.
std::string webhook_signature(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                              std::string_view body);

}  // namespace domainscan::watch
