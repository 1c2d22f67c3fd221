#include "core/redact.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace domainscan {

std::string without_password(std::string_view text) {
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    if (text.find('@') == std::string_view::npos) return std::string(text);
    const auto colon = text.find(':');
    return std::string(text.substr(0, colon == std::string_view::npos ? 0 : colon)) + ":(redacted)";
  }
  if (!parsed->has_password()) return std::string(text);
  boost::urls::url url(*parsed);
  url.set_password("***");
  return std::string(url.buffer());
}

}  // namespace domainscan
