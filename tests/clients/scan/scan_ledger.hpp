// Reading back what stamp-scan did, over the protocol: every PO's queue, the boxes confirmed, and
// the Federal ledger's figures. Used by the smoke and crash tests. Blocking; one thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "clients/lib/client.hpp"
#include "clients/scan/work.hpp"
#include "tests/support/processes.hpp"

namespace stampd::scan_test {
using namespace stampd::processes;

struct warehouse_view {
    std::vector<scan::queue_box> boxes;  // every queue entry of every PO
    std::uint64_t confirmed_boxes = 0;
    std::uint64_t confirmed_units = 0;
    std::uint64_t po_boxes_confirmed = 0;  // Σ GetPo boxes_confirmed
    std::int64_t fed_received = 0, fed_used = 0, fed_refunded = 0, fed_balance = 0;
};

inline ::testing::AssertionResult read_warehouse(const std::string& server, warehouse_view& v) {
    client::connection c;
    std::string error;
    if (!c.open(client::options{.server = server, .token = admin_token}, error))
        return ::testing::AssertionFailure() << "open: " << error;
    std::vector<std::uint32_t> pos;
    if (!scan::list_pos(c, -1, pos, error) || !scan::read_queues(c, pos, v.boxes, error))
        return ::testing::AssertionFailure() << "queues: " << error;
    for (const scan::queue_box& b : v.boxes) {
        if (b.state != fb::BoxState::Confirmed) continue;
        ++v.confirmed_boxes;
        v.confirmed_units += b.units;
    }
    client::response r;
    for (const std::uint32_t po : pos) {
        if (!c.call(
                proto::Body::GetPo,
                [&](flatbuffers::FlatBufferBuilder& b) {
                    return proto::CreateGetPo(b, po).Union();
                },
                r, error))
            return ::testing::AssertionFailure() << "GetPo: " << error;
        const proto::PoView* view = r.get()->reply_as_PoView();
        if (view == nullptr) return ::testing::AssertionFailure() << "GetPo " << po;
        v.po_boxes_confirmed += view->boxes_confirmed();
    }
    if (!c.call(
            proto::Body::GetLedgerFigures,
            [](flatbuffers::FlatBufferBuilder& b) {
                return proto::CreateGetLedgerFigures(b, fb::Region::FED, 0,
                                                     std::numeric_limits<std::int64_t>::max())
                    .Union();
            },
            r, error))
        return ::testing::AssertionFailure() << "GetLedgerFigures: " << error;
    const proto::LedgerFigures* f = r.get()->reply_as_LedgerFigures();
    if (f == nullptr) return ::testing::AssertionFailure() << "no LedgerFigures";
    v.fed_received = f->received();
    v.fed_used = f->used();
    v.fed_refunded = f->refunded();
    if (!c.call(
            proto::Body::GetBalances,
            [](flatbuffers::FlatBufferBuilder& b) { return proto::CreateGetBalances(b).Union(); },
            r, error))
        return ::testing::AssertionFailure() << "GetBalances: " << error;
    const proto::Balances* balances = r.get()->reply_as_Balances();
    if (balances == nullptr || balances->regions() == nullptr)
        return ::testing::AssertionFailure() << "no Balances";
    for (const proto::RegionBalance* b : *balances->regions()) {
        if (b->region() == fb::Region::FED) v.fed_balance = b->balance();
    }
    return ::testing::AssertionSuccess();
}

// One line of stamp-scan's --acked file: a confirm acknowledged, with the LSN it was applied at.
struct acked_line {
    std::uint32_t po, box;
    std::uint64_t lsn;
};

inline std::vector<acked_line> read_acked(const std::string& path) {
    std::vector<acked_line> out;
    std::ifstream in(path);
    acked_line a{};
    while (in >> a.po >> a.box >> a.lsn)
        out.push_back(a);
    return out;
}

}  // namespace stampd::scan_test
