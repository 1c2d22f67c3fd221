#include "core/json_text.hpp"

#include "core/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace domainscan {
namespace {

bool needs_fixing(std::string_view text) {
  return std::find(text.begin(), text.end(), '\0') != text.end() || !is_valid_utf8(text);
}

std::string fixed(std::string_view text) {
  std::string out = valid_utf8(text);
  std::string with_nul_replaced;
  with_nul_replaced.reserve(out.size());
  for (const char c : out) {
    if (c == '\0') {
      with_nul_replaced += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      with_nul_replaced += c;
    }
  }
  return with_nul_replaced;
}

}  // namespace

std::size_t make_json_text_valid(boost::json::value& value) {
  std::size_t changed = 0;
  if (auto* s = value.if_string()) {
    if (needs_fixing(*s)) {
      *s = fixed(*s);
      ++changed;
    }
  } else if (auto* a = value.if_array()) {
    for (auto& v : *a) changed += make_json_text_valid(v);
  } else if (auto* o = value.if_object()) {
    // A bad key (a cookie's or header's name) is rebuilt under its fixed name.
    bool bad_key = false;
    for (auto& [key, v] : *o) {
      changed += make_json_text_valid(v);
      bad_key = bad_key || needs_fixing(key);
    }
    if (bad_key) {
      boost::json::object rebuilt;
      for (auto& [key, v] : *o) {
        if (needs_fixing(key)) ++changed;
        rebuilt[fixed(key)] = std::move(v);
      }
      *o = std::move(rebuilt);
    }
  }
  return changed;
}

}  // namespace domainscan
