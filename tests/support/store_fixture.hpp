#pragma once
// A store test that runs on every backend: a fresh database and a store on it before each
// test. Derive the suite from StoreOnEachBackend and instantiate it with
// DOMAINSCAN_ON_EVERY_BACKEND(Suite).
#include "store/store.hpp"
#include "support/backends.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace domainscan::testing {

class StoreOnEachBackend : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<FreshDatabase>(GetParam());
    store_ = store::open_store(db_->url(), 4);
  }

  std::unique_ptr<FreshDatabase> db_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace domainscan::testing

#define DOMAINSCAN_ON_EVERY_BACKEND(suite)                                                                  \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                                 \
                           ::testing::Values(::domainscan::testing::Backend::sqlite,                         \
                                             ::domainscan::testing::Backend::postgres),                      \
                           [](const auto& info) { return ::domainscan::testing::backend_name(info.param); })
