#include "watch/webhook_deliverer.hpp"

#include "core/errors.hpp"
#include "scan/http_fetch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::watch {

namespace asio = boost::asio;

namespace {

scan::ResolverConfig resolver_config(const Settings& settings, std::size_t concurrency) {
  scan::ResolverConfig config;
  config.servers = settings.dns_servers;
  config.allowed_suffixes = settings.allow_suffixes;
  config.max_in_flight = concurrency * 2;  // A and AAAA
  return config;
}

}  // namespace

WebhookDeliverer::WebhookDeliverer(asio::any_io_executor executor, store::Store& store, BlockingPool& db,
                                   const Settings& settings, DelivererOptions options)
    : strand_(asio::make_strand(executor)),
      store_(store),
      db_(db),
      options_(options),
      policy_(settings.allow_targets),
      resolver_(executor, resolver_config(settings, options.concurrency)),
      timer_(strand_),
      random_(std::random_device{}()) {
  post_context_.policy = &policy_;
  post_context_.resolver = &resolver_;
  post_context_.timeout = options_.timeout;
  post_context_.verify = scan::make_verifying_context(settings.ca_file);
}

void WebhookDeliverer::start() { asio::co_spawn(strand_, run(), asio::detached); }

void WebhookDeliverer::wake() {
  woken_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void WebhookDeliverer::stop() {
  stopping_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

double WebhookDeliverer::jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

asio::awaitable<void> WebhookDeliverer::run() {
  // Longer than an attempt can take (resolve, connect, send, answer): a live deliverer
  // always records its attempt before another may take the delivery.
  const auto lease = options_.timeout * 3 + std::chrono::seconds(30);
  while (!stopping_) {
    const auto looked_at = std::chrono::steady_clock::now();
    woken_ = false;
    std::size_t taken = 0;
    const std::size_t free = options_.concurrency - std::min(options_.concurrency, in_flight_.load());
    if (free > 0) {
      ++counters_.looks;
      std::vector<store::DueDelivery> due;
      try {
        due = co_await db_.run([&store = store_, free, lease] { return store.take_due_deliveries(now_ms(), free, lease); });
      } catch (const std::exception& e) {
        spdlog::warn("webhooks: cannot take due deliveries: {}", e.what());
      }
      taken = due.size();
      for (auto& d : due) {
        ++in_flight_;
        asio::co_spawn(strand_, attempt(std::move(d)), asio::detached);
      }
    }
    // More may be due already (the batch was full): look again at once.
    if (taken > 0 && taken == free) continue;
    boost::system::error_code ec;  // cancelled: woken, or stopping
    if (!woken_) {
      timer_.expires_after(options_.poll_interval);
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    // Woken: the wakes that come meanwhile are answered by the same look (see wake_gap).
    while (woken_ && !stopping_ && std::chrono::steady_clock::now() < looked_at + options_.wake_gap) {
      timer_.expires_at(looked_at + options_.wake_gap);
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
}

asio::awaitable<void> WebhookDeliverer::attempt(store::DueDelivery delivery) {
  PostOutcome outcome;
  try {
    outcome = co_await post_delivery(strand_, post_context_, delivery, now_ms());
  } catch (const std::exception& e) {
    outcome.error = e.what();  // e.g. a secret that is not whsec_ (a row edited by hand)
  }
  const auto attempt = judge_attempt(delivery, outcome, now_ms(), options_.retry, jitter());
  switch (attempt.status) {
    case store::DeliveryStatus::delivered:
      ++counters_.delivered;
      spdlog::info("webhooks: {} delivered to webhook wh_{} ({})", delivery.event.id(), delivery.webhook_id,
                   *outcome.status_code);
      break;
    case store::DeliveryStatus::pending:
      ++counters_.retried;
      spdlog::warn("webhooks: {} to webhook wh_{} failed (attempt {}), will retry: {}", delivery.event.id(),
                   delivery.webhook_id, delivery.attempts + 1, attempt.error.value_or(""));
      break;
    case store::DeliveryStatus::failed:
      ++counters_.failed;
      spdlog::error("webhooks: {} to webhook wh_{} given up after {} attempts: {}", delivery.event.id(),
                    delivery.webhook_id, delivery.attempts + 1,
                    attempt.disable_webhook.value_or(attempt.error.value_or("")));
      break;
  }
  try {
    co_await db_.run([&store = store_, &attempt] { return store.record_delivery_attempt(attempt); });
  } catch (const std::exception& e) {
    // The lease runs out and the delivery is taken again: at least once.
    spdlog::warn("webhooks: attempt for {} not recorded: {}", delivery.event.id(), e.what());
  }
  --in_flight_;
  if (!stopping_) wake();  // a slot is free
}

}  // namespace domainscan::watch
