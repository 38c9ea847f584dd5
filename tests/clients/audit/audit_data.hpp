// The data directory the stamp-audit tests audit: built through wal::runtime (real LMDB
// files, real snapshots) with a realistic run — staff, a shipment of boxes, two stamp orders
// received, a PO stamped and verified with a refund, a PO cancelled after a box, a PO whose run
// holds a reservation — and the figures that run must show, computed by hand. Plus the tools to
// damage a copy of it: raw LMDB read-write transactions on the copy's files. Test code; one thread.
#pragma once

#include <gtest/gtest.h>
#include <lmdb.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/raw_env.hpp"
#include "tests/support/runtime_harness.hpp"
#include "tests/support/temp_dir.hpp"
#include "wal/storage/record.hpp"

namespace stampd::testing {

// A seal key file as an operator would make it: 40 bytes on its first line, owner-only.
inline std::string write_seal_key(const std::string& file, char fill = 'k') {
    const std::string key(40, fill);
    { std::ofstream(file, std::ios::trunc) << key << "\n"; }
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return key;
}

// A data directory stampd sealed under `key` every 10 records: the bootstrap and 50 stamp orders,
// then a stop. Seals at LSN 10, 20, 30, 40, 50 and at the stop's snapshot, 52.
inline void write_sealed_run(const std::string& data, const std::string& key) {
    runtime_harness h;
    wal::runtime_options sealed;
    sealed.seal_key = key;
    sealed.seal_every_records = 10;
    ASSERT_TRUE(h.open(data, sealed).ok()) << h.error;
    bootstrap(h);
    for (std::uint64_t r = 1; r <= 50; ++r)
        h.run(workload_finance, tagged_order(4, r));
    h.runtime->stop();
}

// What the run below leaves, per region (SPEC §8), and who is who.
struct expected_region {
    region stamp_region;
    i64 balance, received, used, refunded, reserved;
    u64 entries;
};
inline constexpr expected_region expected_fed{region::fed, 24'810, 25'000, 200, 10, 100, 4};
inline constexpr expected_region expected_on{region::on, 25'500, 25'500, 100, 100, 0, 3};
inline constexpr user_id admin2_id = 3, supervisor_id = 4, stamper_id = 5, verifier_id = 6;
inline constexpr u64 audit_client = 77;

class audit_run {
public:
    explicit audit_run(runtime_harness& h) : _h(h) {}

    void must(user_id who, const command& c) {
        const outcome o = _h.run(who, c, audit_client, ++_request);
        ASSERT_TRUE(o.verdict.ok()) << command_name(c) << ": " << describe(o.verdict);
        keep_snapshots_in_step();
    }

    // The snapshotter runs on its own thread and may fall behind a run this short (it takes the
    // newest state when it wakes): wait for it whenever snapshot_every_records have passed, so
    // that the directory holds as many snapshots however loaded the machine is.
    void keep_snapshots_in_step() {
        const wal::runtime_stats now = _h.runtime->stats();
        if (now.durable_lsn - now.snapshot_lsn < snapshot_every_records) return;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (_h.runtime->stats().snapshots == now.snapshots &&
               std::chrono::steady_clock::now() < give_up) {
            std::this_thread::yield();
        }
        ASSERT_GT(_h.runtime->stats().snapshots, now.snapshots) << "no snapshot in 30 s";
    }
    static constexpr u64 snapshot_every_records = 8;

    void build() {
        bootstrap(_h);
        must(workload_admin,
             create_user{
                 .key = code{"admin2"}, .name = "Second Admin", .roles = role_bit(role::admin)});
        must(workload_admin, create_user{.key = code{"sup"},
                                         .name = "Sam Supervisor",
                                         .roles = role_bit(role::supervisor)});
        must(workload_admin, create_user{.key = code{"stamper"},
                                         .name = "Stella Stamper",
                                         .roles = role_bit(role::stamper)});
        must(workload_admin, create_user{.key = code{"verifier"},
                                         .name = "Vic Verifier",
                                         .roles = role_bit(role::verifier)});
        must(workload_admin, create_consignee{.key = code{"NORWOOD"},
                                              .name = "Norwood Vapes",
                                              .primary_province = province::on});
        must(
            workload_admin,
            create_product{
                .sku = code{"VAPE-15"}, .consignee = 1, .name = "Vape 15 mL", .volume_ul = 15'000});
        must(workload_admin,
             set_tax_rate{.tax_province = province::on, .kind = tax_kind::hst, .rate = 13'000});
        receive_shipment();
        receive_order(region::fed, 500, 500);  // stamp order 1: 25,000 FED
        receive_order(region::on, 520, 510);   // stamp order 2: 25,500 ON (10 bundles short)
        // PO 1: 200 FED units on boxes 1 and 2, stamped, verified at 190: REFUND_VERIFY 10.
        must(supervisor_id,
             create_po{.consignee = 1, .shipment = 1, .lines = {{1, region::fed, 200}}});
        must(stamper_id, start_run{.po = 1, .acknowledge_shortage = true});
        must(stamper_id, confirm_box{.po = 1, .box = 1});
        must(stamper_id, confirm_box{.po = 1, .box = 2});
        must(verifier_id, verify_po{.po = 1, .counts = {{0, 190}}});
        // PO 2: 150 ON units, box 3 confirmed, then cancelled: REFUND_CANCEL 100.
        must(supervisor_id,
             create_po{.consignee = 1, .shipment = 1, .lines = {{1, region::on, 150}}});
        must(stamper_id, start_run{.po = 2, .acknowledge_shortage = true});
        must(stamper_id, confirm_box{.po = 2, .box = 3});
        must(supervisor_id, cancel_po{.po = 2, .reason = "customer withdrew"});
        // PO 3: 100 FED units, run started: 100 FED reserved.
        must(supervisor_id,
             create_po{.consignee = 1, .shipment = 1, .lines = {{1, region::fed, 100}}});
        must(stamper_id, start_run{.po = 3, .acknowledge_shortage = true});
    }

private:
    void receive_shipment() {
        must(supervisor_id, create_shipment{.key = code{"S1"}, .consignee = 1});
        must(supervisor_id, start_receiving{.shipment = 1});
        for (u32 i = 0; i < 6; ++i) {
            must(supervisor_id, receive_box{.shipment = 1,
                                            .barcode = code{"S1-00000" + std::to_string(i)},
                                            .product = 1,
                                            .units = 100,
                                            .damaged = i == 5 ? 10u : 0u});
        }
        must(supervisor_id, finish_receiving{.shipment = 1});
    }

    void receive_order(region r, u32 bundles, u32 received) {
        ++_orders;
        must(workload_finance, submit_stamp_order{.stamp_region = r,
                                                  .bundles = bundles,
                                                  .notes = "order " + std::to_string(_orders)});
        must(workload_admin, review_stamp_order{.order = _orders});
        must(workload_finance, mark_stamp_order_ordered{.order = _orders});
        must(supervisor_id, receive_stamps{.order = _orders, .actual_bundles = received});
    }

    runtime_harness& _h;
    u64 _request = 0;
    u32 _orders = 0;
};

// Builds the directory; snapshots every few records, so several are kept, and one at the end.
inline void build_audit_dir(const std::string& dir) {
    runtime_harness h;
    ASSERT_TRUE(h.open(dir, {.storage = {.log_map_size = std::size_t{16} << 20,
                                         .snapshot_map_size = std::size_t{16} << 20},
                             .snapshot_every_records = audit_run::snapshot_every_records,
                             .snapshots_kept = 3})
                    .ok())
        << h.error;
    audit_run run(h);
    run.build();
    h.runtime->stop();
}

inline void copy_dir(const std::string& from, const std::string& to) {
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

}  // namespace stampd::testing
