#include "support/api_harness.hpp"

#include "api/routes.hpp"
#include "support/eventually.hpp"

namespace domainscan::testing {

ApiHarness::ApiHarness(Backend backend, api::ServerLimits limits, api::AuthPolicy auth, HarnessRates rates)
    : db_(backend) {
  store_ = store::open_store(db_.url(), 2);
  bus_ = std::make_unique<bus::embedded::EmbeddedBus>(io_.get_executor());
  adds_ = std::make_unique<api::AddBatcher>(io_.get_executor(), *store_, pool_);
  publisher_ = std::make_unique<outbox::ScanPublisher>(io_.get_executor(), *store_, pool_, *bus_);
  context_ = std::make_unique<api::ApiContext>(api::ApiContext{*store_, *bus_, pool_, metrics_, *adds_, *publisher_,
                                                               DomainNameRules{{"test"}}, {}, nullptr,
                                                               std::chrono::milliseconds(0)});
  reads_ = std::make_unique<api::ReadCache>(store_->change_counter());
  context_->reads = reads_.get();
  after_answer_ = std::make_unique<outbox::BackgroundPublisher>(io_.get_executor(), *publisher_);
  context_->after_answer = after_answer_.get();
  api::add_all_routes(router_, *context_);
  authenticator_ = std::make_unique<api::Authenticator>(*store_, pool_, auth);
  gate_ = std::make_unique<api::RequestGate>(*authenticator_, rates.requests, rates.scans);
  router_.set_gate([g = gate_.get()](const api::Request& r, const api::GateContext& c) { return g->check(r, c); });
  server_ = std::make_unique<api::HttpServer>(io_.get_executor(), router_, metrics_, limits);
  server_->start(HostPort{"127.0.0.1", 0});
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

ApiHarness::~ApiHarness() {
  server_->stop();
  wait_for_publishes();  // as `domainscan api` waits for them at shutdown
  io_.stop();
  for (auto& t : threads_) t.join();
}

void ApiHarness::wait_for_publishes() const {
  eventually([this] { return after_answer_->in_flight() == 0; }, std::chrono::seconds(2));
}

}  // namespace domainscan::testing
