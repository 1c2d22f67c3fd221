#include "scan/target_address.hpp"

#include "core/text.hpp"
#include "scan/dns_rdata.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace urls = boost::urls;

asio::awaitable<std::variant<asio::ip::address, NoTarget>> target_address(const ScanContext& ctx, urls::url_view url) {
  std::vector<asio::ip::address> candidates;
  const std::string host(url.encoded_host());
  if (url.host_type() == urls::host_type::ipv4 || url.host_type() == urls::host_type::ipv6) {
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(std::string(url.encoded_host_address()), ec);
    if (ec) co_return NoTarget{"bad address in URL"};
    candidates.push_back(literal);
  } else if (iequals(host, ctx.domain)) {
    candidates = ctx.addresses;
  } else if (ctx.resolver) {
    for (const int type : {rrtype::A, rrtype::AAAA}) {
      const auto answer = co_await ctx.resolver->query(host, type, ctx.timeout);
      for (const auto& rd : answer.rdata) {
        try {
          candidates.push_back(asio::ip::make_address(type == rrtype::A ? rdata::a(rd) : rdata::aaaa(rd)));
        } catch (const std::invalid_argument&) {
          // A malformed record is skipped.
        }
      }
      if (!candidates.empty()) break;
    }
  }
  if (candidates.empty()) co_return NoTarget{fmt::format("{} has no address", host), true};
  if (ctx.policy) {
    if (auto refusal = ctx.policy->refusal(candidates.front())) co_return NoTarget{*refusal};
  }
  co_return candidates.front();
}

}  // namespace domainscan::scan
