// SPEC §7 completion side effects and §9 invoices.
#include "engine/access.hpp"
#include "engine/rules/rules.hpp"
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class invoices : public warehouse {
protected:
    shipment_id sh = 0;
    fee_preset_id handling = 0, expedited = 0;

    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 96, 10);
        add_stamps(region::on, 500);
        add_stamps(region::fed, 500);
        expect_ok<duty_rate_set>(
            admin, set_duty_rate{.stamp_region = region::on, .cents_per_increment = 25});
        expect_ok<duty_rate_set>(
            admin, set_duty_rate{.stamp_region = region::fed, .cents_per_increment = 100});
        expect_ok<tax_rate_set>(
            admin,
            set_tax_rate{.tax_province = province::on, .kind = tax_kind::hst, .rate = 13'000});
        handling =
            expect_ok<fee_preset_created>(admin, create_fee_preset{.key = code{"HANDLING"},
                                                                   .name = "Standard handling",
                                                                   .kind = fee_kind::per_unit,
                                                                   .amount_cents = 15})
                .id;
        expedited = expect_ok<fee_preset_created>(admin, create_fee_preset{.key = code{"RUSH"},
                                                                           .name = "Expedited",
                                                                           .kind = fee_kind::flat,
                                                                           .amount_cents = 25'000})
                        .id;
    }

    // Seed 003: 480 units of a 15 mL product for Ontario, run and verified.
    po_id completed_po(u32 units = 480, region r = region::on) {
        const po_id po = add_po(sh, {{vape15, r, units}});
        start(po);
        confirm_all(po);
        verify(po);
        return po;
    }
    const invoice& invoice_of(po_id po) const { return s.invoice_at(s.po_at(po).invoice); }
};

TEST_F(invoices, completion_creates_one_draft_invoice_and_one_outbound_record) {
    const po_id po = completed_po();
    ASSERT_EQ(s.invoices.size(), 1u);
    ASSERT_EQ(s.outbounds.size(), 1u);
    const invoice& inv = invoice_of(po);
    EXPECT_EQ(inv.status, invoice_status::draft);
    EXPECT_EQ(inv.number.view(), "INV-000001");
    EXPECT_EQ(inv.po, po);
    const outbound& out = s.outbound_at(s.po_at(po).outbound);
    EXPECT_EQ(out.status, outbound_status::ready_to_ship);
    ASSERT_EQ(out.lines.size(), 1u);
    EXPECT_EQ(out.lines[0].units, 480u);
}

TEST_F(invoices, an_outbound_record_ships_once_with_who_and_when) {
    const po_id po = completed_po();
    const outbound_id out = s.po_at(po).outbound;
    EXPECT_EQ(run(stamper, ship_outbound{.outbound = out}).code, rejection_code::forbidden);
    EXPECT_EQ(run(supervisor, ship_outbound{.outbound = out + 1}).code, rejection_code::not_found);
    const outbound_shipped e =
        expect_ok<outbound_shipped>(supervisor, ship_outbound{.outbound = out});
    EXPECT_EQ(e, (outbound_shipped{.outbound = out, .po = po, .consignee = norwood}));
    const outbound& o = s.outbound_at(out);
    EXPECT_EQ(o.status, outbound_status::shipped);
    EXPECT_EQ(o.shipped_by, supervisor);
    EXPECT_EQ(o.shipped_us, now_us);
    const rejection again = run(supervisor, ship_outbound{.outbound = out});
    EXPECT_EQ(again.code, rejection_code::wrong_state);
    EXPECT_EQ(again.state, static_cast<u8>(outbound_status::shipped));
    EXPECT_EQ(o.shipped_by, supervisor);
}

TEST_F(invoices, a_pos_history_is_each_state_entered_with_who_and_when) {
    const po_id po = add_po(sh, {{vape15, region::on, 24}});
    const i64 created = now_us;
    start(po);
    const i64 started = now_us;
    confirm_all(po);
    verify(po);
    const std::vector<po_step>& h = s.po_at(po).history;
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[0], (po_step{.status = po_status::open, .user = supervisor, .time_us = created}));
    EXPECT_EQ(h[1],
              (po_step{.status = po_status::in_production, .user = stamper, .time_us = started}));
    EXPECT_EQ(h[2].status, po_status::pending_verification);
    EXPECT_EQ(h[2].user, stamper);  // the last box's confirmation ended the run
    EXPECT_EQ(h[3].status, po_status::completed);
    EXPECT_EQ(h[3].user, verifier);
    EXPECT_TRUE(s.po_at(po).cancel_reason.empty());

    const po_id other = add_po(sh, {{vape15, region::on, 10}});
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = other, .reason = "customer withdrew"});
    const production_order& cancelled = s.po_at(other);
    ASSERT_EQ(cancelled.history.size(), 2u);
    EXPECT_EQ(cancelled.history[1].status, po_status::cancelled);
    EXPECT_EQ(cancelled.history[1].user, supervisor);
    EXPECT_EQ(cancelled.cancel_reason, "customer withdrew");
}

TEST_F(invoices, duty_is_charged_per_started_2_ml_increment) {
    // 15 mL / 2 = 7.5, rounded up to 8 increments a unit.
    const invoice& inv = invoice_of(completed_po());
    ASSERT_EQ(inv.lines.size(), 1u);
    const invoice_line& line = inv.lines[0];
    EXPECT_EQ(line.increments, 8u);
    EXPECT_EQ(line.duty_cents_per_increment, 25);
    EXPECT_EQ(line.duty_per_unit, 200);
    EXPECT_EQ(line.line_duty, 480 * 200);
    EXPECT_EQ(rules::increments_per_unit(2'000), 1u);
    EXPECT_EQ(rules::increments_per_unit(2'001), 2u);
}

TEST_F(invoices, the_rate_in_force_at_completion_stays_on_the_line) {
    const po_id po = completed_po();
    expect_ok<duty_rate_set>(admin,
                             set_duty_rate{.stamp_region = region::on, .cents_per_increment = 40});
    EXPECT_EQ(invoice_of(po).lines[0].duty_cents_per_increment, 25);
    EXPECT_EQ(invoice_of(completed_po(240)).lines[0].duty_cents_per_increment, 40);
}

TEST_F(invoices, tax_comes_from_the_consignees_province_and_is_stored) {
    const po_id po = completed_po();
    const invoice& inv = invoice_of(po);
    EXPECT_EQ(inv.tax_province, province::on);
    EXPECT_EQ(inv.rates, (tax_rates{0, 13'000, 0, 0}));
    EXPECT_EQ(inv.totals.subtotal, 96'000);
    EXPECT_EQ(inv.totals.tax, 12'480);
    EXPECT_EQ(inv.totals.total, 108'480);
    expect_ok<tax_rate_set>(
        admin, set_tax_rate{.tax_province = province::on, .kind = tax_kind::hst, .rate = 15'000});
    EXPECT_EQ(invoice_of(po).rates[index(tax_kind::hst)], 13'000);
}

// SPEC §9: a fresh warehouse taxes by the law's components, each named and on its own line.
TEST(tax_rates, a_fresh_warehouse_starts_with_the_laws_components) {
    const state fresh;
    const auto rates = [&](province p) { return fresh.settings.tax_by_province[index(p)]; };
    EXPECT_EQ(rates(province::ab), (tax_rates{5'000, 0, 0, 0}));
    EXPECT_EQ(rates(province::on), (tax_rates{0, 13'000, 0, 0}));
    EXPECT_EQ(rates(province::ns), (tax_rates{0, 15'000, 0, 0}));
    EXPECT_EQ(rates(province::pe), (tax_rates{0, 15'000, 0, 0}));
    EXPECT_EQ(rates(province::qc), (tax_rates{5'000, 0, 9'975, 0}));
    EXPECT_EQ(rates(province::bc), (tax_rates{5'000, 0, 0, 0}));
}

// Quebec is GST 5 % and QST 9.975 %, each rounded half-up once — not one combined 14.975 %.
TEST_F(invoices, quebec_is_taxed_gst_and_qst_each_rounded_once) {
    expect_ok<consignee_edited>(admin, edit_consignee{.consignee = norwood,
                                                      .name = "Norwood Vapes",
                                                      .primary_province = province::qc});
    // 7 units × 1 increment × 3 ¢ = 21 ¢: GST 1.05 → 1 ¢, QST 2.09475 → 2 ¢; 14.975 % combined
    // would be 3.14475 → 3 ¢ too, so take 33 ¢: GST 1.65 → 2 ¢, QST 3.29175 → 3 ¢, combined
    // 4.94175 → 5 ¢.
    expect_ok<duty_rate_set>(admin,
                             set_duty_rate{.stamp_region = region::fed, .cents_per_increment = 3});
    const product_id small = add_product("VAPE-2", norwood, 2'000);
    const po_id po = add_po(add_shipment("SH-2", small, 1, 11), {{small, region::fed, 11}});
    start(po);
    confirm_all(po);
    verify(po);
    const invoice& inv = invoice_of(po);
    EXPECT_EQ(inv.tax_province, province::qc);
    EXPECT_EQ(inv.rates, (tax_rates{5'000, 0, 9'975, 0}));
    EXPECT_EQ(inv.totals.subtotal, 33);
    EXPECT_EQ(inv.totals.taxes, (std::array<i64, tax_kind_count>{2, 0, 3, 0}));
    EXPECT_EQ(inv.totals.tax, 5);
    EXPECT_EQ(inv.totals.total, 38);
    // Credits take back each component, never more of it than was charged: a unit at a time
    // each note rounds GST 0.15 → 0 ¢ and QST 0.299 → 0 ¢, and the last takes all that is left.
    const invoice_id id = s.po_at(po).invoice;
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    std::array<i64, tax_kind_count> credited{};
    for (int i = 0; i < 10; ++i) {
        const auto note = expect_ok<invoice_drafted>(
            finance,
            create_credit_note{.invoice = id, .lines = {{.line = 0, .units = 1}}, .reason = "x"});
        for (std::size_t k = 0; k < tax_kind_count; ++k)
            credited[k] += note.totals.taxes[k];
    }
    const auto last = expect_ok<invoice_drafted>(
        finance, create_credit_note{.invoice = id, .reason = "the rest"});
    for (std::size_t k = 0; k < tax_kind_count; ++k)
        credited[k] += last.totals.taxes[k];
    EXPECT_EQ(credited, (std::array<i64, tax_kind_count>{-2, 0, -3, 0}));
    // The seed's 480 units: 960.00 of duty, GST 48.00, QST 95.76.
    const invoice& seed = invoice_of(completed_po());
    EXPECT_EQ(seed.totals.taxes, (std::array<i64, tax_kind_count>{4'800, 0, 9'576, 0}));
    EXPECT_EQ(seed.totals.total, 96'000 + 4'800 + 9'576);
}

// A rate is one component's, to a thousandth of a percent, at most 100 %.
TEST_F(invoices, a_tax_rate_is_one_component_within_100_percent) {
    expect_ok<tax_rate_set>(
        admin, set_tax_rate{.tax_province = province::bc, .kind = tax_kind::pst, .rate = 7'000});
    EXPECT_EQ(s.settings.tax_by_province[index(province::bc)], (tax_rates{5'000, 0, 0, 7'000}));
    const rejection over = run(
        admin, set_tax_rate{.tax_province = province::bc, .kind = tax_kind::pst, .rate = 100'001});
    EXPECT_EQ(over.code, rejection_code::invalid_argument);
    EXPECT_EQ(over.needed, 100'001);
    EXPECT_EQ(over.available, 100'000);
    EXPECT_EQ(
        run(admin,
            set_tax_rate{.tax_province = province::bc, .kind = static_cast<tax_kind>(4), .rate = 1})
            .code,
        rejection_code::invalid_argument);
}

TEST_F(invoices, tax_is_rounded_half_up_once) {
    EXPECT_EQ(rules::round_half_up(1'005, 10), 101);  // 100.5 → 101
    EXPECT_EQ(rules::round_half_up(1'004, 10), 100);
    EXPECT_EQ(rules::round_half_up(-1'005, 10), -101);  // credit notes mirror invoices
    // 7 units × 1 increment × 3 ¢ = 21 ¢; 13 % of 21 ¢ = 2.73 ¢ → 3 ¢.
    expect_ok<duty_rate_set>(admin,
                             set_duty_rate{.stamp_region = region::fed, .cents_per_increment = 3});
    const product_id small = add_product("VAPE-2", norwood, 2'000);
    const shipment_id little = add_shipment("SH-2", small, 1, 7);
    const po_id po = add_po(little, {{small, region::fed, 7}});
    start(po);
    confirm_all(po);
    verify(po);
    EXPECT_EQ(invoice_of(po).totals.duty, 21);
    EXPECT_EQ(invoice_of(po).totals.tax, 3);
}

TEST_F(invoices, fees_are_added_to_and_removed_from_drafts_with_totals_recomputed) {
    const po_id po = completed_po();
    const invoice_id id = s.po_at(po).invoice;
    const auto added =
        expect_ok<invoice_fee_added>(finance, add_invoice_fee{.invoice = id, .preset = handling});
    EXPECT_EQ(added.fee.charge_cents, 480 * 15);
    expect_ok<invoice_fee_added>(finance, add_invoice_fee{.invoice = id, .preset = expedited});
    const invoice& inv = s.invoice_at(id);
    EXPECT_EQ(inv.totals.fees, 7'200 + 25'000);
    EXPECT_EQ(inv.totals.subtotal, 96'000 + 32'200);
    EXPECT_EQ(inv.totals.tax, 16'666);  // 13 % of 1,282.00 = 166.66
    expect_ok<invoice_fee_removed>(finance, remove_invoice_fee{.invoice = id, .fee = 0});
    EXPECT_EQ(s.invoice_at(id).totals.fees, 25'000);
    EXPECT_EQ(s.invoice_at(id).totals.total, 121'000 + 15'730);
}

TEST_F(invoices, only_drafts_change_and_the_lifecycle_goes_one_way) {
    const invoice_id id = s.po_at(completed_po()).invoice;
    expect_ok<invoice_edited>(
        finance, edit_invoice{.invoice = id, .notes = "net 30", .due = day_of(2026, 2, 1)});
    EXPECT_EQ(run(finance, advance_invoice{.invoice = id, .to = invoice_status::paid}).code,
              rejection_code::wrong_state);
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    EXPECT_EQ(run(finance, add_invoice_fee{.invoice = id, .preset = handling}).code,
              rejection_code::wrong_state);
    EXPECT_EQ(run(finance, edit_invoice{.invoice = id, .notes = "changed"}).code,
              rejection_code::wrong_state);
    EXPECT_EQ(run(finance, advance_invoice{.invoice = id, .to = invoice_status::draft}).code,
              rejection_code::wrong_state);
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::paid});
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::archived});
    EXPECT_EQ(s.invoice_at(id).notes, "net 30");
    EXPECT_EQ(run(stamper, advance_invoice{.invoice = id, .to = invoice_status::issued}).code,
              rejection_code::forbidden);
}

TEST_F(invoices, a_credit_note_references_an_issued_invoice) {
    const invoice_id id = s.po_at(completed_po()).invoice;
    expect_ok<invoice_fee_added>(finance, add_invoice_fee{.invoice = id, .preset = expedited});
    EXPECT_EQ(run(finance, create_credit_note{.invoice = id, .reason = "wrong rate"}).code,
              rejection_code::wrong_state);  // a draft is corrected in place
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    const auto whole = expect_ok<invoice_drafted>(
        finance, create_credit_note{.invoice = id, .reason = "wrong rate"});
    EXPECT_EQ(whole.credit_of, id);
    EXPECT_EQ(whole.totals.total, -s.invoice_at(id).totals.total);
    EXPECT_EQ(s.invoice_at(whole.id).number.view(), "CN-000002");
    // Credited whole: nothing is left for another note, whole or partial.
    const rejection again = run(finance, create_credit_note{.invoice = id, .reason = "again"});
    EXPECT_EQ(again.code, rejection_code::invalid_argument);
    EXPECT_EQ(again.about, subject::invoice);
    const rejection more =
        run(finance,
            create_credit_note{.invoice = id, .lines = {{.line = 0, .units = 1}}, .reason = "x"});
    EXPECT_EQ(more.code, rejection_code::invalid_argument);
    EXPECT_EQ(more.available, 0);
}

// Issue 16: a whole credit plus partial ones were all accepted, a line could appear twice in a
// note, and fees could be added to a credit note.
TEST_F(invoices, credits_never_exceed_what_was_invoiced_per_line_and_in_total) {
    const invoice_id id = s.po_at(completed_po()).invoice;
    expect_ok<invoice_fee_added>(finance, add_invoice_fee{.invoice = id, .preset = expedited});
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    const invoice_totals invoiced = s.invoice_at(id).totals;
    const auto part = expect_ok<invoice_drafted>(
        finance, create_credit_note{
                     .invoice = id, .lines = {{.line = 0, .units = 10}}, .reason = "10 damaged"});
    EXPECT_EQ(part.totals.duty, -2'000);
    EXPECT_EQ(part.totals.tax, -260);
    EXPECT_TRUE(part.fees.empty());
    const rejection twice =
        run(finance, create_credit_note{.invoice = id,
                                        .lines = {{.line = 0, .units = 5}, {.line = 0, .units = 5}},
                                        .reason = "twice"});
    EXPECT_EQ(twice.code, rejection_code::duplicate_line);
    EXPECT_EQ(twice.id, 0u);
    const rejection over =
        run(finance,
            create_credit_note{.invoice = id, .lines = {{.line = 0, .units = 471}}, .reason = "x"});
    EXPECT_EQ(over.code, rejection_code::invalid_argument);
    EXPECT_EQ(over.needed, 471);
    EXPECT_EQ(over.available, 470);
    // A credit note charges no fee of its own.
    const rejection fee = run(finance, add_invoice_fee{.invoice = part.id, .preset = handling});
    EXPECT_EQ(fee.code, rejection_code::invalid_argument);
    EXPECT_EQ(fee.about, subject::invoice);
    // The whole credit is what is left: 470 units and the fee, and together the notes take back
    // exactly what was invoiced.
    const auto rest = expect_ok<invoice_drafted>(
        finance, create_credit_note{.invoice = id, .reason = "cancelled"});
    ASSERT_EQ(rest.lines.size(), 1u);
    EXPECT_EQ(rest.lines[0].units, -470);
    ASSERT_EQ(rest.fees.size(), 1u);
    EXPECT_EQ(rest.fees[0].charge_cents, -25'000);
    EXPECT_EQ(part.totals.total + rest.totals.total, -invoiced.total);
    EXPECT_EQ(part.totals.tax + rest.totals.tax, -invoiced.tax);
    EXPECT_EQ(run(finance, create_credit_note{.invoice = id, .reason = "once more"}).code,
              rejection_code::invalid_argument);
}

// Rounded per note, small credits could together take back more tax than the invoice charged.
TEST_F(invoices, small_credits_take_back_no_more_tax_than_was_charged) {
    // 7 units × 4 ¢ = 28 ¢, tax 13 % = 3.64 → 4 ¢; a credit of 1 unit is 4 ¢ with 0.52 → 1 ¢ tax:
    // seven of them, rounded alone, would take back 7 ¢.
    expect_ok<duty_rate_set>(admin,
                             set_duty_rate{.stamp_region = region::fed, .cents_per_increment = 4});
    const product_id small = add_product("VAPE-2", norwood, 2'000);
    const po_id po = add_po(add_shipment("SH-2", small, 1, 7), {{small, region::fed, 7}});
    start(po);
    confirm_all(po);
    verify(po);
    const invoice_id id = s.po_at(po).invoice;
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    ASSERT_EQ(s.invoice_at(id).totals.tax, 4);
    i64 tax = 0, total = 0;
    for (u32 units : {1u, 1u, 1u, 1u, 1u, 1u, 1u}) {
        const auto note = expect_ok<invoice_drafted>(
            finance, create_credit_note{
                         .invoice = id, .lines = {{.line = 0, .units = units}}, .reason = "x"});
        tax += note.totals.tax;
        total += note.totals.total;
        EXPECT_GE(tax, -4) << "after a credit of " << units;
    }
    EXPECT_EQ(tax, -4);
    EXPECT_EQ(total, -s.invoice_at(id).totals.total);
}

// Seed 003, issue 16: a consignee that moves province is invoiced at the new province's rate from
// then on; the invoice already drafted keeps what it had.
TEST_F(invoices, a_consignee_that_moved_is_invoiced_at_its_new_rate_drafts_keep_theirs) {
    expect_ok<tax_rate_set>(
        admin, set_tax_rate{.tax_province = province::ab, .kind = tax_kind::gst, .rate = 5'000});
    const po_id before = completed_po(240);
    const auto edited = expect_ok<consignee_edited>(
        admin, edit_consignee{.consignee = norwood,
                              .name = "Norwood Vapes West",
                              .primary_province = province::ab,
                              .billing_address = "1 Main St\nCalgary AB T2P 1J9",
                              .shipping_address = "Dock 4\n2 Rail Rd\nCalgary AB",
                              .tax_registration = "123456789RT0001"});
    EXPECT_EQ(edited.consignee, norwood);
    const consignee& k = s.consignee_at(norwood);
    EXPECT_EQ(k.key.view(), "NORWOOD");
    EXPECT_EQ(k.name, "Norwood Vapes West");
    EXPECT_EQ(k.primary_province, province::ab);
    EXPECT_EQ(k.billing_address, "1 Main St\nCalgary AB T2P 1J9");
    EXPECT_EQ(k.tax_registration, "123456789RT0001");
    const po_id after = completed_po(240);
    EXPECT_EQ(invoice_of(before).tax_province, province::on);
    EXPECT_EQ(invoice_of(before).rates, (tax_rates{0, 13'000, 0, 0}));
    EXPECT_EQ(invoice_of(after).tax_province, province::ab);
    EXPECT_EQ(invoice_of(after).rates, (tax_rates{5'000, 0, 0, 0}));
    // Only the admin edits; an unknown consignee or a registration number too long is refused.
    EXPECT_EQ(run(finance, edit_consignee{.consignee = norwood, .name = "x"}).code,
              rejection_code::forbidden);
    EXPECT_EQ(run(admin, edit_consignee{.consignee = 99, .name = "x"}).code,
              rejection_code::not_found);
    EXPECT_EQ(run(admin,
                  edit_consignee{
                      .consignee = norwood, .name = "x", .tax_registration = std::string(33, '1')})
                  .code,
              rejection_code::limit_exceeded);
}

TEST_F(invoices, consignees_see_their_own_invoices_once_issued_never_drafts) {
    const user_id portal = add_user("portal", role_bit(role::consignee), norwood);
    const consignee_id other = add_consignee("OTHER", province::ab);
    const user_id stranger = add_user("stranger", role_bit(role::consignee), other);
    const invoice_id id = s.po_at(completed_po()).invoice;
    EXPECT_FALSE(may_see_invoice(s, portal, id));
    EXPECT_TRUE(may_see_invoice(s, finance, id));
    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = id, .to = invoice_status::issued});
    EXPECT_TRUE(may_see_invoice(s, portal, id));
    EXPECT_FALSE(may_see_invoice(s, stranger, id));
}

}  // namespace
}  // namespace stampd::testing
