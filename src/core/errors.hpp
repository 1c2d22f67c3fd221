#pragma once
// Errors that cross layers. Each carries a stable machine-readable code (what the REST API
// puts in {"error": {"code": ...}}) and a message for people.
#include <stdexcept>
#include <string>

namespace domainscan {

// Input that breaks a documented rule: a bad domain name, a malformed setting, ...
class ValidationError : public std::runtime_error {
 public:
  ValidationError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

// A dependency (database, broker) cannot be reached right now; the caller may retry.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace domainscan
