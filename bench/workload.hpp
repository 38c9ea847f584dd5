// A warehouse ready for a stamp run of `boxes` boxes: staff, one consignee and product, one
// inventoried shipment, stamps received, and one PO per `boxes_per_po` boxes with its run started.
// Shared by the engine benchmarks; built through execute() exactly as live traffic would.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/queries.hpp"

namespace stampd::bench {

class workload {
public:
    static constexpr u32 units_per_box = 10;

    state s;
    std::vector<po_id> pos;
    user_id stamper = 0;
    u64 lsn = 0;
    i64 now_us = 1'767'225'600'000'000;

    // Receives the boxes only (no POs, no runs) when start_runs is false.
    explicit workload(u32 boxes, u32 boxes_per_po = 100'000, bool start_runs = true);

    rejection run(user_id who, const command& c) {
        const context ctx{.lsn = ++lsn, .time_us = ++now_us, .user = who, .station = 1};
        return execute(s, c, ctx, _events);
    }
    context next_context(user_id who) {
        return context{.lsn = ++lsn, .time_us = ++now_us, .user = who, .station = 1};
    }

    static std::string barcode(u32 i);

    // The commands that build the warehouse, in order, with who sends each: the same set-up can
    // go through execute() in memory or through the runtime. Runs are started when
    // start_runs is set; their POs are ids 1..ceil(boxes / boxes_per_po).
    struct step {
        user_id user;
        command cmd;
    };
    static void setup(u32 boxes, u32 boxes_per_po, bool start_runs,
                      const std::function<void(const step&)>& send);
    static constexpr user_id stamper_id = 3;

private:
    void must(user_id who, const command& c);
    event_list _events;
};

}  // namespace stampd::bench
