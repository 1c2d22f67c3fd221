// The worker's handling of one scan request against a real PostgreSQL, where the database
// refuses the result for a reason that is not an outage (issue 16.1: the scan was retried
// five times, dead-lettered and left running for ever).
#include "worker/worker.hpp"

#include "bus/embedded/embedded_bus.hpp"
#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "support/backends.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace domainscan::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::Backend;

TEST(Worker, AResultTheDatabaseRefusesFailsTheScanInsteadOfRetryingIt) {
  testing::FreshDatabase db(Backend::postgres);
  auto store = store::open_store(db.url(), 2);
  const auto added = store->add_domain("example.test", std::nullopt, store::ScanTrigger::api);
  {
    // A rule of this database: no result is stored (as a constraint or a broken value would).
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec(
        "CREATE FUNCTION refuse_results() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.result IS NOT NULL THEN RAISE EXCEPTION 'results are refused here'; END IF; RETURN NEW; END $$");
    tx.exec("CREATE TRIGGER refuse_results BEFORE UPDATE ON scans FOR EACH ROW EXECUTE FUNCTION refuse_results()");
    tx.commit();
  }

  asio::io_context io;
  BlockingPool pool(2);
  bus::embedded::EmbeddedBus bus(io.get_executor());
  scan::ScanEngine engine(io.get_executor(), testing::dns_only_settings(3s));
  Worker worker(io.get_executor(), *store, bus, pool, engine, WorkerOptions{});

  const bus::Message message{std::string(bus::kScanRequested),
                             bus::to_json(bus::ScanRequested{added.scan_id, "example.test", "api"}), 1};
  const auto outcome = testing::run_to_completion(io, worker.handle(message), 30s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(*outcome, bus::Outcome::ack) << "not retried: it would be refused again";
  const auto scan = store->find_scan(added.scan_id);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->status, store::ScanStatus::failed);
  ASSERT_TRUE(scan->error);
  EXPECT_NE(scan->error->find("the result could not be stored"), std::string::npos) << *scan->error;
  EXPECT_NE(scan->error->find("results are refused here"), std::string::npos) << *scan->error;
  EXPECT_EQ(store->find_domain("example.test")->status, store::DomainStatus::pending) << "the domain keeps its status";
  EXPECT_EQ(worker.counters().failed, 1);
}

}  // namespace
}  // namespace domainscan::worker
