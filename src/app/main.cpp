#include "app/commands.hpp"
#include "core/open_files.hpp"

#include <csignal>

int main(int argc, char** argv) {
  // A peer that closed its socket must be an error code on that connection (EPIPE), never
  // a signal that ends the process: OpenSSL and some libraries write without MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  // A worker keeps a descriptor for every DNS query, handshake and connection in flight.
  domainscan::raise_open_file_limit();
  return domainscan::app::run_command_line(argc, argv);
}
