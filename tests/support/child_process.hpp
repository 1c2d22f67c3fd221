#pragma once
// Runs the domainscan binary as a child process for end-to-end tests: its stdout and stderr
// go to files the test can read; the destructor kills it if the test did not stop it.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::testing {

// The binary under test: DOMAINSCAN_BINARY, which tests/run-all.sh exports.
std::string domainscan_binary();

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int signo) const;
  // The exit status (or 128 + signal) once it exits, or nullopt when `timeout` passes first.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();

  std::string stdout_text() const;
  std::string stderr_text() const;
  // Its last `chars` characters: where a process that failed says why (its last error, a
  // sanitizer's report).
  std::string stderr_tail(std::size_t chars) const;
  // Polls stderr until a line contains `needle`; returns that line, or nullopt at the timeout.
  std::optional<std::string> wait_for_log(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  int pid_ = -1;
  std::optional<int> exit_status_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
};

// Runs a command to completion (bounded by `timeout`, then killed) and returns its exit
// status with its output.
struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace domainscan::testing
