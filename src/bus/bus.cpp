#include "bus/bus.hpp"

namespace domainscan::bus {

boost::asio::awaitable<std::vector<bool>> Bus::publish_many(std::vector<Message> messages) {
  std::vector<bool> taken(messages.size(), false);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    bool failed = false;
    try {
      co_await publish(std::move(messages[i].routing_key), std::move(messages[i].body));
    } catch (const std::exception&) {
      failed = true;
    }
    if (failed) break;
    taken[i] = true;
  }
  co_return taken;
}

}  // namespace domainscan::bus
