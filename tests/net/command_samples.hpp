// One engine command of every kind, with no field left at its default where the wire could lose
// it: the codec's round-trip test and the fuzzer's seed corpus start from these.
#pragma once

#include <vector>

#include "engine/command.hpp"

namespace stampd::net {

inline std::vector<command> one_of_each() {
    const std::vector<line_input> lines = {{7, region::qc, 120}, {8, region::mb, 1}};
    return {
        create_user{code{"alice"}, "Alice Tremblay", 0x42, 3, "0123456789abcdef-token"},
        create_consignee{code{"NORWOOD"}, "Norwood Vapes", province::nb},
        create_product{code{"NW-15"}, 2, "Mint 15 ml", 15'000},
        set_bundle_size{region::ab, 250},
        set_deposit_rate{region::mb, 17},
        create_shipment{code{"SH-2026-001"}, 9},
        start_receiving{11},
        receive_box{11, code{"BOX-000123"}, 4, 24, 2},
        finish_receiving{12},
        create_po{code{"PO-77"}, 5, 6, lines, true, "rush", 20'540, schedule_mode::auto_split},
        edit_po_lines{13, lines, true},
        start_run{14, true},
        confirm_box{15, 16, box_action::override_shortage},
        end_run{17},
        verify_po{18, {{0, 100}, {1, 5}}, true},
        amend_line{19, 1, 40, true},
        cancel_po{20, "customer changed its mind"},
        submit_stamp_order{region::on, 600, "Q1 order"},
        review_stamp_order{21, review_action::request_changes, "make it 700"},
        revise_stamp_order{22, 700, "revised"},
        mark_stamp_order_ordered{23},
        receive_stamps{24, 598},
        set_duty_rate{region::qc, 112},
        set_tax_rate{province::qc, tax_kind::qst, 9'975},
        set_capacity{weekday::saturday, 12'345},
        set_time_zone{time_zone{"America/Winnipeg", -360, true}},
        create_fee_preset{code{"LABEL"}, "Labelling", fee_kind::per_unit, 25},
        set_user_token{25, "another-token-0123456789"},
        schedule_po{26, 20'541, schedule_mode::override_capacity},
        add_invoice_fee{27, 3},
        remove_invoice_fee{28, 1},
        edit_invoice{29, "net 30", 20'600},
        advance_invoice{30, invoice_status::paid},
        create_credit_note{31, {{0, 5}, {1, 2}}, "damaged in transit"},
        submit_request{32, lines, 20'560},
        approve_request{33, true},
        reject_request{34, "no room that week"},
        set_user_password{35, "correct horse battery staple"},
        edit_consignee{36, "Norwood Vapes West", province::ab, "1 Main St\nCalgary AB",
                       "Dock 4\n2 Rail Rd\nCalgary AB", "123456789RT0001"},
        ship_outbound{37},
        set_warehouse_identity{{"Entrepôt Boréal Inc.", "12 rue du Port\nQuébec QC",
                                "123456789RT0001", "1234567890TQ0001", "VL-2026-0042"}},
        set_user_roles{38,
                       static_cast<role_set>(role_bit(role::finance) | role_bit(role::auditor))},
        receive_boxes{38, {{code{"BOX-000124"}, 4, 24, 2}, {code{"BOX-000125"}, 5, 65'535, 0}}},
        record_physical_count{region::qc, 20'543, 41'950, "Émilie Côté", "vault B"},
    };
}

}  // namespace stampd::net
