#pragma once
// The API server's open connections: how many in all and per client address (so that one
// address cannot take every slot), and which are idle between keep-alive requests (the
// first to go when the server is full). Thread-safe; shared with the sessions.
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace domainscan::api {

class ConnectionTable {
 public:
  ConnectionTable(std::size_t max_total, std::size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  enum class Admission { admitted, client_full, server_full };
  // Counts the connection in (whatever the answer: release() it in any case). A client at
  // its limit first closes its own longest-idle keep-alive connection to make room (a
  // browser's tabs, each keeping connections open between polls, must not lock out its next
  // tab), and a server that is full its longest-idle one of anyone's. Connections that have
  // not finished a first request are never idle: they make no room for more of their kind.
  Admission admit(const boost::asio::ip::address& client);
  void release(const boost::asio::ip::address& client);

  // A session waiting for its next request registers how to close it; busy() takes it back.
  std::uint64_t idle(const boost::asio::ip::address& client, std::function<void()> close);
  void busy(std::uint64_t idle_id);

  std::size_t open() const;

 private:
  std::size_t max_total_;
  std::size_t max_per_client_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<boost::asio::ip::address, std::size_t> per_client_;
  struct Idle {
    boost::asio::ip::address client;
    std::function<void()> close;
  };
  std::map<std::uint64_t, Idle> idle_;  // by when they became idle
  std::uint64_t next_idle_ = 0;
};

}  // namespace domainscan::api
