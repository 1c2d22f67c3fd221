#pragma once
// The request and response types of the API, and helpers for JSON answers.
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace domainscan::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response json_response(http::status status, const boost::json::value& body);
// {"error": {"code": code, "message": message}}
Response error_response(http::status status, const std::string& code, const std::string& message);

// Thrown by route handlers for a request that gets an error answer; the router turns it
// into error_response(status, code, message).
class HttpError : public std::runtime_error {
 public:
  HttpError(http::status status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  http::status status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  http::status status_;
  std::string code_;
};

}  // namespace domainscan::api
