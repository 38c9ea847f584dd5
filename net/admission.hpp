// Who may take one of the server's connection slots. Without a token anyone can open TCP
// connections, so a connection that has not yet sent its Hello holds a slot only on probation:
//  - at most `awaiting_hello_max` connections await their Hello at once, at most
//    `awaiting_hello_per_address_max` of them from one address; past either, the oldest waiting
//    one (of that address first) makes room for the newcomer — a client that says Hello at once
//    is never locked out by connections that never will;
//  - at most `per_address_max` connections of any kind come from one address;
//  - the slots above awaiting_hello_max are left to connections that have said Hello.
// Not thread-safe: the server calls it under its registry mutex.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <vector>

namespace stampd::net {

struct admission_limits {
    std::uint32_t connections_max = 1024;
    std::uint32_t per_address_max = 512;
    std::uint32_t awaiting_hello_max = 256;
    std::uint32_t awaiting_hello_per_address_max = 64;

    // The limits that follow from connections_max where the options leave them 0: half of it
    // from one address (all of it under 64), a quarter awaiting Hello, a quarter of those from
    // one address. 1,024 gives 512, 256 and 64.
    static admission_limits derived(std::uint32_t connections_max, std::uint32_t per_address_max,
                                    std::uint32_t awaiting_hello_max,
                                    std::uint32_t awaiting_hello_per_address_max);
};

class admission {
public:
    using address = boost::asio::ip::address;

    explicit admission(admission_limits limits);

    struct decision {
        bool admit = true;
        // A connection awaiting its Hello to close first, to make room (admit is true).
        std::optional<std::uint32_t> evict;
    };
    // May a connection from `from` be admitted? Changes nothing; see evicting() and opened().
    decision consider(const address& from) const;
    // The slot chosen by consider() is being closed: it awaits nothing from here on.
    void evicting(std::uint32_t slot);
    void opened(std::uint32_t slot, const address& from);
    void said_hello(std::uint32_t slot);
    void closed(std::uint32_t slot);

    const admission_limits& limits() const { return _limits; }
    std::uint32_t awaiting_hello() const { return static_cast<std::uint32_t>(_awaiting.size()); }
    std::uint32_t from(const address& a) const;

private:
    struct per_address {
        std::uint32_t open = 0;
        std::uint32_t awaiting = 0;
    };
    struct slot_state {
        bool open = false;
        bool awaiting = false;
        address from;
        std::list<std::uint32_t>::iterator in_awaiting;
    };
    void stop_awaiting(slot_state& s, std::uint32_t slot);

    admission_limits _limits;
    std::vector<slot_state> _slots;
    std::map<address, per_address> _addresses;  // only addresses with an open connection
    std::list<std::uint32_t> _awaiting;         // slots awaiting Hello, oldest first
};

}  // namespace stampd::net
