// Subscriptions and the matching of durable records to subscribers (subscriptions.hpp).
#include "net/subscriptions.hpp"

#include "net/protocol/frame_format.hpp"

#include <algorithm>
#include <cassert>
#include <variant>

namespace stampd::net {

event_scope scope_of(const event& e) {
    return std::visit(
        [](const auto& ev) {
            using E = std::decay_t<decltype(ev)>;
            event_scope s;
            if constexpr (std::is_same_v<E, po_created>) {
                s.po = ev.id;
            } else if constexpr (requires { ev.po; }) {
                s.po = ev.po;
            }
            if constexpr (std::is_same_v<E, po_split>) s.po = s.split_parent = ev.parent;
            if constexpr (std::is_same_v<E, parent_closed>) s.po = ev.parent;
            if constexpr (requires { ev.consignee; }) s.consignee = ev.consignee;
            return s;
        },
        e);
}

void subscriptions::add(subscriber who, po_id po, consignee_id consignee,
                        std::vector<po_id> consignee_pos, std::uint64_t from_lsn) {
    assert((po == id_none) != (consignee == id_none));  // one PO or one consignee (session.cpp)
    std::lock_guard lock(_mutex);
    assert(_entries.size() < std::size_t{connections_max} * subscriptions_per_connection_max);
    entry& e = _entries.emplace_back(entry{.who = who, .po = po, .consignee = consignee});
    e.pos.insert(consignee_pos.begin(), consignee_pos.end());
    e.from_lsn = from_lsn;
    _count.store(_entries.size(), std::memory_order_release);
}

void subscriptions::remove(subscriber who, po_id po, consignee_id consignee) {
    std::lock_guard lock(_mutex);
    std::erase_if(_entries, [&](const entry& e) {
        return e.who == who && e.po == po && e.consignee == consignee;
    });
    _count.store(_entries.size(), std::memory_order_release);
}

void subscriptions::remove_all(subscriber who) {
    std::lock_guard lock(_mutex);
    std::erase_if(_entries, [&](const entry& e) { return e.who == who; });
    _count.store(_entries.size(), std::memory_order_release);
}

void subscriptions::match(std::uint64_t lsn, std::span<const event> events,
                          const std::function<void(subscriber)>& deliver) {
    std::lock_guard lock(_mutex);
    for (entry& e : _entries) {
        if (lsn <= e.from_lsn) continue;
        bool concerned = false;
        for (const event& ev : events) {
            const event_scope scope = scope_of(ev);
            if (e.po != id_none) {
                concerned = concerned || scope.po == e.po;
                continue;
            }
            // A consignee subscription: the consignee's own events, and those of its POs.
            if (scope.consignee == e.consignee && scope.po != id_none) e.pos.insert(scope.po);
            if (const auto* split = std::get_if<po_split>(&ev);
                split && e.pos.contains(split->parent)) {
                for (const segment_plan& seg : split->segments)
                    e.pos.insert(seg.id);
            }
            concerned = concerned || scope.consignee == e.consignee ||
                        (scope.po != id_none && e.pos.contains(scope.po));
        }
        if (concerned) deliver(e.who);
    }
}

}  // namespace stampd::net
