// See workload.hpp.
#include "bench/workload.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace stampd::bench {

std::string workload::barcode(u32 i) {
    char text[16];
    std::snprintf(text, sizeof text, "BX%08u", i);
    return text;
}

void workload::must(user_id who, const command& c) {
    const rejection r = run(who, c);
    if (!r.ok()) {
        std::fprintf(stderr, "workload: %.*s refused: %s\n", int(command_name(c).size()),
                     command_name(c).data(), describe(r).c_str());
        std::abort();
    }
}

void workload::setup(u32 boxes, u32 boxes_per_po, bool start_runs,
                     const std::function<void(const step&)>& send) {
    send({id_none,
          create_user{.key = code{"admin"}, .name = "admin", .roles = role_bit(role::admin)}});
    send({1, create_user{.key = code{"sup"}, .name = "sup", .roles = role_bit(role::supervisor)}});
    send({1, create_user{
                 .key = code{"stamper"}, .name = "stamper", .roles = role_bit(role::stamper)}});
    send({1, create_user{.key = code{"fin"}, .name = "fin", .roles = role_bit(role::finance)}});
    send({1, create_consignee{
                 .key = code{"NORWOOD"}, .name = "Norwood", .primary_province = province::on}});
    send({1, create_product{
                 .sku = code{"VAPE-15"}, .consignee = 1, .name = "Vape", .volume_ul = 15'000}});
    send({2, create_shipment{.key = code{"SH-1"}, .consignee = 1}});
    send({2, start_receiving{.shipment = 1}});
    for (u32 i = 0; i < boxes; ++i) {
        send({2, receive_box{.shipment = 1,
                             .barcode = code{barcode(i)},
                             .product = 1,
                             .units = units_per_box}});
    }
    send({2, finish_receiving{.shipment = 1}});
    if (!start_runs) return;
    // Enough Federal stamps for every box: orders of at most 2^31 stamps each.
    u64 needed = u64{boxes} * units_per_box;
    for (stamp_order_id order = 1; needed > 0; ++order) {
        const u32 bundles = static_cast<u32>(std::min<u64>(40'000'000 / 50, needed / 50 + 500));
        send({4, submit_stamp_order{.stamp_region = region::fed, .bundles = bundles}});
        send({1, review_stamp_order{.order = order}});
        send({4, mark_stamp_order_ordered{.order = order}});
        send({2, receive_stamps{.order = order, .actual_bundles = bundles}});
        needed -= std::min<u64>(needed, u64{bundles} * 50);
    }
    po_id po = 0;
    for (u32 first = 0; first < boxes; first += boxes_per_po) {
        const u32 count = std::min(boxes_per_po, boxes - first);
        send({2, create_po{.consignee = 1,
                           .shipment = 1,
                           .lines = {{1, region::fed, count * units_per_box}}}});
        send({stamper_id, start_run{.po = ++po}});
    }
}

workload::workload(u32 boxes, u32 boxes_per_po, bool start_runs) {
    setup(boxes, boxes_per_po, start_runs, [this](const step& st) { must(st.user, st.cmd); });
    stamper = stamper_id;
    for (po_id po = 1; po <= s.production_orders.size(); ++po)
        pos.push_back(po);
}

}  // namespace stampd::bench
