// See stamp_order_history.hpp.
#include "clients/web/stamp_order_history.hpp"

#include <variant>

#include "clients/report/report_source.hpp"
#include "engine/engine.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/payload.hpp"

namespace stampd::web {
namespace {

const char* review_words(review_action a) {
    switch (a) {
        case review_action::approve:
            return "approved";
        case review_action::reject:
            return "rejected";
        case review_action::request_changes:
            return "changes_requested";
    }
    return "reviewed";
}

// The step an event is, if it is one of a stamp order's: its order, else id_none.
stamp_order_id step_of(const event& e, stamp_order_step& out) {
    if (const auto* s = std::get_if<stamp_order_submitted>(&e)) {
        out.what = "submitted";
        out.bundles = s->bundles;
        out.note = s->notes;
        return s->id;
    }
    if (const auto* r = std::get_if<stamp_order_reviewed>(&e)) {
        out.what = review_words(r->action);
        out.note = r->note;
        return r->order;
    }
    if (const auto* r = std::get_if<stamp_order_revised>(&e)) {
        out.what = "revised";
        out.bundles = r->bundles;
        out.note = r->notes;
        return r->order;
    }
    if (const auto* o = std::get_if<stamp_order_ordered>(&e)) {
        out.what = "ordered";
        return o->order;
    }
    if (const auto* r = std::get_if<stamps_received>(&e)) {
        out.what = "received";
        out.bundles = r->actual_bundles;
        return r->order;
    }
    return id_none;
}

}  // namespace

wal::status stamp_order_history::catch_up(const wal::data_dir& dir) {
    event_list events;
    // Bounded: each pass reads at most a chunk, and stops at the log's end.
    for (;;) {
        wal::log_reader reader(dir.log(), _lsn + 1, _chain);
        wal::record_view record;
        std::uint64_t read = 0;
        while (read < report::replay_chunk_records) {
            const wal::record_status found = reader.next(record);
            if (found == wal::record_status::end) return {};
            if (found != wal::record_status::ok) {
                if (!reader.storage().ok()) return reader.storage();
                return wal::corrupted("the log at LSN " + std::to_string(_lsn + 1) + ": " +
                                      std::string{wal::to_string(found)});
            }
            const wal::record_header& h = record.header;
            if (h.event_count == 0 || !wal::decode_payload(record.payload, h.event_count, events)) {
                return wal::corrupted("the log at LSN " + std::to_string(h.lsn) +
                                      ": a payload that does not decode");
            }
            for (const event& e : events) {
                stamp_order_step step{.lsn = h.lsn, .time_us = h.time_us, .user = h.user};
                if (const stamp_order_id id = step_of(e, step); id != id_none)
                    _steps[id].push_back(std::move(step));
            }
            _lsn = h.lsn;
            _chain = reader.chain();
            ++read;
        }
    }
}

const std::vector<stamp_order_step>& stamp_order_history::steps(stamp_order_id id) const {
    static const std::vector<stamp_order_step> none;
    const auto it = _steps.find(id);
    return it == _steps.end() ? none : it->second;
}

}  // namespace stampd::web
