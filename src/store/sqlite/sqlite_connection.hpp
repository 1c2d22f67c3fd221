#pragma once
// RAII over the SQLite C API: a connection, prepared statements, and a transaction guard
// that rolls back unless committed.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace domainscan::store::sqlite {

class Statement;

class Connection {
 public:
  // Opens (creating if needed) the file, with WAL journaling, foreign keys and a busy
  // timeout, so concurrent connections wait for each other instead of failing.
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  // A statement for sql: the connection keeps the ones it prepared (up to kMaxCached) and
  // lends them out again, reset, so that SQL run again and again is parsed once. A cached
  // statement already lent out (the same SQL nested) gets a fresh one instead.
  Statement prepare(std::string_view sql);
  static constexpr std::size_t kMaxCached = 128;
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool lent = false;
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Cached> cache_;  // node-based: an entry's address is stable
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  // Borrows a prepared statement of the connection's cache: reset and given back (lent set
  // to false) when this one goes, not finalized.
  Statement(sqlite3* db, sqlite3_stmt* cached, bool* lent) : db_(db), stmt_(cached), lent_(lent) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Binds parameters 1..n in order; a nullopt binds NULL.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 1;
    (bind(index++, args), ...);
    return *this;
  }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  Statement& bind_null(int index);

  // Makes the statement ready to run again, with no parameters bound (statements reused in
  // a loop are prepared once).
  Statement& reset();

  // True while a row is available; throws on error.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::optional<std::int64_t> optional_int64(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool* lent_ = nullptr;  // set: stmt_ belongs to the connection's cache
};

// BEGIN IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot
// deadlock against another writer; the busy timeout makes the second one wait.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace domainscan::store::sqlite
