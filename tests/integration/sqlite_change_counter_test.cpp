// SQLite's change counter (store/sqlite/sqlite_change_counter.hpp), read from the WAL index
// SQLite itself keeps: it stands still while nothing is written, and moves at every commit,
// whether by a connection of this process or by another process (the sqlite3 shell here,
// which shares nothing with this one but the files).
#include "store/sqlite/sqlite_change_counter.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;
using store::sqlite::Connection;
using store::sqlite::SqliteChangeCounter;

class SqliteChangeCounterTest : public ::testing::Test {
 protected:
  SqliteChangeCounterTest() : path((dir.path() / "d.db").string()), writer(std::in_place, path) {
    writer->exec("CREATE TABLE t (x INTEGER)");
  }
  void write_from_another_process(const std::string& sql) {
    const auto done = run_command({"/usr/bin/sqlite3", path, sql}, 10s);
    ASSERT_EQ(done.exit_status, 0) << done.err;
  }
  TempDir dir;
  std::string path;
  std::optional<Connection> writer;  // this process's writer
};

TEST_F(SqliteChangeCounterTest, StandsStillUntilACommitOfThisProcessOrAnother) {
  SqliteChangeCounter counter(path);
  ASSERT_TRUE(counter.reads_wal_index());
  const auto first = counter.current();
  ASSERT_TRUE(first.any);
  EXPECT_EQ(first.deletions, first.any);
  EXPECT_EQ(counter.current().any, first.any) << "nothing was written";

  writer->exec("INSERT INTO t VALUES (1)");
  const auto after_ours = counter.current().any;
  ASSERT_TRUE(after_ours);
  EXPECT_NE(after_ours, first.any);
  EXPECT_EQ(counter.current().any, after_ours);

  write_from_another_process("INSERT INTO t VALUES (2)");
  const auto after_theirs = counter.current().any;
  ASSERT_TRUE(after_theirs);
  EXPECT_NE(after_theirs, after_ours);
  EXPECT_NE(after_theirs, first.any);

  write_from_another_process("DELETE FROM t");
  EXPECT_NE(counter.current().any, after_theirs);
}

// SQLite tells other processes that the WAL index is in use by a shared lock on one byte of
// the "-shm" file (the "DMS" byte); a process that finds no such lock takes the index for
// abandoned and truncates it, under the mappings of the processes still using it. POSIX
// drops all of a process's locks on a file when it closes any descriptor of that file: the
// counter once opened and closed one, which let the sqlite3 shell truncate the index of a
// running `domainscan serve` (SIGBUS). Asked from another process, the lock is still held.
TEST_F(SqliteChangeCounterTest, ThisProcessStillHoldsTheLockThatSaysTheIndexIsInUse) {
  SqliteChangeCounter counter(path);
  ASSERT_TRUE(counter.reads_wal_index());
  // F_GETLK for a write lock on the DMS byte (offset 128: 120 + SQLITE_SHM_NLOCK): which lock
  // stands in its way, if any.
  const auto asked = run_command(
      {"/usr/bin/python3", "-c",
       "import fcntl, os, struct, sys\n"
       "fd = os.open(sys.argv[1], os.O_RDWR)\n"
       "found = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack('hhqqi', fcntl.F_WRLCK, os.SEEK_SET, 128, 1, 0))\n"
       "print({fcntl.F_RDLCK: 'shared', fcntl.F_WRLCK: 'exclusive', fcntl.F_UNLCK: 'none'}[struct.unpack('hhqqi', found)[0]])",
       path + "-shm"},
      10s);
  ASSERT_EQ(asked.exit_status, 0) << asked.err;
  EXPECT_EQ(asked.out, "shared\n");
  // And what the shell does when it opens the database leaves our view of it whole.
  write_from_another_process("INSERT INTO t VALUES (3)");
  EXPECT_TRUE(counter.current().any);
}

TEST_F(SqliteChangeCounterTest, EveryCommitOfMany) {
  SqliteChangeCounter counter(path);
  auto last = counter.current().any;
  for (int i = 0; i < 50; ++i) {
    writer->exec("INSERT INTO t VALUES (" + std::to_string(i) + ")");
    const auto now = counter.current().any;
    ASSERT_TRUE(now);
    ASSERT_NE(now, last) << "commit " << i;
    last = now;
  }
  // A checkpoint that moves the WAL back to its start, then a commit into the restarted WAL.
  writer->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  writer->exec("INSERT INTO t VALUES (-1)");
  const auto restarted = counter.current().any;
  ASSERT_TRUE(restarted);
  EXPECT_NE(restarted, last);
}

// The header is only worth reading while the database stays in WAL mode: SQLite refuses to
// leave it while another connection is open, and the counter keeps one open.
TEST_F(SqliteChangeCounterTest, NoOtherProcessCanTakeTheDatabaseOutOfWalModeUnderIt) {
  SqliteChangeCounter counter(path);
  ASSERT_TRUE(counter.reads_wal_index());
  writer.reset();  // the counter's connection is the only one left
  const auto before = counter.current().any;
  const auto refused = run_command({"/usr/bin/sqlite3", path, "PRAGMA journal_mode = DELETE"}, 10s);
  EXPECT_EQ(refused.out.find("delete"), std::string::npos) << refused.out;
  write_from_another_process("INSERT INTO t VALUES (3)");
  EXPECT_NE(counter.current().any, before);
}

}  // namespace
}  // namespace domainscan::testing
