// The throttled warning (net/log_throttle.hpp): the first occurrence is logged, the ones within
// the interval are counted, and the next line logged says how many there were.
#include "net/log_throttle.hpp"

#include <gtest/gtest.h>

namespace stampd::net {
namespace {

using std::chrono::seconds;

TEST(log_throttle, logs_the_first_then_once_an_interval_with_the_count) {
    log_throttle throttle(seconds(10));
    const log_throttle::clock::time_point t0{seconds(1000)};
    EXPECT_EQ(throttle.note("accept failed: Too many open files", t0),
              "accept failed: Too many open files");
    for (int i = 1; i <= 5000; ++i)
        EXPECT_FALSE(throttle.note("accept failed: Too many open files", t0 + seconds(9)));
    EXPECT_EQ(throttle.unlogged(), 5000u);
    EXPECT_EQ(throttle.note("accept failed: Too many open files", t0 + seconds(10)),
              "accept failed: Too many open files (5000 more since the last line, 10 s ago)");
    EXPECT_EQ(throttle.unlogged(), 0u);
    // Quiet for a while: the next one is logged at once, with no count.
    EXPECT_EQ(throttle.note("accept failed: Too many open files", t0 + seconds(60)),
              "accept failed: Too many open files");
}

}  // namespace
}  // namespace stampd::net
