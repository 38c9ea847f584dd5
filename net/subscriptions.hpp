// Who is subscribed to what, and which durable records reach whom. Registered on the writer
// thread (inside the Subscribe read, so no record after the reply's LSN can be missed), matched on
// the committer thread, removed on I/O threads: one mutex, held briefly, and nothing is decoded
// while nobody is subscribed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <unordered_set>
#include <vector>

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

class subscriptions {
public:
    // A consignee subscription starts with that consignee's POs (segments join as they appear).
    void add(subscriber who, po_id po, consignee_id consignee, std::vector<po_id> consignee_pos,
             std::uint64_t from_lsn);
    void remove(subscriber who, po_id po, consignee_id consignee);
    void remove_all(subscriber who);
    bool empty() const { return _count.load(std::memory_order_acquire) == 0; }

    // Calls `deliver` once per subscriber the record's events concern (committer thread).
    void match(std::uint64_t lsn, std::span<const event> events,
               const std::function<void(subscriber)>& deliver);

private:
    struct entry {
        subscriber who;
        po_id po = id_none;
        consignee_id consignee = id_none;
        std::unordered_set<po_id> pos;  // a consignee subscription's POs
        std::uint64_t from_lsn = 0;     // records at or below are already in the reply
    };
    std::mutex _mutex;
    std::vector<entry> _entries;
    std::atomic<std::size_t> _count{0};
};

}  // namespace stampd::net
