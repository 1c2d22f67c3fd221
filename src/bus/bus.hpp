#pragma once
// The message bus every service uses. Two backends: bus/embedded/ (in-process, for
// `domainscan serve`) and bus/amqp/ (RabbitMQ, for the distributed mode).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace domainscan::bus {

struct Message {
  std::string routing_key;
  std::string body;
  int attempt = 1;  // 1 on first delivery, counting up on each retry
};

// What a handler decides about the message it was given.
enum class Outcome {
  ack,          // done: remove it
  retry,        // failed for now: deliver it again later, up to kMaxDeliveryAttempts
  dead_letter,  // can never succeed (malformed, not of the contract): move it to the dead queue
};

using Handler = std::function<boost::asio::awaitable<Outcome>(const Message&)>;

class Bus {
 public:
  virtual ~Bus() = default;

  // Returns once the bus has taken responsibility for the message (embedded: queued;
  // AMQP: confirmed by the broker). Throws UnavailableError if it could not.
  virtual boost::asio::awaitable<void> publish(std::string routing_key, std::string body) = 0;

  // Publishes many; answers, for each in order, whether the bus took it (a failure is not
  // thrown). This one publishes them one after another and, after a failure, tries no more
  // (the bus is most likely down); the AMQP bus sends them all before it waits for the
  // broker's confirms: one round trip for the lot, not one per message.
  virtual boost::asio::awaitable<std::vector<bool>> publish_many(std::vector<Message> messages);

  // Delivers the messages of `queue` to handler, at most max_in_flight at a time. A handler
  // that throws is treated as Outcome::retry. Call before start().
  virtual void subscribe(std::string queue, Handler handler, std::size_t max_in_flight) = 0;

  // Stops delivering new messages and returns when the handlers in flight have finished
  // (messages not yet handled stay queued: in the database for the embedded bus, in the
  // broker for AMQP).
  virtual boost::asio::awaitable<void> stop() = 0;

  // True while messages can be published (the broker is connected).
  virtual bool healthy() const = 0;
  // Messages waiting in a queue of ours, for /metrics; -1 if not known.
  virtual long depth(const std::string& queue) const = 0;
};

// "embedded", or an amqp:// URL (issue: distributed mode).
std::unique_ptr<Bus> open_bus(const std::string& url, boost::asio::any_io_executor executor);

}  // namespace domainscan::bus
