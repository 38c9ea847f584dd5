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

void subscriptions::open(subscriber who) {
    std::lock_guard lock(_mutex);
    _open[who.slot] = who.generation;
}

add_result subscriptions::admits_locked(subscriber who) const {
    if (const auto it = _open.find(who.slot); it == _open.end() || it->second != who.generation)
        return add_result::closed;
    if (std::ranges::count_if(_entries, [&](const entry& e) { return e.who == who; }) >=
        subscriptions_per_connection_max) {
        return add_result::limit;
    }
    return add_result::added;
}

add_result subscriptions::admits(subscriber who) {
    std::lock_guard lock(_mutex);
    return admits_locked(who);
}

add_result subscriptions::add(subscriber who, const viewer& as, subscription_start start,
                              std::uint64_t from_lsn) {
    // One PO or one consignee (session.cpp).
    assert((start.po == id_none) != (start.consignee == id_none));
    std::lock_guard lock(_mutex);
    for (entry& e : _entries) {
        if (e.who == who && e.po == start.po && e.consignee == start.consignee) {
            e.changes_only = start.changes_only;  // already: every record after it is matched
            return add_result::added;
        }
    }
    if (const add_result admitted = admits_locked(who); admitted != add_result::added)
        return admitted;
    assert(_entries.size() < std::size_t{connections_max} * subscriptions_per_connection_max);
    entry& e = _entries.emplace_back(
        entry{.who = who, .as = as, .po = start.po, .consignee = start.consignee});
    e.pos.insert(start.pos.begin(), start.pos.end());
    e.invoices.insert(start.invoices.begin(), start.invoices.end());
    e.requests.insert(start.requests.begin(), start.requests.end());
    e.from_lsn = from_lsn;
    e.changes_only = start.changes_only;
    _count.store(_entries.size(), std::memory_order_release);
    return add_result::added;
}

bool subscriptions::remove(subscriber who, po_id po, consignee_id consignee) {
    std::lock_guard lock(_mutex);
    const std::size_t removed = std::erase_if(_entries, [&](const entry& e) {
        return e.who == who && e.po == po && e.consignee == consignee;
    });
    _count.store(_entries.size(), std::memory_order_release);
    return removed > 0;
}

void subscriptions::close(subscriber who) {
    std::lock_guard lock(_mutex);
    std::erase_if(_entries, [&](const entry& e) { return e.who == who; });
    if (const auto it = _open.find(who.slot); it != _open.end() && it->second == who.generation)
        _open.erase(it);
    _count.store(_entries.size(), std::memory_order_release);
}

bool subscriptions::any(subscriber who) {
    std::lock_guard lock(_mutex);
    return std::ranges::any_of(_entries, [&](const entry& e) { return e.who == who; });
}

namespace {

// Whether an event concerns a PO subscription only through the PO it names (scope_of): it names
// no invoice or request, and starts none (concerned_by's sets stay as they are).
bool names_po_only(const event& ev) {
    return std::visit(
        [](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            constexpr bool names_invoice = requires {
                e.invoice;
            };
            constexpr bool names_request = requires {
                e.request;
            };
            constexpr bool starts_one =
                std::is_same_v<E, invoice_drafted> || std::is_same_v<E, request_submitted>;
            return !names_invoice && !names_request && !starts_one;
        },
        ev);
}

}  // namespace

bool subscriptions::entry::concerned_by(const event& ev, const event_scope& scope) {
    if (consignee != id_none) {
        // A consignee subscription: the consignee's own events, and those of its POs.
        if (scope.consignee == consignee && scope.po != id_none) pos.insert(scope.po);
        if (const auto* split = std::get_if<po_split>(&ev); split && pos.contains(split->parent)) {
            for (const segment_plan& seg : split->segments)
                pos.insert(seg.id);
        }
    }
    const bool mine = (consignee != id_none && scope.consignee == consignee) || covers_po(scope.po);
    // Invoices and requests are named by their own id after their first event.
    if (const auto* drafted = std::get_if<invoice_drafted>(&ev); drafted && mine) {
        invoices.insert(drafted->id);
    } else if (const auto* submitted = std::get_if<request_submitted>(&ev); submitted && mine) {
        requests.insert(submitted->id);
    }
    return std::visit(
        [&](const auto& e) {
            if constexpr (requires { e.invoice; }) return mine || invoices.contains(e.invoice);
            if constexpr (requires { e.request; }) return mine || requests.contains(e.request);
            return mine;
        },
        ev);
}

void subscriptions::match(std::uint64_t lsn, std::span<const event> events,
                          const std::function<void(subscriber, const viewer&)>& deliver,
                          const changed_fn& changed) {
    std::lock_guard lock(_mutex);
    _scopes.clear();
    // A record whose events name no invoice or request and split no PO (a box's confirmation,
    // the bulk of the line's log) concerns a PO subscription only through the POs it names, and
    // teaches it nothing: such entries are passed over with a comparison, not a visit per event.
    bool by_po_only = true;
    for (const event& ev : events) {
        _scopes.push_back(scope_of(ev));
        by_po_only = by_po_only && _scopes.back().split_parent == id_none && names_po_only(ev);
    }
    for (entry& e : _entries) {
        if (lsn <= e.from_lsn) continue;
        if (by_po_only && e.consignee == id_none &&
            std::ranges::none_of(_scopes, [&e](const event_scope& s) { return e.covers_po(s.po); }))
            continue;
        bool concerned = false;
        bool own = false;
        _changed.clear();
        for (std::size_t i = 0; i < events.size(); ++i) {
            // Every event, whatever the answer: the entry's sets learn.
            if (!e.concerned_by(events[i], _scopes[i])) continue;
            if (!e.changes_only) {
                concerned = true;
                continue;
            }
            // What the subscriber may not see does not tell it that something changed either.
            if (e.as.restricted && !visible_event(e.as, events[i])) continue;
            concerned = true;
            own = own || e.consignee != id_none;
            const po_id p = e.covers_po(_scopes[i].po) ? _scopes[i].po : e.po;
            if (p != id_none && std::ranges::find(_changed, p) == _changed.end())
                _changed.push_back(p);
        }
        if (!concerned) continue;
        if (e.changes_only) {
            changed(e.who, _changed, own ? e.consignee : id_none);
        } else {
            deliver(e.who, e.as);
        }
    }
}

}  // namespace stampd::net
