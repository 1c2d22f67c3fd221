// The reader of answers in wire format (libunbound's event mode hands them over so) on any
// bytes: it reads the records or throws std::invalid_argument, never reads past the message,
// and every compression pointer it follows ends (they must point back).
#include "scan/dns_answer_packet.hpp"

#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the type asked for, among those the checks ask (and a CNAME chain's).
  static constexpr int kTypes[] = {1, 2, 5, 6, 15, 16, 28, 257};
  const int rrtype = kTypes[data[0] % std::size(kTypes)];
  const std::string_view message(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    (void)domainscan::scan::read_answer(message, rrtype);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
