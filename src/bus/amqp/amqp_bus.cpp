#include "bus/amqp/amqp_bus.hpp"

#include "bus/topology.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>

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

asio::awaitable<std::vector<bool>> AmqpBus::publish_many(std::vector<Message> messages) {
  if (messages.empty()) co_return std::vector<bool>{};
  // Every message goes to the publisher thread at once; the answer comes when the last
  // confirm (or failure) is in. The callbacks run on the publisher thread, or on this one
  // when submit() refuses at once: the shared tally is locked.
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::vector<bool>)>(
      [this](auto handler, std::vector<Message> batch) {
        using Handler = decltype(handler);
        struct Tally {
          Tally(Handler h, asio::any_io_executor w, std::size_t n)
              : taken(n, false), left(n), handler(std::move(h)), work(std::move(w)) {}
          std::mutex mutex;
          std::vector<bool> taken;
          std::size_t left;
          Handler handler;
          asio::any_io_executor work;  // keeps the caller's executor running until the answer
        };
        asio::any_io_executor work =
            asio::prefer(asio::get_associated_executor(handler, executor_), asio::execution::outstanding_work.tracked);
        auto tally = std::make_shared<Tally>(std::move(handler), std::move(work), batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
          PublishRequest req{kExchange, std::move(batch[i].routing_key), std::move(batch[i].body), {}, nullptr};
          req.done = [tally, i](std::exception_ptr error) {
            std::lock_guard lock(tally->mutex);
            tally->taken[i] = error == nullptr;
            if (--tally->left == 0) {
              asio::post(tally->work, [tally]() mutable { tally->handler(std::move(tally->taken)); });
            }
          };
          publisher_.submit(std::move(req));
        }
      },
      asio::use_awaitable, std::move(messages));
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
