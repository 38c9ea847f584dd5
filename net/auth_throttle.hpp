// Failed Hellos, counted per remote address and per token prefix (the first
// token_prefix_size bytes, the part of a token the logs may show), so that guessing tokens gets
// slower and then stops, while a correct token from elsewhere is never slowed:
//  - up to free_failures in a window are answered at once;
//  - past that, each wrong token's answer waits first_delay, doubling up to delay_max;
//  - at lockout_failures from one address, that address is refused for `lockout` without its
//    token being checked — a correct token from there too, which is the point;
//  - at lockout_failures with one token prefix, wrong tokens with that prefix are answered with
//    the longest delay for `lockout`; a correct one (checked first) is let in at once.
// Wrong passwords count per address the same way, and per user key instead of per prefix: at
// lockout_failures for one user that user's logins are refused for `lockout` without their
// password being checked (a correct one too: the guesser cannot tell when it found it, and the
// password pool is spared the work).
// The tables hold at most keys_max addresses, prefixes and users each (the stalest make room).
// Threads: any (one mutex).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stampd::net {

inline constexpr std::size_t token_prefix_size = 4;

// What the throttle counts as one address: an IPv4 address (or an IPv4-mapped IPv6 one) itself;
// an IPv6 address by its /64 ("2001:db8:1:2::/64"), since one host is commonly given a whole /64
// and would otherwise have 2^64 fresh addresses to guess from.
std::string throttle_key(const boost::asio::ip::address& address);

// A token's first bytes as a log line or an answer may show them: printable ASCII as it is,
// anything else (a control character, a byte of a multi-byte sequence) as \xNN.
std::string printable_prefix(std::string_view prefix);

struct auth_throttle_limits {
    std::uint32_t free_failures = 5;
    std::uint32_t lockout_failures = 20;
    std::chrono::seconds window{60};
    std::chrono::seconds lockout{300};
    std::chrono::milliseconds first_delay{100};
    std::chrono::milliseconds delay_max{2000};  // under the 5 s a connection has for its Hello
    std::size_t keys_max = 65536;
};

class auth_throttle {
public:
    using clock = std::chrono::steady_clock;

    explicit auth_throttle(auth_throttle_limits limits) : _limits(limits) {}

    // Before a Hello from `address` is checked: 0 to go on, else how long the address stays
    // refused.
    std::chrono::seconds refused_for(const std::string& address, clock::time_point now);

    struct failure {
        std::chrono::milliseconds delay{0};  // hold the answer this long
        std::uint32_t from_address = 0;      // failures in the window, this one included
        std::uint32_t with_prefix = 0;
        bool address_locked = false;  // this failure locked the address out
        bool prefix_locked = false;   // the prefix is locked out
        bool user_locked = false;     // this failure locked the user out (failed_password)
    };
    // A wrong token from `address` starting with `prefix`.
    failure failed(const std::string& address, const std::string& prefix, clock::time_point now);

    // A wrong password for the user key `user` (with_prefix counts the user's failures).
    failure failed_password(const std::string& address, const std::string& user,
                            clock::time_point now);
    // Before a password is checked: 0 to go on, else how long the user stays refused.
    std::chrono::seconds user_refused_for(const std::string& user, clock::time_point now);

    const auth_throttle_limits& limits() const { return _limits; }
    std::size_t keys_held() {
        std::lock_guard lock(_mutex);
        return _addresses.size() + _prefixes.size() + _users.size();
    }

private:
    struct counter {
        std::uint32_t failures = 0;
        clock::time_point window_start{};
        clock::time_point locked_until{};
    };
    using table = std::unordered_map<std::string, counter>;
    counter& count(table& t, const std::string& key, clock::time_point now);
    bool count_failure(const std::string& address, table& second, const std::string& key,
                       clock::time_point now, failure& f);
    std::chrono::milliseconds delay_after(std::uint32_t failures) const;

    const auth_throttle_limits _limits;
    std::mutex _mutex;
    table _addresses, _prefixes, _users;
};

}  // namespace stampd::net
