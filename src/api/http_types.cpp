#include "api/http_types.hpp"

#include "core/utf8.hpp"

#include <boost/json/serialize.hpp>

namespace domainscan::api {

Response json_response(http::status status, const boost::json::value& body) {
  Response res(status, 11);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = boost::json::serialize(body);
  res.body() += '\n';
  res.prepare_payload();
  return res;
}

Response error_response(http::status status, const std::string& code, const std::string& message) {
  // Messages may echo what the client sent (a name, a parameter), which may be any bytes.
  return json_response(status, boost::json::object{{"error", {{"code", code}, {"message", valid_utf8(message)}}}});
}

}  // namespace domainscan::api
