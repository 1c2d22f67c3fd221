#pragma once
// How the backends page a list: read one row beyond the limit; when it came, drop it, and
// the last row kept names the cursor of the next page.
#include <optional>
#include <string>
#include <vector>

namespace domainscan::store {

template <class Item, class CursorOf>
std::optional<std::string> trim_page(std::vector<Item>& items, std::size_t limit, CursorOf cursor_of) {
  if (items.size() <= limit) return std::nullopt;
  items.resize(limit);
  return cursor_of(items.back());
}

}  // namespace domainscan::store
