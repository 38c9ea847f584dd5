// Who may take a connection slot (net/admission.hpp): connections awaiting Hello are on
// probation and make room for newer ones, oldest first and of the crowding address first; one
// address holds at most its share.
#include "net/admission.hpp"

#include <gtest/gtest.h>

namespace stampd::net {
namespace {

const admission::address attacker = boost::asio::ip::make_address("10.0.0.66");
const admission::address station = boost::asio::ip::make_address("10.0.0.7");

admission_limits small() {
    return admission_limits{.connections_max = 16,
                            .per_address_max = 6,
                            .awaiting_hello_max = 4,
                            .awaiting_hello_per_address_max = 2};
}

TEST(admission, derived_limits_follow_connections_max) {
    const admission_limits l = admission_limits::derived(1024, 0, 0, 0);
    EXPECT_EQ(l.per_address_max, 512u);
    EXPECT_EQ(l.awaiting_hello_max, 256u);
    EXPECT_EQ(l.awaiting_hello_per_address_max, 64u);
    EXPECT_EQ(admission_limits::derived(3, 0, 0, 0).per_address_max, 3u);
    EXPECT_EQ(admission_limits::derived(1024, 10, 0, 0).per_address_max, 10u);
}

TEST(admission, an_address_over_its_share_of_waiting_gives_way_to_itself) {
    admission door(small());
    door.opened(0, attacker);
    door.opened(1, attacker);
    const admission::decision d = door.consider(attacker);
    EXPECT_TRUE(d.admit);
    ASSERT_TRUE(d.evict.has_value());
    EXPECT_EQ(*d.evict, 0u);  // its oldest
    // Another address is not held up by it.
    const admission::decision other = door.consider(station);
    EXPECT_TRUE(other.admit);
    EXPECT_FALSE(other.evict.has_value());
}

TEST(admission, when_all_waiting_room_is_taken_the_oldest_waiting_makes_room) {
    admission door(small());
    door.opened(0, station);
    door.opened(1, attacker);
    door.opened(2, boost::asio::ip::make_address("10.0.0.8"));
    door.opened(3, boost::asio::ip::make_address("10.0.0.9"));
    EXPECT_EQ(door.awaiting_hello(), 4u);
    door.said_hello(0);  // the station is through: it is never evicted
    door.opened(4, boost::asio::ip::make_address("10.0.0.10"));
    const admission::decision d = door.consider(station);
    ASSERT_TRUE(d.evict.has_value());
    EXPECT_EQ(*d.evict, 1u);
    door.evicting(1);
    EXPECT_EQ(door.awaiting_hello(), 3u);
    door.opened(5, station);
    door.closed(1);
    EXPECT_EQ(door.from(attacker), 0u);
    EXPECT_EQ(door.from(station), 2u);
}

TEST(admission, an_address_at_its_share_is_refused_once_none_of_its_own_is_waiting) {
    admission door(small());
    for (std::uint32_t slot = 0; slot < 6; ++slot) {
        ASSERT_TRUE(door.consider(attacker).admit);
        if (const auto d = door.consider(attacker); d.evict) door.evicting(*d.evict);
        door.opened(slot, attacker);
        door.said_hello(slot);
    }
    EXPECT_FALSE(door.consider(attacker).admit);
    EXPECT_TRUE(door.consider(station).admit);
    door.closed(3);
    EXPECT_TRUE(door.consider(attacker).admit);
}

}  // namespace
}  // namespace stampd::net
