// See work.hpp.
#include "clients/scan/work.hpp"

#include <algorithm>
#include <map>

#include "net/protocol/frame_format.hpp"

namespace stampd::scan {

namespace {

// GetRunQueue pages in flight at once, over all POs.
constexpr std::size_t pages_in_flight_max = 64;

bool unexpected(const client::response& r, const char* what, std::string& error) {
    const proto::Outcome* o = r.outcome();
    error = std::string{what} + ": " + (o ? client::describe(*o) : std::string{"unexpected reply"});
    return false;
}

}  // namespace

bool list_pos(client::connection& c, int status, std::vector<std::uint32_t>& out,
              std::string& error) {
    std::uint32_t after = 0;
    client::response r;
    for (;;) {
        if (!c.call(
                proto::Body::ListPos,
                [&](flatbuffers::FlatBufferBuilder& b) {
                    return proto::CreateListPos(b, 0, static_cast<std::int16_t>(status), after)
                        .Union();
                },
                r, error)) {
            return false;
        }
        const proto::PoList* list = r.get()->reply_as_PoList();
        if (list == nullptr) return unexpected(r, "ListPos", error);
        if (list->pos() != nullptr) {
            for (const proto::PoSummary* po : *list->pos()) {
                out.push_back(po->id());
                after = po->id();
            }
        }
        if (!list->more()) return true;
    }
}

bool read_queues(client::connection& c, const std::vector<std::uint32_t>& pos,
                 std::vector<queue_box>& out, std::string& error) {
    // Each PO's pages come back in order; POs are read side by side, one page each in flight.
    std::map<std::uint64_t, std::pair<std::size_t, std::uint32_t>> asked;  // id → (po index, after)
    std::vector<std::vector<queue_box>> per_po(pos.size());
    std::size_t next_po = 0;
    auto ask = [&](std::size_t i, std::uint32_t after) {
        const std::uint64_t id = c.send(proto::Body::GetRunQueue, [&](auto& b) {
            return proto::CreateGetRunQueue(b, pos[i], after).Union();
        });
        asked.emplace(id, std::make_pair(i, after));
    };
    client::response r;
    while (next_po < pos.size() || !asked.empty()) {
        while (next_po < pos.size() && asked.size() < pages_in_flight_max)
            ask(next_po++, 0);
        if (!c.flush(error) || !c.receive(r, error)) return false;
        const auto it = asked.find(r.id());
        if (it == asked.end()) continue;  // a push
        const auto [i, after] = it->second;
        asked.erase(it);
        const proto::RunQueue* q = r.get()->reply_as_RunQueue();
        if (q == nullptr) return unexpected(r, "GetRunQueue", error);
        std::vector<queue_box>& rows = per_po[i];
        const std::uint32_t items = q->items() ? q->items()->size() : 0;
        for (std::uint32_t k = 0; k < items; ++k) {
            const proto::QueueItem* item = q->items()->Get(k);
            // A box split between lines has one entry per line, side by side.
            if (!rows.empty() && rows.back().box == item->box()) {
                rows.back().units += item->units();
                continue;
            }
            rows.push_back({pos[i], item->box(), item->units(), item->state()});
        }
        if (q->more()) ask(i, after + items);
    }
    for (const auto& rows : per_po)
        out.insert(out.end(), rows.begin(), rows.end());
    return true;
}

bool discover_work(client::connection& c, std::vector<box_ref>& out, std::string& error) {
    std::vector<std::uint32_t> pos;
    if (!list_pos(c, static_cast<int>(fb::PoStatus::InProduction), pos, error)) return false;
    std::vector<queue_box> boxes;
    if (!read_queues(c, pos, boxes, error)) return false;
    out.reserve(out.size() + boxes.size());
    for (const queue_box& b : boxes) {
        if (b.state == fb::BoxState::Pending) out.push_back({b.po, b.box});
    }
    return true;
}

}  // namespace stampd::scan
