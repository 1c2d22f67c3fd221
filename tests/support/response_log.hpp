#pragma once
// Keeps a copy of every answer the tests' HTTP client receives, when the environment names a
// directory (DOMAINSCAN_TEST_RESPONSE_LOG, set by tests/run-all.sh): one JSON line each, in
// a file per test process. tests/openapi/validate-responses.py then checks every one against
// docs/openapi.yaml, so the document is checked against what the API really answers.
#include <map>
#include <string>

namespace domainscan::testing {

void log_response(const std::string& method, const std::string& target, int status,
                  const std::map<std::string, std::string>& headers, const std::string& body);

}  // namespace domainscan::testing
