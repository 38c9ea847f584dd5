// See admission.hpp.
#include "net/admission.hpp"

#include <algorithm>
#include <cassert>

namespace stampd::net {

admission_limits admission_limits::derived(std::uint32_t connections_max,
                                           std::uint32_t per_address_max,
                                           std::uint32_t awaiting_hello_max,
                                           std::uint32_t awaiting_hello_per_address_max) {
    admission_limits l{.connections_max = connections_max};
    // A small table (tests, a lab) has no per-address share: one host may hold it all.
    l.per_address_max = per_address_max != 0    ? per_address_max
                        : connections_max >= 64 ? connections_max / 2
                                                : connections_max;
    l.awaiting_hello_max =
        awaiting_hello_max != 0 ? awaiting_hello_max : std::max(1u, connections_max / 4);
    l.awaiting_hello_per_address_max = awaiting_hello_per_address_max != 0
                                           ? awaiting_hello_per_address_max
                                           : std::max(1u, l.awaiting_hello_max / 4);
    l.per_address_max = std::min(l.per_address_max, connections_max);
    l.awaiting_hello_max = std::min(l.awaiting_hello_max, connections_max);
    l.awaiting_hello_per_address_max =
        std::min(l.awaiting_hello_per_address_max, l.awaiting_hello_max);
    return l;
}

admission::admission(admission_limits limits) : _limits(limits), _slots(limits.connections_max) {}

std::uint32_t admission::from(const address& a) const {
    const auto it = _addresses.find(a);
    return it == _addresses.end() ? 0 : it->second.open;
}

admission::decision admission::consider(const address& from) const {
    const auto it = _addresses.find(from);
    const per_address counts = it == _addresses.end() ? per_address{} : it->second;
    if (counts.open >= _limits.per_address_max) {
        // Its own connections awaiting Hello give way before the address is refused.
        if (counts.awaiting == 0) return decision{.admit = false};
    } else if (counts.awaiting < _limits.awaiting_hello_per_address_max &&
               _awaiting.size() < _limits.awaiting_hello_max) {
        return decision{};
    }
    // Room is made by the oldest connection awaiting Hello: of this address if it is over its
    // share (or over per_address_max), else the oldest of all.
    const bool own = counts.open >= _limits.per_address_max ||
                     counts.awaiting >= _limits.awaiting_hello_per_address_max;
    for (const std::uint32_t slot : _awaiting) {
        if (!own || _slots[slot].from == from) return decision{.evict = slot};
    }
    assert(!own);  // counts.awaiting > 0 names one in _awaiting
    return decision{.admit = false};
}

void admission::stop_awaiting(slot_state& s, std::uint32_t slot) {
    if (!s.awaiting) return;
    assert(*s.in_awaiting == slot);
    (void)slot;
    _awaiting.erase(s.in_awaiting);
    s.awaiting = false;
    per_address& counts = _addresses.at(s.from);
    assert(counts.awaiting > 0);
    --counts.awaiting;
}

void admission::evicting(std::uint32_t slot) {
    assert(slot < _slots.size() && _slots[slot].open);
    stop_awaiting(_slots[slot], slot);
}

void admission::opened(std::uint32_t slot, const address& from) {
    assert(slot < _slots.size() && !_slots[slot].open);
    slot_state& s = _slots[slot];
    s.open = true;
    s.awaiting = true;
    s.from = from;
    s.in_awaiting = _awaiting.insert(_awaiting.end(), slot);
    per_address& counts = _addresses[from];
    ++counts.open;
    ++counts.awaiting;
    assert(_awaiting.size() <= _slots.size());
}

void admission::said_hello(std::uint32_t slot) {
    assert(slot < _slots.size() && _slots[slot].open);
    stop_awaiting(_slots[slot], slot);
}

void admission::closed(std::uint32_t slot) {
    assert(slot < _slots.size() && _slots[slot].open);
    slot_state& s = _slots[slot];
    stop_awaiting(s, slot);
    s.open = false;
    const auto it = _addresses.find(s.from);
    assert(it != _addresses.end() && it->second.open > 0);
    if (--it->second.open == 0) _addresses.erase(it);
}

}  // namespace stampd::net
