#include "support/python_server.hpp"

#include "support/eventually.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>

#include <csignal>
#include <stdexcept>

namespace domainscan::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

bool accepts(std::uint16_t port) {
  asio::io_context io;
  boost::system::error_code ec;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

}  // namespace

std::uint16_t free_loopback_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

PythonServer::PythonServer(std::vector<std::string> args, std::uint16_t port) : args_(std::move(args)), port_(port) {
  for (auto& a : args_) {
    if (a == "{port}") a = std::to_string(port_);
  }
}

std::string PythonServer::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

void PythonServer::start() {
  std::vector<std::string> argv{"/usr/bin/python3"};
  argv.insert(argv.end(), args_.begin(), args_.end());
  process_.emplace(argv, logs_.path());
  if (!eventually([&] { return accepts(port_); }, 10s)) {
    throw std::runtime_error(fmt::format("{} did not start: {}", args_.front(), process_->stderr_text()));
  }
}

void PythonServer::stop() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(10s);
  process_.reset();
  eventually([&] { return !accepts(port_); }, 10s);
}

}  // namespace domainscan::testing
