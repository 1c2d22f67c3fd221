#include "scan/tls.hpp"

#include "core/text.hpp"
#include "core/time_format.hpp"
#include "scan/http_fetch.hpp"
#include "scan/scanner_failure.hpp"
#include "scan/shared_tls_connection.hpp"
#include "scan/tls_handshake.hpp"
#include "scan/tls_version_probe.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr const char* kCheck = "tls";

// RAII for the OpenSSL objects read here.
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::optional<TimePoint> asn1_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::from_time_t(timegm(&tm)));
}

json::array subject_alt_names(X509* cert) {
  json::array out;
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type == GEN_DNS) {
      const auto* s = n->d.dNSName;
      out.emplace_back(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                   static_cast<std::size_t>(ASN1_STRING_length(s))));
    } else if (n->type == GEN_IPADD) {
      const auto* s = n->d.iPAddress;
      const auto* d = ASN1_STRING_get0_data(s);
      if (ASN1_STRING_length(s) == 4) {
        out.emplace_back(asio::ip::address_v4({d[0], d[1], d[2], d[3]}).to_string());
      } else if (ASN1_STRING_length(s) == 16) {
        asio::ip::address_v6::bytes_type b{};
        std::copy(d, d + 16, b.begin());
        out.emplace_back(asio::ip::address_v6(b).to_string());
      }
    }
  }
  return out;
}

std::string key_text(X509* cert) {
  const EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return "unknown";
  const char* type = EVP_PKEY_get0_type_name(key);
  return fmt::format("{} {}", type ? type : "unknown", EVP_PKEY_get_bits(key));
}

// The SHA-256 of the certificate's DER, as "AB:CD:...": what identifies this certificate
// (a renewal with the same issuer and dates is still another certificate).
std::string fingerprint_sha256(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return "";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{}{:02X}", i ? ":" : "", digest[i]);
  return out;
}

// The context of the handshake that is reported on: any version OpenSSL allows, and every
// handshake it can complete, whatever the certificate (the check reports the verification
// result instead of refusing to look). Its trust store is the one every verifying context of
// the process shares (loading it is the costly part).
std::unique_ptr<ssl::context> make_report_context(const std::optional<std::string>& ca_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  const auto verifying = make_verifying_context(ca_file);
  SSL_CTX_set1_cert_store(ctx->native_handle(), SSL_CTX_get_cert_store(verifying->native_handle()));
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback([](bool, ssl::verify_context&) { return true; });
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

// What a failed handshake says: the error, and whether it is the network's (nothing
// answered) or this process's (out of descriptors, ...).
CheckResult handshake_failure(const TlsHandshake& h, const asio::ip::address& address) {
  if (h.connect_error) {
    const auto& ec = h.connect_error;
    const bool scanner_failure = is_scanner_resource_error(ec);
    auto r = check_error(fmt::format("cannot connect to {} port {}: {}", address.to_string(), TlsCheck::kPort,
                                     ec == beast::error::timeout ? "timed out" : ec.message()),
                         !scanner_failure);
    r.scanner_failure = scanner_failure;
    return r;
  }
  // A server that accepts and never speaks TLS is as unreachable as one that refuses.
  const bool timed_out = h.handshake_error == beast::error::timeout;
  const std::string error = timed_out ? "TLS handshake timed out" : "TLS handshake failed: " + h.handshake_error.message();
  auto r = check_error(error, timed_out);
  if (!timed_out) r.add_finding(kCheck, "tls.handshake_failed", "high", error);
  return r;
}

}  // namespace

TlsCheck::TlsCheck(asio::any_io_executor executor, std::optional<std::string> ca_file)
    : executor_(std::move(executor)), main_(make_report_context(ca_file)),
      legacy_probe_(make_probe_context(TLS1_VERSION, TLS1_1_VERSION)),
      tls10_probe_(make_probe_context(TLS1_VERSION, TLS1_VERSION)),
      tls12_probe_(make_probe_context(TLS1_2_VERSION, TLS1_2_VERSION)) {}

// The first handshake offered every version up to 1.3 and the server chose its highest: that
// settles 1.3 and, unless it chose 1.3, 1.2 as well. One probe offering only 1.0-1.1 settles
// both unless the server picks 1.1 (then one offering 1.0 alone). A probe reads the server's
// answer up to its ServerHello (scan/tls_version_probe.hpp): a current server costs one full
// handshake, one probe it refuses at its first message and one it answers with a ServerHello.
asio::awaitable<TlsCheck::Versions> TlsCheck::accepted_versions(int first_version, const ScanContext& context,
                                                               const asio::ip::address& address) {
  using namespace asio::experimental::awaitable_operators;
  const auto& d = context.domain;
  const auto t = context.timeout;
  Versions v;
  v.tls13 = first_version == TLS1_3_VERSION;
  v.tls12 = first_version == TLS1_2_VERSION;
  int legacy_version = 0;
  if (v.tls13) {
    auto [legacy, tls12] = co_await (probe_tls_version(executor_, *legacy_probe_, d, address, kPort, t) &&
                                     probe_tls_version(executor_, *tls12_probe_, d, address, kPort, t));
    v.tls12 = tls12 == TLS1_2_VERSION;
    legacy_version = legacy;
  } else {
    legacy_version = co_await probe_tls_version(executor_, *legacy_probe_, d, address, kPort, t);
  }
  v.tls11 = legacy_version == TLS1_1_VERSION;
  v.tls10 = legacy_version == TLS1_VERSION;
  if (v.tls11) v.tls10 = co_await probe_tls_version(executor_, *tls10_probe_, d, address, kPort, t) == TLS1_VERSION;
  co_return v;
}

asio::awaitable<CheckResult> TlsCheck::run(const ScanContext& context) {
  if (context.addresses.empty()) co_return check_skipped("the domain has no address");
  const auto& address = context.addresses.front();
  if (auto refusal = context.policy ? context.policy->refusal(address) : std::nullopt) {
    co_return check_skipped(*refusal);
  }

  const auto& d = context.domain;
  // The scan's connection when the HTTP check shares it; else one of the check's own.
  TlsHandshake own;
  const TlsHandshake* reported = &own;
  if (context.shared_tls && context.shared_tls->address() == address && iequals(context.shared_tls->domain(), d)) {
    reported = co_await context.shared_tls->handshake(executor_);
  } else {
    own = co_await tls_handshake(executor_, *main_, d, address, kPort, context.timeout);
  }
  if (reported->failed()) co_return handshake_failure(*reported, address);
  if (own.stream) {
    boost::system::error_code ignored;  // polite; errors do not matter
    beast::get_lowest_layer(*own.stream).expires_after(std::chrono::seconds(1));
    co_await own.stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
    own.stream.reset();
  }
  const auto versions = co_await accepted_versions(reported->version, context, address);
  CheckResult r;
  auto& out = r.json;
  out["status"] = "ok";
  out["address"] = address.to_string();
  out["protocol"] = reported->protocol;
  out["cipher"] = reported->cipher;
  out["protocols"] = json::object{
      {"TLSv1.0", versions.tls10}, {"TLSv1.1", versions.tls11}, {"TLSv1.2", versions.tls12}, {"TLSv1.3", versions.tls13}};
  if (!reported->leaf) {
    out["certificate"] = nullptr;
    out["chain_valid"] = false;
    out["hostname_match"] = false;
    out["verify_error"] = "the server sent no certificate";
    r.add_finding(kCheck, "tls.certificate_untrusted", "critical", "the server sent no certificate");
    co_return r;
  }

  X509* leaf = reported->leaf.get();
  const auto not_before = asn1_time(X509_get0_notBefore(leaf));
  const auto not_after = asn1_time(X509_get0_notAfter(leaf));
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const long days_left =
      not_after ? static_cast<long>(std::chrono::floor<std::chrono::days>(*not_after - now).count()) : 0;
  out["certificate"] = json::object{
      {"subject", name_text(X509_get_subject_name(leaf))},
      {"issuer", name_text(X509_get_issuer_name(leaf))},
      {"san", subject_alt_names(leaf)},
      {"not_before", not_before ? json::value(to_rfc3339(*not_before)) : json::value(nullptr)},
      {"not_after", not_after ? json::value(to_rfc3339(*not_after)) : json::value(nullptr)},
      {"days_left", days_left},
      {"key", key_text(leaf)},
      {"fingerprint_sha256", fingerprint_sha256(leaf)},
      {"signature_algorithm", OBJ_nid2ln(X509_get_signature_nid(leaf))},
  };
  const bool chain_valid = reported->verify_result == X509_V_OK;
  const bool hostname_match = X509_check_host(leaf, d.c_str(), d.size(), 0, nullptr) == 1;
  out["chain_valid"] = chain_valid;
  out["hostname_match"] = hostname_match;
  out["verify_error"] =
      chain_valid ? json::value(nullptr) : json::value(X509_verify_cert_error_string(reported->verify_result));

  // Findings, most severe first.
  if (reported->verify_result == X509_V_ERR_CERT_HAS_EXPIRED || (not_after && *not_after < now)) {
    r.add_finding(kCheck, "tls.certificate_expired", "critical",
                  fmt::format("the certificate expired on {}", not_after ? to_rfc3339(*not_after) : "?"));
  } else if (!chain_valid) {
    r.add_finding(kCheck, "tls.certificate_untrusted", "critical",
                  fmt::format("the certificate is not trusted: {}", X509_verify_cert_error_string(reported->verify_result)));
  }
  if (!hostname_match) {
    r.add_finding(kCheck, "tls.hostname_mismatch", "high", fmt::format("the certificate is not valid for {}", d));
  }
  if (not_after && *not_after >= now && days_left < kExpiryWarningDays) {
    r.add_finding(kCheck, "tls.certificate_expiring", "medium",
                  fmt::format("the certificate expires in {} days", days_left));
  }
  if (versions.tls10 || versions.tls11) {
    r.add_finding(kCheck, "tls.legacy_protocol", "medium", "the server accepts TLS 1.0 or 1.1");
  }
  if (!versions.tls13) r.add_finding(kCheck, "tls.no_tls13", "low", "the server does not offer TLS 1.3");
  co_return r;
}

}  // namespace domainscan::scan
