// The bus's message decoders on any body, as a consumer gets it from RabbitMQ: a message
// of the contract, or ValidationError (the consumer dead-letters it); and a decoded
// message encodes to a body that decodes to the same message.
#include "bus/messages.hpp"
#include "core/errors.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  using namespace domainscan;
  try {
    const auto m = bus::parse_scan_requested(body);
    const auto again = bus::parse_scan_requested(bus::to_json(m));
    if (again.scan_id != m.scan_id || again.domain != m.domain || again.trigger != m.trigger) std::abort();
  } catch (const ValidationError&) {
  }
  try {
    const auto m = bus::parse_schedule_requested(body);
    const auto again = bus::parse_schedule_requested(bus::to_json(m));
    if (again.domain != m.domain || again.action != m.action) std::abort();
  } catch (const ValidationError&) {
  }
  return 0;
}
