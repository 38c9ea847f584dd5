// Who is subscribed to what, and which durable records reach whom — and as whom: each
// subscription keeps its user's viewer (engine/access.hpp), and the server pushes each
// subscriber only what visible_event lets that viewer see. Added and removed on the writer
// thread (inside the Subscribe and Unsubscribe reads, so no record after the reply's LSN can be
// missed and a pipelined Unsubscribe follows its Subscribe), matched on the committer thread,
// opened and closed with their connection on I/O threads: one mutex, held briefly, and nothing
// is decoded while nobody is subscribed. A subscriber's entries live between its open() and its
// close(): an add() for a connection already closed (its Subscribe was still on its way to the
// writer) is refused, so no entry outlives its connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/access.hpp"
#include "engine/event.hpp"

namespace stampd::net {

// The PO and the consignee an event concerns (id_none where it has none).
struct event_scope {
    po_id po = id_none;
    consignee_id consignee = id_none;
    po_id split_parent = id_none;  // po_split: the parent whose segments join its subscribers
};
event_scope scope_of(const event& e);

struct subscriber {
    std::uint32_t slot = 0;
    std::uint16_t generation = 0;
    bool operator==(const subscriber&) const = default;
};

// What a subscription covers when it starts (read from the state on the writer thread): one PO,
// or one consignee with its POs; and the invoices and requests of those, which events after
// their creation name only by their own id. Later ones join as their events go by.
struct subscription_start {
    po_id po = id_none;
    consignee_id consignee = id_none;
    std::vector<po_id> pos;  // a consignee subscription's POs
    std::vector<invoice_id> invoices;
    std::vector<request_id> requests;
    bool changes_only = false;  // Subscribe.changes_only: what changed, not the records
};

enum class add_result : std::uint8_t {
    added,
    closed,  // the connection closed before its Subscribe reached the writer
    limit,   // it has subscriptions_per_connection_max already
};

class subscriptions {
public:
    // A connection that may subscribe, from its start (I/O thread).
    void open(subscriber who);
    // Whether add() would take another subscription of `who` (added) — a cheap check before
    // the writer scans the state for it.
    add_result admits(subscriber who);
    // The same subscription twice is one: the second changes only its mode (changes_only).
    add_result add(subscriber who, const viewer& as, subscription_start start,
                   std::uint64_t from_lsn);
    // Whether there was such a subscription.
    bool remove(subscriber who, po_id po, consignee_id consignee);
    // Its subscriptions end with the connection; later add()s for it are refused.
    void close(subscriber who);
    bool any(subscriber who);
    bool empty() const { return _count.load(std::memory_order_acquire) == 0; }
    std::size_t count() const { return _count.load(std::memory_order_acquire); }

    // Calls `deliver` once per record-following subscription the record's events concern,
    // with the viewer it subscribed as, and `changed` once per changes_only one, with the POs
    // and the consignee (id_none: none) it covers that the events it may see concern (committer
    // thread).
    using changed_fn = std::function<void(subscriber, std::span<const po_id>, consignee_id)>;
    void match(std::uint64_t lsn, std::span<const event> events,
               const std::function<void(subscriber, const viewer&)>& deliver,
               const changed_fn& changed);

private:
    struct entry {
        subscriber who;
        viewer as;
        po_id po = id_none;
        consignee_id consignee = id_none;
        std::unordered_set<po_id> pos;  // a consignee subscription's POs
        std::unordered_set<invoice_id> invoices;
        std::unordered_set<request_id> requests;
        std::uint64_t from_lsn = 0;  // records at or below are already in the reply
        bool changes_only = false;

        bool covers_po(po_id p) const {
            return p != id_none && (p == po || (!pos.empty() && pos.contains(p)));
        }
        bool concerned_by(const event& e, const event_scope& scope);
    };
    std::vector<event_scope> _scopes;  // match's: the record's events' scopes
    std::vector<po_id> _changed;       // match's: a changes_only entry's POs
    std::mutex _mutex;
    std::vector<entry> _entries;
    std::unordered_map<std::uint32_t, std::uint16_t> _open;  // slot → generation
    add_result admits_locked(subscriber who) const;
    std::atomic<std::size_t> _count{0};
};

}  // namespace stampd::net
