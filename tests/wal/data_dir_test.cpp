// wal/storage/data_dir.hpp: the only way into a data directory. One writer at a time (a second is
// refused, naming the first's pid); readers take no lock; what is not a data directory says so.
#include "wal/storage/data_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace stampd::wal {
namespace {

class data_dir_test : public ::testing::Test {
protected:
    testing::temp_dir dir;
    std::string path() const { return dir / "data"; }
};

TEST_F(data_dir_test, a_second_writer_is_refused_naming_the_holders_pid) {
    std::unique_ptr<data_dir> first, second;
    ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, first).ok());
    EXPECT_TRUE(first->writable());
    const status refused = data_dir::open_for_writing({.path = path()}, second);
    EXPECT_EQ(refused.code, EWOULDBLOCK);
    EXPECT_EQ(second, nullptr);
    EXPECT_NE(
        refused.message().find("in use by another stampd (pid " + std::to_string(::getpid()) + ")"),
        std::string::npos)
        << refused.message();
    // The lock goes with the writer.
    first.reset();
    const status again = data_dir::open_for_writing({.path = path()}, second);
    EXPECT_TRUE(again.ok()) << again.message();
}

TEST_F(data_dir_test, readers_take_no_lock_beside_the_writer) {
    std::unique_ptr<data_dir> writer, reader, other;
    ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, writer).ok());
    ASSERT_TRUE(data_dir::open_for_reading(path(), reader).ok());
    ASSERT_TRUE(data_dir::open_for_reading(path(), other).ok());
    EXPECT_FALSE(reader->writable());
    std::uint64_t last = 99;
    EXPECT_TRUE(reader->log().last_key(last).ok());
    EXPECT_EQ(last, 0u);
}

// A log file cut short (a partial copy, a bad restore) is found before LMDB maps it: touching a
// page past the end of the file would kill the process with SIGBUS.
TEST_F(data_dir_test, a_truncated_log_file_is_refused_not_mapped) {
    {
        std::unique_ptr<data_dir> writer;
        ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, writer).ok());
        const std::vector<std::uint8_t> bytes(1000, 0x5A);
        for (std::uint64_t lsn = 1; lsn <= 400; ++lsn) {
            const keyed_value one{.lsn = lsn, .bytes = bytes};
            ASSERT_TRUE(writer->log().append({&one, 1}).ok());
        }
    }
    const std::string file = path() + "/log/data.mdb";
    const auto whole = std::filesystem::file_size(file);
    std::filesystem::resize_file(file, whole * 95 / 100);
    std::unique_ptr<data_dir> d;
    const status reading = data_dir::open_for_reading(path(), d);
    EXPECT_EQ(reading.code, MDB_CORRUPTED);
    EXPECT_NE(reading.message().find("the file is truncated"), std::string::npos)
        << reading.message();
    EXPECT_NE(reading.message().find(std::to_string(whole * 95 / 100) + " bytes"),
              std::string::npos)
        << reading.message();
    const status writing = data_dir::open_for_writing({.path = path()}, d);
    EXPECT_EQ(writing.code, MDB_CORRUPTED) << writing.message();
    EXPECT_EQ(d, nullptr);
}

TEST_F(data_dir_test, a_directory_without_a_log_is_not_a_data_directory) {
    std::filesystem::create_directories(path());
    std::unique_ptr<data_dir> d;
    const status s = data_dir::open_for_reading(path(), d);
    EXPECT_EQ(s.code, ENOENT);
    EXPECT_EQ(s.message(), path() + " is not a stampd data directory (no log/ in it)");
}

TEST_F(data_dir_test, a_directory_without_snapshots_opens_for_reading) {
    {
        std::unique_ptr<data_dir> writer;
        ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, writer).ok());
    }
    std::filesystem::remove_all(path() + "/snapshots");
    std::unique_ptr<data_dir> d;
    ASSERT_TRUE(data_dir::open_for_reading(path(), d).ok());
    EXPECT_EQ(d->snapshots(), nullptr);
    state s;
    loaded_snapshot loaded;
    EXPECT_TRUE(d->load_newest_snapshot(UINT64_MAX, snapshot_reading::verify, s, loaded).ok());
    EXPECT_EQ(loaded.lsn, 0u);
}

TEST_F(data_dir_test, what_it_creates_only_its_owner_may_read) {
    std::unique_ptr<data_dir> d;
    ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, d).ok());
    namespace fs = std::filesystem;
    const fs::path data = path();
    for (const fs::path& p : {data, data / "log", data / "snapshots"}) {
        const fs::perms perms = fs::status(p).permissions();
        EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none) << p;
    }
    for (const fs::path& p : {data / "LOCK", data / "log" / "data.mdb"}) {
        const fs::perms perms = fs::status(p).permissions();
        EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none) << p;
    }
}

// Whoever can write the data directory could change the log under the writer: a directory or
// file others may write, or owned by another user, is refused with what to do; once fixed, it
// opens.
TEST_F(data_dir_test, a_data_directory_others_may_write_is_refused) {
    namespace fs = std::filesystem;
    {
        std::unique_ptr<data_dir> d;
        ASSERT_TRUE(data_dir::open_for_writing({.path = path()}, d).ok());
    }
    const std::vector<std::pair<fs::path, fs::perms>> loose = {
        {path(), fs::perms::all},
        {fs::path(path()) / "log" / "data.mdb",
         fs::perms::group_write | fs::perms::owner_read | fs::perms::owner_write},
    };
    for (const auto& [p, perms] : loose) {
        SCOPED_TRACE(p.string());
        const fs::perms before = fs::status(p).permissions();
        fs::permissions(p, perms);
        std::unique_ptr<data_dir> d;
        const status s = data_dir::open_for_writing({.path = path()}, d);
        EXPECT_EQ(s.code, EACCES);
        EXPECT_NE(s.message().find(p.string() + " may be written by others (mode 0"),
                  std::string::npos)
            << s.message();
        EXPECT_NE(s.message().find("chmod go-w"), std::string::npos) << s.message();
        fs::permissions(p, before);
        EXPECT_TRUE(data_dir::open_for_writing({.path = path()}, d).ok());
    }
    if (::geteuid() == 0) {  // root may give a file away; nobody else can
        const std::string file = path() + "/DURABLE";
        ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
        std::unique_ptr<data_dir> d;
        const status s = data_dir::open_for_writing({.path = path()}, d);
        EXPECT_EQ(s.code, EACCES);
        EXPECT_NE(s.message().find(file + " belongs to user 65534"), std::string::npos)
            << s.message();
        ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
        EXPECT_TRUE(data_dir::open_for_writing({.path = path()}, d).ok());
    }
}

}  // namespace
}  // namespace stampd::wal
