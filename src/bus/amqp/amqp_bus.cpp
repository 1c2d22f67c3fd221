#include "bus/amqp/amqp_bus.hpp"

#include "bus/topology.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace domainscan::bus::amqp {

namespace asio = boost::asio;

AmqpBus::AmqpBus(asio::any_io_executor executor, const AmqpUrl& url, AmqpBusOptions options)
    : executor_(std::move(executor)), url_(url), options_(std::move(options)),
      publisher_(url_, options_.connection, options_.retry_delays) {}

AmqpBus::~AmqpBus() {
  consumers_.clear();  // their threads first: they submit to the publisher
}

asio::awaitable<void> AmqpBus::submit(PublishRequest request) {
  // The publisher thread completes the request; the completion is posted back to the
  // coroutine's executor, and a failure is rethrown here.
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
      [this](auto handler, PublishRequest req) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto work = asio::prefer(asio::get_associated_executor(*shared, executor_),
                                 asio::execution::outstanding_work.tracked);
        req.done = [shared, work](std::exception_ptr error) {
          asio::post(work, [shared, error]() mutable { (*shared)(error); });
        };
        publisher_.submit(std::move(req));
      },
      asio::use_awaitable, std::move(request));
}

asio::awaitable<void> AmqpBus::publish(std::string routing_key, std::string body) {
  PublishRequest request{kExchange, std::move(routing_key), std::move(body), {}, nullptr};
  co_await submit(std::move(request));
}

asio::awaitable<void> AmqpBus::publish_to_queue(std::string queue, std::string body, Headers headers) {
  PublishRequest request{"", std::move(queue), std::move(body), std::move(headers), nullptr};
  co_await submit(std::move(request));
}

void AmqpBus::subscribe(std::string queue, Handler handler, std::size_t max_in_flight) {
  consumers_.push_back(std::make_unique<AmqpConsumer>(url_, options_.connection, options_.retry_delays,
                                                      std::move(queue), std::move(handler), max_in_flight,
                                                      executor_, publisher_));
}

asio::awaitable<void> AmqpBus::stop() {
  for (auto& c : consumers_) c->request_stop();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!std::all_of(consumers_.begin(), consumers_.end(), [](const auto& c) { return c->idle(); })) {
    timer.expires_after(std::chrono::milliseconds(50));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace domainscan::bus::amqp
