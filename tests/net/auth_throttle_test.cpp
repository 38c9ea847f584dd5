// net/auth_throttle.hpp: failed Hellos slow down, then lock an address out; a prefix's lock never
// touches another address's or a correct token; the tables stay bounded. A clock of the test's.
#include "net/auth_throttle.hpp"

#include <gtest/gtest.h>

namespace stampd::net {
namespace {

using namespace std::chrono_literals;
using clock_type = auth_throttle::clock;

// "10.0.X.Y" and "pN", built by append (GCC 12 warns falsely on "literal" + std::string at -O3).
std::string address(int n) {
    std::string a = "10.0.";
    a.append(std::to_string(n / 256)).append(1, '.').append(std::to_string(n % 256));
    return a;
}
std::string prefix(char letter, int n) {
    std::string p(1, letter);
    return p.append(std::to_string(n));
}

TEST(auth_throttle, free_failures_then_doubling_delays_then_a_lockout_of_the_address) {
    auth_throttle t({.free_failures = 3,
                     .lockout_failures = 8,
                     .window = 60s,
                     .lockout = 300s,
                     .first_delay = 100ms,
                     .delay_max = 1000ms});
    const clock_type::time_point now{};
    std::vector<std::int64_t> delays;
    for (int i = 0; i < 8; ++i)
        delays.push_back(
            t.failed("10.0.0.1", std::string(1, static_cast<char>('a' + i)), now).delay.count());
    EXPECT_EQ(delays, (std::vector<std::int64_t>{0, 0, 0, 100, 200, 400, 800, 1000}));
    EXPECT_EQ(t.refused_for("10.0.0.1", now), 300s);
    EXPECT_EQ(t.refused_for("10.0.0.1", now + 299s), 1s);
    EXPECT_EQ(t.refused_for("10.0.0.1", now + 300s), 0s);
    // Another address is not touched.
    EXPECT_EQ(t.refused_for("10.0.0.2", now), 0s);
    EXPECT_EQ(t.failed("10.0.0.2", "zz", now).delay, 0ms);
}

TEST(auth_throttle, the_window_forgets_old_failures) {
    auth_throttle t({.free_failures = 2, .lockout_failures = 4, .window = 60s});
    const clock_type::time_point now{};
    for (int i = 0; i < 3; ++i)
        t.failed("10.0.0.1", prefix('p', i), now);
    EXPECT_GT(t.failed("10.0.0.1", "q", now + 59s).delay, 0ms);  // the 4th: locked
    EXPECT_GT(t.refused_for("10.0.0.1", now + 59s), 0s);
    auth_throttle u({.free_failures = 2, .lockout_failures = 4, .window = 60s});
    for (int i = 0; i < 3; ++i)
        u.failed("10.0.0.1", prefix('p', i), now);
    const auto later = u.failed("10.0.0.1", "q", now + 61s);
    EXPECT_EQ(later.from_address, 1u);
    EXPECT_EQ(later.delay, 0ms);
}

TEST(auth_throttle, one_prefix_guessed_from_many_addresses_is_slowed_everywhere) {
    auth_throttle t(
        {.free_failures = 2, .lockout_failures = 5, .lockout = 300s, .delay_max = 2000ms});
    const clock_type::time_point now{};
    auth_throttle::failure f;
    for (int i = 0; i < 5; ++i)
        f = t.failed(address(256 + i), "abcd", now);
    EXPECT_TRUE(f.prefix_locked);
    EXPECT_EQ(f.with_prefix, 5u);
    EXPECT_EQ(f.from_address, 1u);
    EXPECT_EQ(f.delay, 2000ms);
    // No address is refused: a correct token (checked before any failure is counted) goes in.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(t.refused_for(address(256 + i), now), 0s);
}

TEST(auth_throttle, the_tables_hold_at_most_keys_max_entries) {
    auth_throttle t({.free_failures = 1, .lockout_failures = 2, .window = 60s, .keys_max = 16});
    const clock_type::time_point now{};
    t.failed("10.9.9.9", "x", now);
    t.failed("10.9.9.9", "y", now);  // locked
    for (int i = 0; i < 1000; ++i)
        t.failed(address(i), prefix('k', i), now + 61s);
    // The lock of the first address lasts while others come and go; nothing grew past 16.
    EXPECT_LE(t.keys_held(), 2 * t.limits().keys_max);  // addresses and prefixes
    EXPECT_GT(t.refused_for("10.9.9.9", now + 61s), 0s);
}

// IPv6 hosts are counted by their /64: a host given a whole /64 gets no fresh failures by
// moving within it. IPv4, and IPv4 mapped into IPv6, by the address.
TEST(auth_throttle, an_ipv6_host_is_counted_by_its_64_and_ipv4_by_its_address) {
    using boost::asio::ip::make_address;
    EXPECT_EQ(throttle_key(make_address("10.1.2.3")), "10.1.2.3");
    EXPECT_EQ(throttle_key(make_address("::ffff:10.1.2.3")), "10.1.2.3");
    EXPECT_EQ(throttle_key(make_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), "2001:db8:1:2::/64");
    EXPECT_EQ(throttle_key(make_address("2001:db8:1:2::1")), "2001:db8:1:2::/64");
    EXPECT_NE(throttle_key(make_address("2001:db8:1:3::1")), "2001:db8:1:2::/64");
    // So a guesser walking its /64 is locked out as one address.
    auth_throttle t({.free_failures = 1, .lockout_failures = 3});
    const auto now = clock_type::now();
    for (int i = 1; i <= 3; ++i) {
        std::string host = "2001:db8:1:2::";
        host.append(std::to_string(i));
        t.failed(throttle_key(make_address(host)), prefix('p', i), now);
    }
    EXPECT_GT(t.refused_for(throttle_key(make_address("2001:db8:1:2::99")), now).count(), 0);
    EXPECT_EQ(t.refused_for(throttle_key(make_address("2001:db8:1:3::1")), now).count(), 0);
}

// What a wrong token's first bytes look like in the log: no control characters or raw bytes
// reach it (a newline would forge a log line), and nothing is lost.
TEST(auth_throttle, a_token_prefix_is_logged_printable) {
    EXPECT_EQ(printable_prefix("ab12"), "ab12");
    EXPECT_EQ(printable_prefix("a\nb"), "a\\x0ab");
    EXPECT_EQ(printable_prefix(std::string_view("\x00\xff'\\", 4)), "\\x00\\xff\\x27\\x5c");
}

}  // namespace
}  // namespace stampd::net
