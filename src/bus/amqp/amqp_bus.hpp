#pragma once
// The Bus on RabbitMQ (AMQP 0-9-1, rabbitmq-c): one publishing connection with publisher
// confirms, and one consuming connection per subscription, each owned by a thread of its
// own as rabbitmq-c requires; handlers run on the io_context. See amqp_topology.hpp for the
// queues and amqp_consumer.hpp for what each outcome does.
#include "bus/amqp/amqp_consumer.hpp"
#include "bus/amqp/amqp_publisher.hpp"
#include "bus/bus.hpp"

#include <memory>
#include <vector>

namespace domainscan::bus::amqp {

struct AmqpBusOptions {
  ConnectionOptions connection;
  RetryDelays retry_delays = default_retry_delays();
};

class AmqpBus final : public Bus {
 public:
  AmqpBus(boost::asio::any_io_executor executor, const AmqpUrl& url, AmqpBusOptions options = {});
  ~AmqpBus() override;

  boost::asio::awaitable<void> publish(std::string routing_key, std::string body) override;
  boost::asio::awaitable<std::vector<bool>> publish_many(std::vector<Message> messages) override;
  void subscribe(std::string queue, Handler handler, std::size_t max_in_flight) override;
  boost::asio::awaitable<void> stop() override;
  bool healthy() const override { return publisher_.connected(); }
  long depth(const std::string& queue) const override { return publisher_.depth(queue); }

  // Publishes to the default exchange, straight into a queue (tests, replaying dead messages).
  boost::asio::awaitable<void> publish_to_queue(std::string queue, std::string body, Headers headers = {});

 private:
  boost::asio::awaitable<void> submit(PublishRequest request);

  boost::asio::any_io_executor executor_;
  AmqpUrl url_;
  AmqpBusOptions options_;
  AmqpPublisher publisher_;
  std::vector<std::unique_ptr<AmqpConsumer>> consumers_;
};

}  // namespace domainscan::bus::amqp
