#include "bus/bus.hpp"

#include "bus/amqp/amqp_bus.hpp"
#include "bus/embedded/embedded_bus.hpp"
#include "core/errors.hpp"

namespace domainscan::bus {

std::unique_ptr<Bus> open_bus(const std::string& url, boost::asio::any_io_executor executor) {
  if (url == "embedded") return std::make_unique<embedded::EmbeddedBus>(std::move(executor));
  if (url.starts_with("amqp://") || url.starts_with("amqps://")) {
    return std::make_unique<amqp::AmqpBus>(std::move(executor), amqp::parse_amqp_url(url));
  }
  throw ValidationError("invalid_setting", "unknown broker '" + url + "' (embedded or amqp://...)");
}

}  // namespace domainscan::bus
