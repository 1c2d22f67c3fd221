#pragma once
// The dashboard's files (web/), embedded at build time by cmake/EmbedWeb.cmake.
#include <string_view>
#include <vector>

namespace domainscan::api {

struct WebAsset {
  std::string_view name;          // file name in web/, e.g. "app.js"
  std::string_view content_type;
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();

}  // namespace domainscan::api
