// The DNS rdata decoders on any bytes: each decodes or throws std::invalid_argument
// (a malformed record is skipped by its caller), and reads nothing past the data.
#include "scan/dns_rdata.hpp"

#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view rdata(reinterpret_cast<const char*>(data), size);
  namespace r = domainscan::scan::rdata;
  const auto attempt = [&](auto decode) {
    try {
      decode(rdata);
    } catch (const std::invalid_argument&) {
    }
  };
  attempt([](auto d) { return r::a(d); });
  attempt([](auto d) { return r::aaaa(d); });
  attempt([](auto d) { return r::name(d); });
  attempt([](auto d) { return r::mx(d); });
  attempt([](auto d) { return r::txt(d); });
  attempt([](auto d) { return r::caa(d); });
  attempt([](auto d) { return r::soa(d); });
  return 0;
}
