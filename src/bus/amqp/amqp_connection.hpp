#pragma once
// One AMQP 0-9-1 connection with rabbitmq-c, as a RAII object: the socket, the login and
// channel 1 are opened by the constructor and closed by the destructor. rabbitmq-c allows a
// connection to be used by one thread only, so each object belongs to the thread that made
// it (bus/amqp/amqp_publisher.cpp and amqp_consumer.cpp each own one). Heartbeats are sent
// and checked only inside library calls: the owner must call in (wait_frame, consume_one)
// at least every heartbeat interval / 2.
#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

namespace domainscan::bus::amqp {

// The connection or its channel is gone; the owner reconnects.
class AmqpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AmqpUrl {
  std::string host;
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
  bool tls = false;
  std::string to_string() const;  // without the password, for logs
};

// amqp://user:pass@host:port/vhost or amqps://...; throws ValidationError.
AmqpUrl parse_amqp_url(const std::string& url);

using HeaderValue = std::variant<std::int64_t, std::string>;
using Headers = std::map<std::string, HeaderValue>;

// A message as it was delivered to a consumer.
struct Delivery {
  std::uint64_t delivery_tag = 0;
  std::string exchange;
  std::string routing_key;
  std::string body;
  Headers headers;
  bool redelivered = false;
};

struct ConnectionOptions {
  std::chrono::seconds heartbeat{30};
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds rpc_timeout{10};  // declare, qos, consume: each answer within this
  std::optional<std::string> ca_file;    // amqps: extra trust anchors
};

class AmqpConnection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  AmqpConnection(const AmqpUrl& url, const ConnectionOptions& options);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  // Publisher confirms on the channel: every publish is then acknowledged by a basic.ack
  // (or basic.nack) frame carrying its delivery tag, counted from 1.
  void enable_confirms();
  // Sends one persistent message; with confirms on, returns its delivery tag.
  std::uint64_t publish(const std::string& exchange, const std::string& routing_key, const std::string& body,
                        const Headers& headers);

  // Topology. A failed declare closes the channel (AMQP's rule); declare_queue_if_missing
  // reopens it, so the caller can try another variant.
  void declare_exchange(const std::string& name, const std::string& type);
  // True if the queue was declared with `arguments` (false: it existed already, untouched,
  // or the broker refused these arguments).
  bool declare_queue_if_missing(const std::string& name, const Headers& arguments);
  void bind_queue(const std::string& queue, const std::string& exchange, const std::string& routing_key);
  // Messages ready in a queue (passive declare).
  std::uint64_t queue_depth(const std::string& queue);

  void set_prefetch(std::uint16_t count);
  void start_consuming(const std::string& queue);
  // The next delivery, or nullopt when none came within `timeout`. Throws AmqpError when the
  // channel or connection closed.
  std::optional<Delivery> consume_one(std::chrono::milliseconds timeout);
  // multiple: every unacknowledged delivery up to delivery_tag (DeliveryLedger says when).
  void ack(std::uint64_t delivery_tag, bool multiple = false);
  void reject(std::uint64_t delivery_tag, bool requeue);

  // Publisher-confirm frames: reads one frame within `timeout`. Returns the confirm it
  // carried, or nullopt (timeout, or a frame of no interest). Throws AmqpError on close.
  struct Confirm {
    std::uint64_t delivery_tag = 0;
    bool multiple = false;
    bool ack = true;  // false: basic.nack, the broker lost it
  };
  std::optional<Confirm> wait_confirm(std::chrono::milliseconds timeout);

  int socket_fd() const;
  // True when rabbitmq-c holds data or frames it has read but not handed out yet: poll()
  // on the socket would not see them.
  bool has_buffered_input() const;

 private:
  void open_channel();
  void check_reply(amqp_rpc_reply_t reply, const char* what);

  amqp_connection_state_t state_ = nullptr;
  std::uint64_t next_tag_ = 1;
  bool confirms_ = false;
};

}  // namespace domainscan::bus::amqp
