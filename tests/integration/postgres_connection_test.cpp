// The batch statements of the PostgreSQL store (exec_planned_sql) are prepared statements
// on their generic plan, planned again every PostgresConnection::kRunsPerPlan runs or
// kPlanLifetime: their plan follows the table as it grows, and the server keeps one statement
// of each, not one a generation.
#include "store/postgres/postgres_connection.hpp"
#include "store/postgres/postgres_fields.hpp"
#include "support/backends.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace domainscan::store::postgres {
namespace {

class PostgresConnectionTest : public ::testing::Test {
 protected:
  testing::FreshDatabase db_{testing::Backend::postgres};
  PostgresConnection conn_{db_.url()};

  // Runs the batch statement `times` times in one transaction; answers the rows found the
  // last time.
  std::int64_t run(pqxx::work& tx, int times) {
    std::int64_t found = 0;
    for (int i = 0; i < times; ++i) found = exec_planned_sql(tx, kSql, bigint_array({1, 2, 3}))[0][0].as<std::int64_t>();
    return found;
  }
  static std::vector<std::string> prepared(pqxx::work& tx) {
    std::vector<std::string> names;
    for (const auto& row : tx.exec("SELECT name FROM pg_prepared_statements ORDER BY name")) {
      names.push_back(row[0].as<std::string>());
    }
    return names;
  }
  // The plan the server would run the prepared statement with now.
  static std::string plan_of(pqxx::work& tx, const std::string& name) {
    std::string plan;
    for (const auto& row : tx.exec("EXPLAIN EXECUTE " + tx.quote_name(name) + "('{1,2,3}')")) {
      plan += row[0].as<std::string>() + "\n";
    }
    return plan;
  }

  static constexpr const char* kSql = "SELECT count(*) FROM items WHERE id = ANY($1::bigint[])";
};

TEST_F(PostgresConnectionTest, ABatchStatementIsPlannedAgainForTheTableItHasBecome) {
  pqxx::work tx(conn_);
  conn_.transaction_began();
  // A small table, analysed (as autovacuum does a new install's), then grown. A temporary
  // table: autovacuum never analyses it again, so only planning again can see it grow.
  tx.exec("CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  tx.exec("INSERT INTO items SELECT g, 'x' FROM generate_series(1, 3) g");
  tx.exec("ANALYZE items");
  EXPECT_EQ(run(tx, 10), 3);  // on the plan the statement keeps
  const auto first = prepared(tx);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NE(plan_of(tx, first[0]).find("Seq Scan"), std::string::npos) << plan_of(tx, first[0]);

  tx.exec("INSERT INTO items SELECT g, 'x' FROM generate_series(4, 100000) g");
  // The statement as it was prepared still reads the whole table (the reason to plan again).
  EXPECT_NE(plan_of(tx, first[0]).find("Seq Scan"), std::string::npos) << plan_of(tx, first[0]);

  EXPECT_EQ(run(tx, PostgresConnection::kRunsPerPlan), 3);
  const auto second = prepared(tx);
  ASSERT_EQ(second.size(), 1u) << "the first generation was deallocated";
  EXPECT_NE(second[0], first[0]);
  const auto plan = plan_of(tx, second[0]);
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Index"), std::string::npos) << plan;
}

TEST_F(PostgresConnectionTest, AStatementKeepsItsPlanForItsRuns) {
  pqxx::work tx(conn_);
  conn_.transaction_began();
  tx.exec("CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  tx.exec("INSERT INTO items SELECT g, 'x' FROM generate_series(1, 10) g");
  run(tx, 1);
  const auto name = prepared(tx);
  run(tx, PostgresConnection::kRunsPerPlan - 1);
  EXPECT_EQ(prepared(tx), name) << "prepared once for its first kRunsPerPlan runs";
  run(tx, 1);
  EXPECT_NE(prepared(tx), name);
  EXPECT_EQ(prepared(tx).size(), 1u);
}

TEST_F(PostgresConnectionTest, AStatementIsPlannedAgainOnceItsPlanIsOlderThanItsLifetime) {
  pqxx::work tx(conn_);
  conn_.transaction_began();
  tx.exec("CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  run(tx, 1);
  const auto name = prepared(tx);
  std::this_thread::sleep_for(PostgresConnection::kPlanLifetime + std::chrono::milliseconds(50));
  run(tx, 1);  // one run only, far from kRunsPerPlan
  EXPECT_NE(prepared(tx), name);
  EXPECT_EQ(prepared(tx).size(), 1u);
}

TEST_F(PostgresConnectionTest, AStatementThatFailedLeavesTheConnectionUsable) {
  {
    pqxx::work tx(conn_);
  conn_.transaction_began();
    EXPECT_THROW(exec_planned_sql(tx, "SELECT 1 / (count(*) - count(*)) FROM pg_class WHERE oid = ANY($1::oid[])",
                                  std::string("{1}")),
                 pqxx::sql_error);
  }
  pqxx::work tx(conn_);
  conn_.transaction_began();
  tx.exec("CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  tx.exec("INSERT INTO items VALUES (2, 'x')");
  EXPECT_EQ(run(tx, PostgresConnection::kRunsPerPlan + 1), 1);
}

TEST_F(PostgresConnectionTest, ABatchStatementRunsOnItsGenericPlanFromItsFirstRun) {
  pqxx::work tx(conn_);
  conn_.transaction_began();
  tx.exec("CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  tx.exec("INSERT INTO items SELECT g, 'x' FROM generate_series(1, 100000) g");
  EXPECT_EQ(run(tx, 1), 3);
  // A generic plan refers to the parameter; a plan made for this run's values (PostgreSQL's
  // default for a statement's first five runs, and for good when the array is short) holds
  // them as a constant.
  const auto plan = plan_of(tx, prepared(tx).at(0));
  EXPECT_NE(plan.find("ANY ($1)"), std::string::npos) << plan;
  EXPECT_EQ(tx.exec("SHOW plan_cache_mode")[0][0].as<std::string>(), "force_generic_plan");
  tx.commit();
  // For the transaction only: the connection's other statements keep PostgreSQL's choice.
  pqxx::work next(conn_);
  conn_.transaction_began();
  EXPECT_EQ(next.exec("SHOW plan_cache_mode")[0][0].as<std::string>(), "auto");
}

}  // namespace
}  // namespace domainscan::store::postgres
