// The OpenAPI document (docs/openapi.yaml, served at /api/v1/openapi.json) against the API
// itself, both ways: every route the router serves is documented with the access it asks
// for, and every documented operation, asked of a running API, answers with a status the
// document lists for it (never an unknown route) in a documented content type. The bodies
// are checked against the schemas by tests/openapi/validate-responses.py over every answer
// the tests receive.
#include "support/api_harness.hpp"
#include "support/http_client.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>

namespace domainscan::testing {
namespace {

namespace json = boost::json;

struct Operation {
  std::string method;  // upper case, as the router says it
  std::string path;    // the template: "/api/v1/domains/{domain}"
  const json::object* spec;
  bool operator<(const Operation& o) const { return std::tie(path, method) < std::tie(o.path, o.method); }
};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class ApiOpenapi : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto res = http_request(api_.port(), "GET", "/api/v1/openapi.json");
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(res.headers.at("content-type").starts_with("application/json"));
    document_ = res.json();
    for (const auto& [path, item] : document_.at("paths").as_object()) {
      for (const auto& [method, spec] : item.as_object()) {
        if (method == "parameters") continue;
        operations_.insert({upper(std::string(method)), std::string(path), &spec.as_object()});
      }
    }
  }

  // The statuses an operation lists (not `default`, which stands for the errors any request
  // may get: a probe answered only by it is not documented).
  static std::set<int> documented_statuses(const Operation& op) {
    std::set<int> out;
    for (const auto& [code, _] : op.spec->at("responses").as_object()) {
      if (code != "default") out.insert(std::stoi(std::string(code)));
    }
    return out;
  }

  const json::object* response_spec(const Operation& op, int status) const {
    const auto& responses = op.spec->at("responses").as_object();
    const auto* r = responses.if_contains(std::to_string(status));
    if (!r) return nullptr;
    return &resolved(r->as_object());
  }

  // The object a "$ref" ("#/components/...") names, or the node itself.
  const json::object& resolved(const json::object& node) const {
    const auto* ref = node.if_contains("$ref");
    return ref ? document_.at_pointer(ref->as_string().subview().substr(1)).as_object() : node;
  }

  ApiHarness api_;
  json::value document_;
  std::set<Operation> operations_;
};

TEST_F(ApiOpenapi, IsOpenApi31OfThisVersion) {
  EXPECT_EQ(document_.at("openapi").as_string().subview().substr(0, 4), "3.1.");
  EXPECT_FALSE(document_.at("info").at("version").as_string().empty());
  EXPECT_GE(operations_.size(), 26u);
}

// Each route the router holds is an operation of the document with the same access, and
// each operation of the document is a route: a route added without documenting it (or the
// reverse) fails here.
TEST_F(ApiOpenapi, DocumentsEveryRouteWithItsAccessAndNothingElse) {
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& route : api_.router().routes()) {
    const std::string method(boost::beast::http::to_string(route.method));
    routes.insert({method, route.pattern});
    const auto it = std::find_if(operations_.begin(), operations_.end(),
                                 [&](const Operation& op) { return op.method == method && op.path == route.pattern; });
    if (it == operations_.end()) {
      ADD_FAILURE() << method << " " << route.pattern << " is served but not in docs/openapi.yaml";
      continue;
    }
    const auto* scope = it->spec->if_contains("x-scope");
    ASSERT_NE(scope, nullptr) << method << " " << route.pattern << " has no x-scope";
    EXPECT_EQ(scope->as_string(), api::to_string(route.access)) << method << " " << route.pattern;
    // What the document says about keys agrees: open operations ask for none.
    const auto* security = it->spec->if_contains("security");
    if (route.access == api::Access::open) {
      ASSERT_NE(security, nullptr) << method << " " << route.pattern;
      EXPECT_TRUE(security->as_array().empty()) << method << " " << route.pattern;
    } else if (route.access != api::Access::metrics) {
      EXPECT_EQ(security, nullptr) << method << " " << route.pattern << " asks for a key: the global bearerAuth";
    }
  }
  for (const auto& op : operations_) {
    EXPECT_TRUE(routes.contains({op.method, op.path})) << op.method << " " << op.path
                                                       << " is documented but no route serves it";
  }
}

// Each documented operation, asked with real objects in its path (a domain with a queued
// scan, a webhook), answers a status the operation lists, in a content type it lists for
// that status. Deletions go last, the domain's last of all.
TEST_F(ApiOpenapi, EveryDocumentedOperationAnswersAsDocumented) {
  auto added = http_request(api_.port(), "POST", "/api/v1/domains", R"({"domain": "probe.test"})");
  ASSERT_EQ(added.status, 202) << added.body;
  const auto scan_id = std::to_string(added.json().at("scan_id").as_int64());
  auto hook = http_request(api_.port(), "POST", "/api/v1/webhooks",
                           R"({"url": "https://hooks.example.com/in", "events": ["*"]})");
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string webhook_id(hook.json().at("id").as_string());

  std::vector<Operation> order(operations_.begin(), operations_.end());
  std::stable_sort(order.begin(), order.end(), [](const Operation& a, const Operation& b) {
    const bool a_deletes = a.method == "DELETE", b_deletes = b.method == "DELETE";
    if (a_deletes != b_deletes) return b_deletes;
    return a_deletes && a.path.size() > b.path.size();  // the schedule before the domain
  });

  for (const auto& op : order) {
    SCOPED_TRACE(op.method + " " + op.path);
    std::string target = op.path;
    const bool webhook = target.starts_with("/api/v1/webhooks");
    target = replace_all(target, "{domain}", "probe.test");
    target = replace_all(target, "{id}", webhook ? webhook_id : scan_id);
    target = replace_all(target, "{file}", "app.js");
    // Required query parameters, with real values.
    std::vector<std::string> query;
    std::vector<const json::value*> parameters;
    const std::array<const json::object*, 2> holders{&document_.at("paths").at(op.path).as_object(), op.spec};
    for (const auto* holder : holders) {
      if (const auto* p = holder->if_contains("parameters")) {
        for (const auto& v : p->as_array()) parameters.push_back(&v);
      }
    }
    for (const auto* p : parameters) {
      const json::object* param = &resolved(p->as_object());
      const auto* required = param->if_contains("required");
      if (param->at("in") != "query" || !required || !required->as_bool()) continue;
      const std::string name(param->at("name").as_string());
      query.push_back(name + "=" + (name == "domain" ? "probe.test" : scan_id));
    }
    for (std::size_t i = 0; i < query.size(); ++i) target += (i == 0 ? "?" : "&") + query[i];
    // The documented JSON example as the body, when the operation takes one.
    std::string body;
    if (const auto* request = op.spec->if_contains("requestBody")) {
      const auto& content = request->at("content").as_object();
      if (const auto* media = content.if_contains("application/json")) {
        if (const auto* example = media->as_object().if_contains("example")) body = json::serialize(*example);
      }
      ASSERT_FALSE(body.empty()) << "a JSON request body without an example";
    }

    const auto res = http_request(api_.port(), op.method, target, body);
    const auto statuses = documented_statuses(op);
    EXPECT_NE(res.status, 404) << target << ": " << res.body;
    EXPECT_NE(res.status, 405) << target << ": " << res.body;
    ASSERT_TRUE(statuses.contains(res.status)) << target << " answered " << res.status << ", not listed: " << res.body;
    const auto* spec = response_spec(op, res.status);
    ASSERT_NE(spec, nullptr);
    const auto* content = spec->if_contains("content");
    if (!content) {
      EXPECT_TRUE(res.body.empty()) << target << " answered a body where none is documented: " << res.body;
      continue;
    }
    const auto type = res.headers.at("content-type");
    const auto media = type.substr(0, type.find(';'));
    EXPECT_TRUE(content->as_object().contains(media)) << target << " answered " << type;
  }
}

}  // namespace
}  // namespace domainscan::testing
