#include "support/child_process.hpp"

#include "support/temp_dir.hpp"
#include "support/testbed.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace domainscan::testing {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string domainscan_binary() { return required_env("DOMAINSCAN_BINARY"); }

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir)
    : stdout_path_(output_dir / "stdout.log"), stderr_path_(output_dir / "stderr.log") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void ChildProcess::signal(int signo) const {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_status_) {
    int status = 0;
    const int rc = ::waitpid(pid_, &status, WNOHANG);
    if (rc == pid_) {
      exit_status_ = decode_status(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_status_;
}

bool ChildProcess::running() { return !wait(std::chrono::milliseconds(0)).has_value(); }

std::string ChildProcess::stdout_text() const { return read_file(stdout_path_); }
std::string ChildProcess::stderr_text() const { return read_file(stderr_path_); }

std::string ChildProcess::stderr_tail(std::size_t chars) const {
  const std::string text = stderr_text();
  return text.substr(text.size() - std::min(text.size(), chars));
}

std::optional<std::string> ChildProcess::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::istringstream lines(stderr_text());
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) return line;
    }
    if (std::chrono::steady_clock::now() >= deadline || !running()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  TempDir dir;
  ChildProcess child(argv, dir.path());
  CommandResult result;
  const auto status = child.wait(timeout);
  if (!status) {
    child.signal(SIGKILL);
    result.exit_status = child.wait(std::chrono::seconds(5)).value_or(-1);
  } else {
    result.exit_status = *status;
  }
  result.out = child.stdout_text();
  result.err = child.stderr_text();
  return result;
}

}  // namespace domainscan::testing
