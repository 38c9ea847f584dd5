// The stampd program as an operator meets it: real processes on real data directories.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/processes.hpp"

namespace stampd::processes {
namespace {

// One writer a data directory: a second stampd refuses to start, naming the first's pid,
// instead of both refusing writes and serving stale reads.
TEST(stampd, a_second_stampd_on_one_data_directory_is_refused) {
    const std::string dir = temp_dir("stampd-second-writer");
    ASSERT_FALSE(dir.empty());
    stampd_process first(dir + "/data", dir + "/first.log");
    ASSERT_TRUE(first.start()) << read_text(dir + "/first.log");
    stampd_process second(dir + "/data", dir + "/second.log");
    EXPECT_FALSE(second.start());
    const std::string said = read_text(dir + "/second.log");
    EXPECT_NE(said.find("is in use by another stampd (pid " + std::to_string(first.pid()) + ")"),
              std::string::npos)
        << said;
    EXPECT_EQ(second.exit_code(), 1);
    EXPECT_EQ(first.stop(SIGTERM), 0);
    // Once the first has stopped, the directory is free again.
    stampd_process third(dir + "/data", dir + "/third.log");
    EXPECT_TRUE(third.start()) << read_text(dir + "/third.log");
    EXPECT_EQ(third.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::processes
