#pragma once
// The API's OpenAPI 3.1 document as JSON: docs/openapi.yaml, converted and embedded at build
// time (scripts/openapi-to-json.py, cmake/EmbedText.cmake).
#include <string_view>

namespace domainscan::api {

std::string_view openapi_document();

}  // namespace domainscan::api
