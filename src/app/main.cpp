#include "app/commands.hpp"

#include <csignal>

int main(int argc, char** argv) {
  // A peer that closed its socket must be an error code on that connection (EPIPE), never
  // a signal that ends the process: OpenSSL and some libraries write without MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  return domainscan::app::run_command_line(argc, argv);
}
