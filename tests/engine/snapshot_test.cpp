// The snapshot format: the whole state round-trips, the decoded state goes on exactly like the
// original, and damaged bytes are refused without harm.
#include <algorithm>
#include <random>

#include "engine/access.hpp"
#include "engine/snapshot.hpp"
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class snapshot : public warehouse {
protected:
    po_id po = 0;
    void SetUp() override {
        warehouse::SetUp();
        const shipment_id sh = add_shipment("SH-1", vape15, 60, 500, 3);
        add_stamps(region::fed, 1'000);
        expect_ok<user_token_set>(
            admin, set_user_token{.user = stamper, .token = "stamper-token-0123456789"});
        expect_ok<user_password_set>(
            admin, set_user_password{.user = stamper,
                                     .password = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"});
        expect_ok<duty_rate_set>(
            admin, set_duty_rate{.stamp_region = region::fed, .cents_per_increment = 9});
        expect_ok<fee_preset_created>(
            admin,
            create_fee_preset{
                .key = code{"H"}, .name = "handling", .kind = fee_kind::flat, .amount_cents = 500});
        const po_id parent =
            expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                        .shipment = sh,
                                                        .lines = {{vape15, region::fed, 20'000}},
                                                        .notes = "split me",
                                                        .on = day_of(2026, 1, 5),
                                                        .mode = schedule_mode::auto_split})
                .id;
        po = s.po_at(parent).segments.at(0);
        start(po);
        confirm_all(po);
        verify(po);
        expect_ok<invoice_fee_added>(finance, add_invoice_fee{.invoice = 1, .preset = 1});
        expect_ok<outbound_shipped>(supervisor, ship_outbound{.outbound = 1});
        expect_ok<warehouse_identity_set>(
            admin, set_warehouse_identity{.identity = {.legal_name = "Entrepôt Boréal Inc.",
                                                       .address = "12 rue du Port\nQuébec QC",
                                                       .gst_hst_number = "123456789RT0001",
                                                       .qst_number = "1234567890TQ0001",
                                                       .excise_licence = "VL-2026-0042"}});
        expect_ok<physical_count_recorded>(
            supervisor, record_physical_count{.stamp_region = region::fed,
                                              .as_of = local_day(s.settings.zone, now_us),
                                              .counted = 975,
                                              .counted_by = "Émilie Côté",
                                              .notes = "vault B"});
        start(s.po_at(parent).segments.at(1));
        const context ctx{
            .lsn = ++lsn, .time_us = now_us += 1000, .user = finance, .client = 42, .request = 1};
        ASSERT_TRUE(
            execute(s, submit_stamp_order{.stamp_region = region::qc, .bundles = 600}, ctx, events)
                .ok());
        journal.emplace_back(events, ctx);
    }
};

TEST_F(snapshot, the_whole_state_round_trips) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    state decoded;
    ASSERT_EQ(decode_snapshot(bytes, decoded), snapshot_error::ok);
    EXPECT_EQ(state_digest(decoded), state_digest(s));
    EXPECT_EQ(decoded.user_at(stamper).password_hash, s.user_at(stamper).password_hash);
    EXPECT_FALSE(decoded.user_at(stamper).password_hash.empty());
    std::vector<u8> again;
    encode_snapshot(decoded, again);
    EXPECT_EQ(again, bytes);
    // The derived indexes come back too.
    EXPECT_EQ(decoded.find_box("SH-1-000007"), s.find_box("SH-1-000007"));
    EXPECT_EQ(authenticate(decoded, "stamper-token-0123456789"), stamper);
    EXPECT_EQ(decoded.session_by_client.at(42), s.session_by_client.at(42));
    // Who entered each state of a PO and who shipped its goods (version 6).
    EXPECT_EQ(decoded.po_at(po).history, s.po_at(po).history);
    EXPECT_EQ(decoded.po_at(po).history.size(), 4u);
    EXPECT_EQ(decoded.outbound_at(1).shipped_by, supervisor);
    EXPECT_EQ(decoded.outbound_at(1).shipped_us, s.outbound_at(1).shipped_us);
    EXPECT_EQ(decoded.outbound_at(1).status, outbound_status::shipped);
    // The warehouse's identity (version 7).
    EXPECT_EQ(decoded.settings.identity, s.settings.identity);
    EXPECT_EQ(decoded.settings.identity.qst_number, "1234567890TQ0001");
    // The physical counts (version 7).
    ASSERT_EQ(decoded.physical_counts.size(), 1u);
    EXPECT_EQ(decoded.physical_counts[0].counted, 975);
    EXPECT_EQ(decoded.physical_counts[0].recorded_by, supervisor);
    EXPECT_EQ(decoded.physical_counts[0].lsn, s.physical_counts[0].lsn);
    EXPECT_EQ(decoded.physical_counts[0].notes, "vault B");
}

TEST_F(snapshot, a_decoded_state_goes_on_like_the_original) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    state decoded;
    ASSERT_EQ(decode_snapshot(bytes, decoded), snapshot_error::ok);
    const po_id running = s.po_at(s.po_at(po).parent).segments.at(1);
    for (const queue_item& item : run_queue(s, running)) {
        const context ctx{.lsn = ++lsn, .time_us = now_us += 1000, .user = stamper2};
        event_list a, b;
        const command c = confirm_box{.po = running, .box = item.box};
        EXPECT_EQ(execute(s, c, ctx, a).code, execute(decoded, c, ctx, b).code);
        journal.emplace_back(a, ctx);
    }
    const context ctx{
        .lsn = ++lsn, .time_us = now_us += 1000, .user = finance, .client = 42, .request = 1};
    event_list out;
    EXPECT_TRUE(execute_request(decoded,
                                submit_stamp_order{.stamp_region = region::qc, .bundles = 600}, ctx,
                                out)
                    .duplicate);
    EXPECT_EQ(state_digest(decoded), state_digest(s));
}

// A snapshot an earlier release wrote holds that release's format, whose digest the state in the
// newest format cannot give: the digest in format 5 leaves out what format 6 added (a PO's
// history and cancel reason, who shipped an outbound record), and only that.
TEST_F(snapshot, the_digest_in_an_earlier_format_leaves_out_only_what_it_did_not_hold) {
    const u64 in_5 = state_digest(s, 5), in_6 = state_digest(s, 6);
    EXPECT_NE(in_5, in_6);
    // The state is not copyable: what format 6 added is taken out here and put back after.
    const std::vector<production_order> orders = s.production_orders;
    const std::vector<outbound> outbounds = s.outbounds;
    for (production_order& p : s.production_orders) {
        p.history.clear();
        p.cancel_reason.clear();
    }
    for (outbound& o : s.outbounds) {
        o.shipped_by = 0;
        o.shipped_us = 0;
    }
    EXPECT_EQ(state_digest(s, 5), in_5);
    EXPECT_NE(state_digest(s, 6), in_6);
    s.account(region::fed).balance += 1;  // a figure format 5 holds
    EXPECT_NE(state_digest(s, 5), in_5);
    s.account(region::fed).balance -= 1;
    s.production_orders = orders;
    s.outbounds = outbounds;
    EXPECT_EQ(state_digest(s, 6), in_6);
}

// Format 7 added the warehouse's identity and the physical counts, and only those: format 6's
// digest ignores them.
TEST_F(snapshot, the_digest_in_format_6_leaves_out_the_identity_and_the_physical_counts) {
    const u64 in_6 = state_digest(s, 6), in_7 = state_digest(s, 7);
    EXPECT_NE(in_6, in_7);
    EXPECT_EQ(state_digest(s), in_7);
    const warehouse_identity identity = s.settings.identity;
    s.settings.identity = {};
    EXPECT_EQ(state_digest(s, 6), in_6);
    EXPECT_NE(state_digest(s), in_7);
    s.settings.identity = identity;
    s.settings.identity.excise_licence = "VL-2026-0043";
    EXPECT_NE(state_digest(s), in_7);
    s.settings.identity = identity;
    EXPECT_EQ(state_digest(s), in_7);
    const std::vector<physical_count> counts = s.physical_counts;
    s.physical_counts.clear();
    EXPECT_EQ(state_digest(s, 6), in_6);
    EXPECT_NE(state_digest(s), in_7);
    s.physical_counts = counts;
    s.physical_counts[0].counted += 1;
    EXPECT_NE(state_digest(s), in_7);
    s.physical_counts = counts;
    EXPECT_EQ(state_digest(s), in_7);
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    EXPECT_EQ(snapshot_format_of(bytes), snapshot_format_version);
    EXPECT_EQ(snapshot_format_of(std::span(bytes).first(3)), 0u);
}

// A report that looks at no box reads the snapshot without its boxes and run queue, and gets
// every other table as the whole decode does.
TEST_F(snapshot, without_boxes_the_other_tables_come_back_whole) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    state whole, boxless;
    ASSERT_EQ(decode_snapshot(bytes, whole), snapshot_error::ok);
    ASSERT_EQ(decode_snapshot(bytes, boxless, snapshot_indexes::without_boxes), snapshot_error::ok);
    EXPECT_GT(whole.boxes.size(), 0u);
    EXPECT_EQ(boxless.boxes.size(), 0u);
    EXPECT_EQ(boxless.queue.size(), 0u);
    EXPECT_EQ(boxless.box_by_barcode.size(), 0u);
    // What the boxes and the queue are not: written again, the rest is byte for byte the same.
    std::vector<u8> whole_rest, boxless_rest;
    whole.boxes = {};
    whole.barcodes = {};
    whole.queue = {};
    encode_snapshot(whole, whole_rest);
    encode_snapshot(boxless, boxless_rest);
    EXPECT_EQ(boxless_rest, whole_rest);
    EXPECT_EQ(boxless.account(region::fed).ledger.size(), s.account(region::fed).ledger.size());
    EXPECT_EQ(boxless.settings.identity, s.settings.identity);
    for (std::size_t length = 0; length < bytes.size(); length += 1 + length / 8) {
        state cut;
        EXPECT_NE(
            decode_snapshot(std::span(bytes).first(length), cut, snapshot_indexes::without_boxes),
            snapshot_error::ok)
            << "length " << length;
    }
}

TEST_F(snapshot, a_truncated_snapshot_is_refused_at_any_length) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    for (std::size_t length = 0; length < bytes.size(); length += 1 + length / 8) {
        state decoded;
        const snapshot_error e = decode_snapshot(std::span(bytes).first(length), decoded);
        EXPECT_NE(e, snapshot_error::ok) << "length " << length;
        EXPECT_TRUE(decoded.users.empty());
    }
}

TEST_F(snapshot, an_unknown_version_or_trailing_bytes_are_refused) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    state decoded;
    std::vector<u8> newer = bytes;
    newer[0] = 99;
    EXPECT_EQ(decode_snapshot(newer, decoded), snapshot_error::unknown_version);
    std::vector<u8> longer = bytes;
    longer.push_back(0);
    EXPECT_EQ(decode_snapshot(longer, decoded), snapshot_error::trailing_bytes);
}

TEST_F(snapshot, damaged_bytes_never_crash_the_decoder) {
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    std::mt19937_64 random(20261123);
    for (int i = 0; i < 300; ++i) {
        std::vector<u8> damaged = bytes;
        for (int flips = 0; flips < 1 + i % 4; ++flips) {
            damaged[random() % damaged.size()] ^= static_cast<u8>(1u << (random() % 8));
        }
        state decoded;
        // Refused, or (a flipped figure) accepted as exactly what the bytes say: the format is
        // canonical, so whatever decodes re-encodes to the same bytes.
        if (decode_snapshot(damaged, decoded) == snapshot_error::ok) {
            std::vector<u8> reencoded;
            encode_snapshot(decoded, reencoded);
            const auto at = std::ranges::mismatch(reencoded, damaged);
            EXPECT_EQ(reencoded, damaged)
                << "round " << i << ": first difference at byte " << (at.in1 - reencoded.begin())
                << " of " << damaged.size();
        } else {
            EXPECT_TRUE(decoded.users.empty());
        }
    }
}

}  // namespace
}  // namespace stampd::testing
