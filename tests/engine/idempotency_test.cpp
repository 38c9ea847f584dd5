// SPEC §11: tokens stored as hashes, retries answered with their first outcome (also after a
// restart, i.e. a replay), a different command under a used request refused, a create of what
// exists answered as the first time, and dry runs that record nothing.
#include "engine/access.hpp"
#include "engine/snapshot.hpp"
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class idempotency : public warehouse {
protected:
    static constexpr u64 client = 0xC0FFEE;

    // `fingerprint` stands for net::command_fingerprint's: one per different command.
    outcome send(user_id who, u64 request, const command& c, u32 fingerprint = 0) {
        now_us += 1000;
        const context ctx{.lsn = ++lsn,
                          .time_us = now_us,
                          .user = who,
                          .station = station,
                          .client = client,
                          .request = request,
                          .fingerprint = fingerprint};
        const outcome o = execute_request(s, c, ctx, events);
        if (o.verdict.ok() && !o.duplicate) journal.emplace_back(events, ctx);
        return o;
    }
};

TEST_F(idempotency, only_the_hash_of_a_token_is_kept) {
    const std::string token = "a-long-secret-token-for-the-stamper";
    expect_ok<user_token_set>(admin, set_user_token{.user = stamper, .token = token});
    EXPECT_EQ(authenticate(s, token), stamper);
    EXPECT_EQ(s.user_at(stamper).token_sha256, hash_token(token));
    EXPECT_EQ(authenticate(s, "a-long-secret-token-for-the-stampeR"), id_none);
    EXPECT_EQ(run(admin, set_user_token{.user = verifier, .token = token}).code,
              rejection_code::already_exists);
    EXPECT_EQ(run(admin, set_user_token{.user = verifier, .token = "short"}).code,
              rejection_code::invalid_argument);
    // A new token replaces the old one.
    expect_ok<user_token_set>(admin, set_user_token{.user = stamper, .token = token + "-rotated"});
    EXPECT_EQ(authenticate(s, token), id_none);
    EXPECT_EQ(authenticate(s, token + "-rotated"), stamper);
}

// The engine keeps what stampd hashed (an Argon2id PHC string) and nothing else; one sets one's
// own, an admin anyone's.
TEST_F(idempotency, a_password_is_kept_as_its_hash_set_by_its_owner_or_an_admin) {
    const std::string hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA";
    expect_ok<user_password_set>(admin, set_user_password{.user = stamper, .password = hash});
    EXPECT_EQ(s.user_at(stamper).password_hash, hash);
    expect_ok<user_password_set>(stamper,
                                 set_user_password{.user = stamper, .password = hash + "2"});
    EXPECT_EQ(s.user_at(stamper).password_hash, hash + "2");
    const rejection theirs = run(stamper, set_user_password{.user = verifier, .password = hash});
    EXPECT_EQ(theirs.code, rejection_code::forbidden);
    EXPECT_EQ(theirs.id, verifier);
    EXPECT_EQ(run(admin, set_user_password{.user = 999, .password = hash}).code,
              rejection_code::not_found);
    const rejection plain =
        run(admin, set_user_password{.user = verifier, .password = "hunter22!"});
    EXPECT_EQ(plain.code, rejection_code::invalid_argument);
    EXPECT_EQ(plain.about, subject::password);
    EXPECT_TRUE(s.user_at(verifier).password_hash.empty());
}

TEST_F(idempotency, a_retried_command_gets_its_first_outcome_and_is_not_applied_twice) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 20}});
    start(po);
    const box_id box = run_queue(s, po).at(0).box;
    ASSERT_TRUE(send(stamper, 1, confirm_box{.po = po, .box = box}).verdict.ok());
    const u64 first_lsn = lsn;
    const i64 after = balance(region::fed);
    const outcome retry = send(stamper, 1, confirm_box{.po = po, .box = box});
    EXPECT_TRUE(retry.verdict.ok());
    EXPECT_TRUE(retry.duplicate);
    EXPECT_EQ(retry.lsn, first_lsn);
    EXPECT_EQ(retry.result, po);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(balance(region::fed), after);
}

TEST_F(idempotency, retries_are_recognised_after_a_restart) {
    const outcome first =
        send(finance, 1, submit_stamp_order{.stamp_region = region::qc, .bundles = 700});
    ASSERT_TRUE(first.verdict.ok());
    // Recovery rebuilds the state from the log: the session table comes back with it.
    s = replay();
    EXPECT_EQ(state_digest(s), state_digest(replay()));
    const std::size_t orders = s.stamp_orders.size();
    const outcome retry =
        send(finance, 1, submit_stamp_order{.stamp_region = region::qc, .bundles = 700});
    EXPECT_TRUE(retry.duplicate);
    EXPECT_EQ(retry.result, first.result);
    EXPECT_EQ(retry.lsn, first.lsn);
    EXPECT_EQ(s.stamp_orders.size(), orders);
}

// Issue 16: the same (client, request) with a different command was answered with the first
// command's outcome, marked duplicate, and the second command was lost without a word.
TEST_F(idempotency, a_different_command_under_a_used_request_is_refused_also_after_a_restart) {
    const command quebec = submit_stamp_order{.stamp_region = region::qc, .bundles = 501};
    const command manitoba = submit_stamp_order{.stamp_region = region::mb, .bundles = 502};
    const outcome first = send(finance, 1, quebec, 0x1111);
    ASSERT_TRUE(first.verdict.ok());
    const auto refused_as_reused = [&] {
        const outcome other = send(finance, 1, manitoba, 0x2222);
        EXPECT_EQ(other.verdict.code, rejection_code::request_reused);
        EXPECT_EQ(other.verdict.needed, 1);
        EXPECT_EQ(static_cast<u64>(other.verdict.available), first.lsn);
        EXPECT_FALSE(other.duplicate);
        EXPECT_EQ(s.stamp_orders.size(), 1u);
        EXPECT_EQ(describe(other.verdict),
                  "REQUEST_REUSED: request 1 of this client was answered at LSN " +
                      std::to_string(first.lsn) +
                      " for a different command; nothing was applied (a new command needs a new "
                      "request id)");
    };
    refused_as_reused();
    // The same command again is a retry; one whose fingerprint is not known is taken for one.
    EXPECT_TRUE(send(finance, 1, quebec, 0x1111).duplicate);
    EXPECT_TRUE(send(finance, 1, manitoba, 0).duplicate);
    // The fingerprint is kept with the reply: replay and a snapshot both bring it back.
    s = replay();
    refused_as_reused();
    std::vector<u8> bytes;
    encode_snapshot(s, bytes);
    state restored;
    ASSERT_EQ(decode_snapshot(bytes, restored), snapshot_error::ok);
    EXPECT_EQ(state_digest(restored), state_digest(s));
    s = std::move(restored);
    refused_as_reused();
    // A new request id applies the second command.
    EXPECT_TRUE(send(finance, 2, manitoba, 0x2222).verdict.ok());
    EXPECT_EQ(s.stamp_orders.size(), 2u);
}

// Issue 16: a create re-sent after its answer was lost (a new request: stampctl without --client)
// answered ALREADY_EXISTS. The same object again is the first outcome; a different one is not.
TEST_F(idempotency, a_create_asking_for_exactly_what_exists_gets_the_first_outcome) {
    const create_consignee northwind{code{"NORTHWIND"}, "Northwind Vapes", province::qc};
    const outcome created = send(admin, 1, northwind);
    ASSERT_TRUE(created.verdict.ok());
    const std::size_t consignees = s.consignees.size();
    const outcome again = send(admin, 2, northwind);
    EXPECT_TRUE(again.verdict.ok()) << describe(again.verdict);
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.result, created.result);
    EXPECT_GE(again.lsn, created.lsn);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(s.consignees.size(), consignees);
    // Not the same consignee: the key is taken.
    const outcome other =
        send(admin, 3, create_consignee{code{"NORTHWIND"}, "Northwind Vapes", province::on});
    EXPECT_EQ(other.verdict.code, rejection_code::already_exists);
    EXPECT_EQ(other.verdict.id, created.result);

    const shipment_id sh = add_shipment("SH-9", vape15, 1, 10);
    const box_id box = s.find_box("SH-9-000000");
    ASSERT_NE(box, id_none);
    // A box re-sent while its shipment is still receiving.
    const shipment_id open =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-10"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = open});
    const receive_box one{
        .shipment = open, .barcode = code{"BX-10-1"}, .product = vape15, .units = 12, .damaged = 1};
    const outcome received = send(supervisor, 4, one);
    ASSERT_TRUE(received.verdict.ok());
    const outcome resent = send(supervisor, 5, one);
    EXPECT_TRUE(resent.duplicate);
    EXPECT_EQ(resent.result, received.result);
    receive_box more = one;
    more.units = 13;
    EXPECT_EQ(send(supervisor, 6, more).verdict.code, rejection_code::already_exists);
    // Not a create at all: a box of another shipment under the same barcode stays refused.
    receive_box elsewhere = one;
    elsewhere.barcode = code{s.barcode_of(box)};
    EXPECT_EQ(send(supervisor, 7, elsewhere).verdict.code, rejection_code::already_exists);
    EXPECT_EQ(s.shipment_at(sh).box_count, 1u);
}

TEST_F(idempotency, a_rejected_request_is_decided_again_on_retry) {
    const outcome refused =
        send(finance, 1, submit_stamp_order{.stamp_region = region::qc, .bundles = 499});
    EXPECT_EQ(refused.verdict.code, rejection_code::below_minimum);
    EXPECT_EQ(send(finance, 1, submit_stamp_order{.stamp_region = region::qc, .bundles = 499})
                  .verdict.code,
              rejection_code::below_minimum);
    EXPECT_TRUE(s.stamp_orders.empty());
}

TEST_F(idempotency, an_unknown_client_that_saw_an_answer_was_evicted) {
    now_us += 1000;
    const context seen{.lsn = ++lsn,
                       .time_us = now_us,
                       .user = finance,
                       .client = 99,
                       .request = 7,
                       .client_lsn = 5};
    const outcome o = execute_request(
        s, submit_stamp_order{.stamp_region = region::qc, .bundles = 500}, seen, events);
    EXPECT_EQ(o.verdict.code, rejection_code::session_evicted);
    EXPECT_EQ(o.verdict.needed, 5);
    EXPECT_TRUE(s.stamp_orders.empty());
    // A client that has seen no accepted answer is new, whatever its request number: its earlier
    // requests were all refused or lost with a failed commit, so none can be applied twice.
    EXPECT_TRUE(send(finance, 7, submit_stamp_order{.stamp_region = region::qc, .bundles = 500})
                    .verdict.ok());
}

TEST_F(idempotency, a_request_older_than_the_reply_window_is_refused) {
    for (u64 r = 1; r <= constants::replies_per_client_max + 1; ++r) {
        ASSERT_TRUE(send(finance, r, submit_stamp_order{.stamp_region = region::qc, .bundles = 500})
                        .verdict.ok());
    }
    const outcome old =
        send(finance, 1, submit_stamp_order{.stamp_region = region::qc, .bundles = 500});
    EXPECT_EQ(old.verdict.code, rejection_code::request_too_old);
    EXPECT_EQ(s.stamp_orders.size(), constants::replies_per_client_max + 1);
    EXPECT_TRUE(
        send(finance, 2, submit_stamp_order{.stamp_region = region::qc, .bundles = 500}).duplicate);
}

TEST_F(idempotency, the_least_recently_used_session_is_evicted_when_the_table_is_full) {
    for (u64 c = 1; c <= constants::clients_max + 1; ++c) {
        now_us += 1;
        const context ctx{
            .lsn = ++lsn, .time_us = now_us, .user = admin, .client = c, .request = 1};
        ASSERT_TRUE(
            execute_request(s, set_capacity{.on = weekday::friday, .units = 1'000 + c}, ctx, events)
                .verdict.ok());
        journal.emplace_back(events, ctx);
    }
    EXPECT_EQ(s.sessions.size(), constants::clients_max);
    EXPECT_FALSE(s.session_by_client.contains(1));
    EXPECT_TRUE(s.session_by_client.contains(constants::clients_max + 1));
}

TEST_F(idempotency, a_dry_run_lists_the_effects_and_records_nothing) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 20}});
    start(po);
    confirm_all(po);
    const u64 before = state_digest(s);
    event_list effects;
    const context ctx{.lsn = lsn + 1, .time_us = now_us + 1, .user = verifier};
    ASSERT_TRUE(
        dry_run(s, verify_po{.po = po, .counts = {{.line = 0, .stamps = 15}}}, ctx, effects).ok());
    EXPECT_EQ(state_digest(s), before);
    ASSERT_GE(effects.size(), 3u);
    const auto& verified = std::get<po_verified>(effects[0]);
    ASSERT_EQ(verified.movements.size(), 1u);
    EXPECT_EQ(verified.movements[0].quantity, 5);
    EXPECT_EQ(verified.movements[0].balance_after, 25'000 - 15);
    EXPECT_NE(std::get_if<invoice_drafted>(&effects[2]), nullptr);
}

}  // namespace
}  // namespace stampd::testing
