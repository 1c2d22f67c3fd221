#pragma once
// The subcommands of the domainscan binary (ARCHITECTURE.md, "One binary").
#include <string>
#include <vector>

namespace domainscan::app {

// Parses argv, runs the chosen subcommand, returns the exit code: 0 success, 1 failure,
// 2 bad usage or input (with a message on stderr).
int run_command_line(int argc, char** argv);

}  // namespace domainscan::app
