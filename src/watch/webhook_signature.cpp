#include "watch/webhook_signature.hpp"

#include "core/base64.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace domainscan::watch {

std::string new_webhook_secret() {
  unsigned char bytes[kSecretBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a webhook secret");
  return std::string(kSecretPrefix) + base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string webhook_signature(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                              std::string_view body) {
  if (!secret.starts_with(kSecretPrefix)) throw std::invalid_argument("a webhook secret starts with whsec_");
  const auto key = base64_decode(secret.substr(kSecretPrefix.size()));
  if (!key || key->empty()) throw std::invalid_argument("a webhook secret is whsec_ and base64");
  std::string signed_content;
  signed_content.reserve(message_id.size() + body.size() + 24);
  signed_content.append(message_id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (!HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
            reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac, &mac_size)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

}  // namespace domainscan::watch
