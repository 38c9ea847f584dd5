// The warehouse of seed 001's Federal example (SPEC §8), on chosen dates in America/Toronto:
// before 2026 the Federal balance reaches 12,500 (16,300 received, PO-0089's 3,800 used); in
// 2026Q1 SO-000002 brings 37,500, PO-0088 uses 4,200, PO-0091 uses 3,800 and PO-0089's
// verification refunds 150 — closing 42,150 — and PO-0089 completes with an invoice and an
// outbound record; on April 1 the Federal stamps on hand at the close of March 31 are counted
// (42,000, then recounted 42,100: 50 short of the ledger), Ontario's are not; in April PO-0092 uses
// 1,000 and is cancelled (refunding the 1,000). Ontario receives 25,000 in January. The licensee
// is Entrepôt Boréal Inc. Every command is accepted, so the journal's LSNs have no gap.
#pragma once

#include "engine/calendar_time.hpp"
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {

class seed_warehouse : public warehouse {
protected:
    po_id po_0088 = 0, po_0089 = 0, po_0091 = 0, po_0092 = 0;
    invoice_id invoice_0089 = 0;
    u64 lsn_before_refund = 0;
    u64 lsn_before_counts = 0;

    // Moves the clock to 10:00 local time on the date (never back).
    void on(int year, unsigned month, unsigned day_of_month) {
        const i64 at = start_of_day_us(s.settings.zone, day_of(year, month, day_of_month)) +
                       10 * 3'600'000'000LL;
        ASSERT_GT(at, now_us);
        now_us = at;
    }

    po_id run_po(shipment_id sh, const std::string& number, u32 stamps) {
        const po_id po = add_po(sh, {{.product = vape15, .quantity = stamps}}, number);
        start(po);
        confirm_all(po);
        return po;
    }

    void SetUp() override {
        warehouse::SetUp();
        expect_ok<warehouse_identity_set>(
            admin, set_warehouse_identity{.identity = {.legal_name = "Entrepôt Boréal Inc.",
                                                       .address = "12 rue du Port\nQuébec QC",
                                                       .gst_hst_number = "123456789RT0001",
                                                       .qst_number = "1234567890TQ0001",
                                                       .excise_licence = "VL-2026-0042"}});
        expect_ok<duty_rate_set>(admin, set_duty_rate{.cents_per_increment = 112});
        expect_ok<tax_rate_set>(
            admin,
            set_tax_rate{.tax_province = province::on, .kind = tax_kind::hst, .rate = 13'000});
        const fee_preset_id stamping =
            expect_ok<fee_preset_created>(admin, create_fee_preset{.key = code{"STAMPING"},
                                                                   .name = "Stamping, per unit",
                                                                   .kind = fee_kind::per_unit,
                                                                   .amount_cents = 2})
                .id;
        const fee_preset_id handling =
            expect_ok<fee_preset_created>(admin, create_fee_preset{.key = code{"HANDLING"},
                                                                   .name = "Handling",
                                                                   .kind = fee_kind::flat,
                                                                   .amount_cents = 2500})
                .id;
        const shipment_id sh = add_shipment("SHIP-A", vape15, 130, 100);
        add_stamps(region::fed, 500, 326);  // 16,300: bundles counted may differ from ordered
        po_0089 = run_po(sh, "PO-0089", 3800);

        on(2026, 1, 15);
        add_stamps(region::fed, 750);  // SO-000002, 37,500
        add_stamps(region::on, 500);   // 25,000
        on(2026, 2, 10);
        po_0088 = run_po(sh, "PO-0088", 4200);
        on(2026, 3, 5);
        po_0091 = run_po(sh, "PO-0091", 3800);
        on(2026, 3, 20);
        lsn_before_refund = lsn;
        verify(po_0089, {{.line = 0, .stamps = 3650}});
        invoice_0089 = s.po_at(po_0089).invoice;
        expect_ok<invoice_fee_added>(finance,
                                     add_invoice_fee{.invoice = invoice_0089, .preset = stamping});
        expect_ok<invoice_fee_added>(finance,
                                     add_invoice_fee{.invoice = invoice_0089, .preset = handling});
        on(2026, 3, 21);
        expect_ok<invoice_advanced>(
            finance, advance_invoice{.invoice = invoice_0089, .to = invoice_status::issued});

        on(2026, 4, 1);
        lsn_before_counts = lsn;
        const day march_31 = day_of(2026, 3, 31);
        expect_ok<physical_count_recorded>(
            supervisor, record_physical_count{
                            .as_of = march_31, .counted = 42'000, .counted_by = "Émilie Côté"});
        expect_ok<physical_count_recorded>(
            admin, record_physical_count{.as_of = march_31,
                                         .counted = 42'100,
                                         .counted_by = "Émilie Côté, Sam",
                                         .notes = "recount: a roll of 100 found in vault B"});
        on(2026, 4, 2);
        po_0092 = run_po(sh, "PO-0092", 1000);
        on(2026, 4, 3);
        expect_ok<po_cancelled>(supervisor, cancel_po{.po = po_0092, .reason = "customer hold"});
    }
};

}  // namespace stampd::testing
