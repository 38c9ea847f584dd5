// stamp-report's figures, computed through the library on real data directories written from a
// test warehouse (seed_warehouse.hpp): the seed's Federal example exactly, periods, sources in
// order, reproducibility (--at-lsn, snapshot + tail = the whole log), invoices and manifests, and
// how figures are written (money, counts, CSV quoting, the PDF fonts' encoding).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "clients/report/documents.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_source.hpp"
#include "clients/report/report_text.hpp"
#include "clients/report/stamp_accounting.hpp"
#include "tests/clients/report/seed_warehouse.hpp"
#include "tests/support/data_dir_writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd::testing {
namespace {

using namespace stampd::report;

// load_state, its status's message in `error`.
bool load_into(const source_options& options, state& out, provenance& from, std::string& error) {
    const wal::status s = load_state(options, out, from);
    error = s.ok() ? "" : s.message();
    return s.ok();
}

class stamp_report : public seed_warehouse {
protected:
    temp_dir dir;
    std::uint64_t chain = 0;

    void SetUp() override {
        seed_warehouse::SetUp();
        chain = write_data_dir(dir.path(), journal);
    }

    stamp_accounting accounting(const std::string& quarter, std::vector<region> regions,
                                std::uint64_t at_lsn = 0, bool entries = false) {
        period span;
        std::string error;
        EXPECT_TRUE(parse_period("", "", "", quarter, span, error)) << error;
        state loaded;
        provenance from;
        EXPECT_TRUE(load_into({.data_dir = dir.path(), .at_lsn = at_lsn}, loaded, from, error))
            << error;
        return compute_stamp_accounting(loaded, from, span, regions, entries);
    }
};

TEST_F(stamp_report, seed_federal_example_comes_out_exactly) {
    const stamp_accounting r = accounting("2026Q1", {region::fed});
    ASSERT_EQ(r.regions.size(), 1u);
    const ledger_figures& f = r.regions[0].figures;
    EXPECT_EQ(f.opening, 12'500);
    EXPECT_EQ(f.received, 37'500);
    EXPECT_EQ(f.used, 8'000);
    EXPECT_EQ(f.refunded, 150);
    EXPECT_EQ(f.closing, 42'150);
    EXPECT_EQ(f.entries, 1u + 42 + 38 + 1);

    // One line per source, in the order each first moved stamps: the seed's statement.
    const auto& lines = r.regions[0].sources;
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].kind, ledger_kind::receipt);
    EXPECT_EQ(lines[0].source_number, "SO-000002");
    EXPECT_EQ(lines[0].quantity, 37'500);
    EXPECT_EQ(lines[1].source_number, "PO-0088");
    EXPECT_EQ(lines[1].quantity, -4'200);
    EXPECT_EQ(lines[1].entries, 42u);
    EXPECT_EQ(lines[1].consignee, "NORWOOD");
    EXPECT_EQ(lines[2].source_number, "PO-0091");
    EXPECT_EQ(lines[2].quantity, -3'800);
    EXPECT_EQ(lines[3].kind, ledger_kind::refund_verify);
    EXPECT_EQ(lines[3].source_number, "PO-0089");
    EXPECT_EQ(lines[3].quantity, 150);
}

// Seed 001: "compare the closing balance on the report with your physical stamp count".
TEST_F(stamp_report, the_count_at_the_periods_end_stands_beside_the_closing_with_the_discrepancy) {
    const stamp_accounting r = accounting("2026Q1", {});
    ASSERT_EQ(r.regions.size(), region_count);
    const region_accounting& fed = r.regions[index(region::fed)];
    ASSERT_TRUE(fed.count.has_value());
    EXPECT_EQ(fed.count->as_of, day_of(2026, 3, 31));
    EXPECT_EQ(fed.count->counted, 42'100);  // the recount, not the first count
    EXPECT_EQ(fed.count->discrepancy, 42'100 - 42'150);
    EXPECT_EQ(fed.count->recounts, 1u);
    EXPECT_EQ(fed.count->recorded_by, "admin");
    EXPECT_EQ(fed.count->counted_by, "Émilie Côté, Sam");
    EXPECT_EQ(fed.count->lsn, lsn_before_counts + 2);
    EXPECT_FALSE(r.regions[index(region::on)].count.has_value());  // nobody counted Ontario's
    EXPECT_EQ(r.licensee.legal_name, "Entrepôt Boréal Inc.");
    EXPECT_EQ(r.licensee.gst_hst_number, "123456789RT0001");
}

// Reproducible: a report at an LSN before the count was recorded has none; a period that ends
// on another day, or no day (all time), has none either.
TEST_F(stamp_report, a_count_belongs_to_the_reports_lsn_and_to_its_periods_last_day) {
    const stamp_accounting before = accounting("2026Q1", {region::fed}, lsn_before_counts);
    EXPECT_FALSE(before.regions[0].count.has_value());
    EXPECT_EQ(before.regions[0].figures.closing, 42'150);
    const stamp_accounting first = accounting("2026Q1", {region::fed}, lsn_before_counts + 1);
    ASSERT_TRUE(first.regions[0].count.has_value());
    EXPECT_EQ(first.regions[0].count->counted, 42'000);
    EXPECT_EQ(first.regions[0].count->recounts, 0u);
    EXPECT_FALSE(accounting("2026Q2", {region::fed}).regions[0].count.has_value());
    period all_time;
    state loaded;
    provenance from;
    std::string error;
    ASSERT_TRUE(load_into({.data_dir = dir.path()}, loaded, from, error)) << error;
    EXPECT_FALSE(compute_stamp_accounting(loaded, from, all_time, {region::fed}, false)
                     .regions[0]
                     .count.has_value());
}

// Nothing current in a historical report: the quarter's statement written at the end of the log
// is the one written right after its counts, though stamps moved (PO-0092) in between.
TEST_F(stamp_report, a_past_quarters_statement_does_not_change_with_what_came_after) {
    const auto json_of = [&](std::uint64_t at_lsn) {
        stamp_accounting r = accounting("2026Q1", {}, at_lsn);
        r.from = {};  // the one part that names the LSN
        const std::string path = dir / ("q1-" + std::to_string(at_lsn) + ".json");
        std::string error;
        EXPECT_TRUE(render_stamp_accounting(r, format::json, path, error)) << error;
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string after_counts = json_of(lsn_before_counts + 2);
    EXPECT_NE(after_counts.find("\"counted\":42100"), std::string::npos) << after_counts;
    EXPECT_EQ(json_of(0), after_counts);
    EXPECT_EQ(after_counts.find("available"), std::string::npos) << after_counts;
}

TEST_F(stamp_report, period_keeps_out_what_happened_after_it_and_cancel_refunds_in_full) {
    const stamp_accounting r = accounting("2026Q2", {region::fed});
    const ledger_figures& f = r.regions[0].figures;
    EXPECT_EQ(f.opening, 42'150);
    EXPECT_EQ(f.received, 0);
    EXPECT_EQ(f.used, 1'000);
    EXPECT_EQ(f.refunded, 1'000);  // the full allocation, although 1,000 stamps were applied
    EXPECT_EQ(f.closing, 42'150);
    ASSERT_EQ(r.regions[0].sources.size(), 2u);
    EXPECT_EQ(r.regions[0].sources[1].kind, ledger_kind::refund_cancel);
}

TEST_F(stamp_report, every_region_is_reported_when_none_is_named) {
    const stamp_accounting r = accounting("2026Q1", {});
    ASSERT_EQ(r.regions.size(), region_count);
    EXPECT_EQ(r.regions[index(region::on)].figures.received, 25'000);
    EXPECT_EQ(r.regions[index(region::qc)].figures.entries, 0u);
    EXPECT_EQ(r.regions[index(region::qc)].figures.closing, 0);
}

TEST_F(stamp_report, entries_list_every_ledger_entry_with_box_and_user) {
    const stamp_accounting r = accounting("2026Q1", {region::fed}, 0, true);
    const auto& entries = r.regions[0].entries;
    ASSERT_EQ(entries.size(), 82u);
    EXPECT_EQ(entries[1].kind, ledger_kind::usage);
    EXPECT_EQ(entries[1].source_number, "PO-0088");
    EXPECT_EQ(entries[1].box, std::string{s.barcode_of(run_queue(s, po_0088)[0].box)});
    EXPECT_EQ(entries[1].user, "stamper");
    EXPECT_EQ(entries[1].quantity, -100);
    EXPECT_EQ(entries[1].balance_after, 50'000 - 100);
    EXPECT_EQ(entries.back().balance_after, 42'150);
    for (std::size_t i = 1; i < entries.size(); ++i)
        EXPECT_EQ(entries[i].sequence, entries[i - 1].sequence + 1);
}

TEST_F(stamp_report, provenance_names_the_last_lsn_and_its_chain) {
    const stamp_accounting r = accounting("2026Q1", {region::fed});
    EXPECT_EQ(r.from.to_lsn, journal.size());
    EXPECT_EQ(r.from.log_end_lsn, journal.size());
    EXPECT_EQ(r.from.chain, chain);
    EXPECT_EQ(r.from.digest, 0u) << "the digest is a pass over the state: only when asked";
    EXPECT_EQ(r.from.snapshot_lsn, 0u);
    state loaded;
    provenance from;
    std::string error;
    ASSERT_TRUE(load_into({.data_dir = dir.path(), .digest = true}, loaded, from, error)) << error;
    EXPECT_EQ(from.digest, state_digest(s));
}

TEST_F(stamp_report, at_lsn_reproduces_the_report_as_it_was) {
    const stamp_accounting r = accounting("2026Q1", {region::fed}, lsn_before_refund);
    EXPECT_EQ(r.from.to_lsn, lsn_before_refund);
    EXPECT_EQ(r.regions[0].figures.refunded, 0);
    EXPECT_EQ(r.regions[0].figures.closing, 42'000);
}

TEST_F(stamp_report, at_lsn_past_the_log_is_refused_with_the_log_end) {
    state loaded;
    provenance from;
    std::string error;
    EXPECT_FALSE(
        load_into({.data_dir = dir.path(), .at_lsn = journal.size() + 5}, loaded, from, error));
    EXPECT_NE(error.find("past the end of the log (LSN " + std::to_string(journal.size())),
              std::string::npos)
        << error;
}

TEST_F(stamp_report, a_snapshot_and_the_records_after_it_give_the_whole_log_report) {
    temp_dir with_snapshot;
    const std::uint64_t middle = journal.size() / 2;
    EXPECT_EQ(write_data_dir(with_snapshot.path(), journal, {middle}), chain);
    state a, b;
    provenance from_a, from_b;
    std::string error;
    ASSERT_TRUE(load_into({.data_dir = dir.path()}, a, from_a, error)) << error;
    ASSERT_TRUE(load_into({.data_dir = with_snapshot.path()}, b, from_b, error)) << error;
    EXPECT_EQ(from_b.snapshot_lsn, middle);
    EXPECT_EQ(from_b.replayed, journal.size() - middle);
    EXPECT_EQ(from_a.chain, from_b.chain);
    EXPECT_EQ(state_digest(a), state_digest(b));
    // A state that is exactly a snapshot's states the snapshot's digest, for free.
    temp_dir at_end;
    write_data_dir(at_end.path(), journal, {journal.size()});
    state c0;
    provenance from_end;
    ASSERT_TRUE(load_into({.data_dir = at_end.path()}, c0, from_end, error)) << error;
    EXPECT_EQ(from_end.replayed, 0u);
    EXPECT_EQ(from_end.digest, state_digest(s));
    EXPECT_EQ(c0.box_by_barcode.size(), 0u) << "reports do not build the barcode index";
    EXPECT_EQ(c0.boxes.size(), s.boxes.size());
    // A snapshot after the LSN asked for is passed over for the log.
    state c;
    provenance from_c;
    ASSERT_TRUE(
        load_into({.data_dir = with_snapshot.path(), .at_lsn = middle - 1}, c, from_c, error))
        << error;
    EXPECT_EQ(from_c.snapshot_lsn, 0u);
    EXPECT_EQ(from_c.to_lsn, middle - 1);
}

// Without --entries no box is looked at: a snapshot at exactly the LSN asked for is read without
// its boxes and run queue, one with records after it whole; the statement is the same.
TEST_F(stamp_report, a_report_that_looks_at_no_box_reads_the_snapshot_without_boxes) {
    temp_dir at_end, before_end;
    write_data_dir(at_end.path(), journal, {journal.size()});
    write_data_dir(before_end.path(), journal, {journal.size() - 1});
    state whole, boxless, replayed;
    provenance from_whole, from_boxless, from_replayed;
    std::string error;
    ASSERT_TRUE(load_into({.data_dir = at_end.path()}, whole, from_whole, error)) << error;
    ASSERT_TRUE(
        load_into({.data_dir = at_end.path(), .without_boxes = true}, boxless, from_boxless, error))
        << error;
    ASSERT_TRUE(load_into({.data_dir = before_end.path(), .without_boxes = true}, replayed,
                          from_replayed, error))
        << error;
    EXPECT_EQ(boxless.boxes.size(), 0u);
    EXPECT_EQ(boxless.queue.size(), 0u);
    EXPECT_EQ(from_boxless.digest, from_whole.digest);
    EXPECT_EQ(from_replayed.replayed, 1u);
    EXPECT_EQ(replayed.boxes.size(), s.boxes.size()) << "records replayed: the whole state";
    period q1;
    ASSERT_TRUE(parse_period("", "", "", "2026Q1", q1, error)) << error;
    const stamp_accounting w = compute_stamp_accounting(whole, from_whole, q1, {}, false);
    for (const state* loaded : {&boxless, &replayed}) {
        const stamp_accounting r = compute_stamp_accounting(*loaded, from_whole, q1, {}, false);
        ASSERT_EQ(r.regions.size(), w.regions.size());
        for (std::size_t i = 0; i < r.regions.size(); ++i) {
            EXPECT_EQ(r.regions[i].figures.closing, w.regions[i].figures.closing);
            EXPECT_EQ(r.regions[i].figures.entries, w.regions[i].figures.entries);
            EXPECT_EQ(r.regions[i].sources.size(), w.regions[i].sources.size());
        }
        ASSERT_TRUE(r.regions[0].count.has_value());
        EXPECT_EQ(r.regions[0].count->counted, 42'100);
    }
}

TEST_F(stamp_report, a_directory_without_a_log_is_named) {
    state loaded;
    provenance from;
    std::string error;
    EXPECT_FALSE(load_into({.data_dir = dir / "nothing"}, loaded, from, error));
    EXPECT_NE(error.find("not a stampd data directory"), std::string::npos) << error;
}

TEST_F(stamp_report, invoices_are_selected_by_number_status_consignee_and_date) {
    std::vector<invoice_id> ids;
    std::string error;
    EXPECT_TRUE(select_invoices(s, {.numbers = {"INV-000001"}}, ids, error));
    EXPECT_EQ(ids, std::vector<invoice_id>{invoice_0089});
    EXPECT_TRUE(select_invoices(s, {.status = invoice_status::draft}, ids, error));
    EXPECT_TRUE(ids.empty());
    period march;
    ASSERT_TRUE(parse_period("", "", "2026-03", "", march, error));
    EXPECT_TRUE(select_invoices(s, {.span = march}, ids, error));
    EXPECT_EQ(ids.size(), 1u);
    period april;
    ASSERT_TRUE(parse_period("", "", "2026-04", "", april, error));
    EXPECT_TRUE(select_invoices(s, {.span = april}, ids, error));
    EXPECT_TRUE(ids.empty());
    EXPECT_FALSE(select_invoices(s, {.numbers = {"INV-000009"}}, ids, error));
    EXPECT_NE(error.find("no invoice INV-000009"), std::string::npos);
    EXPECT_FALSE(select_invoices(s, {.consignee = "NOBODY"}, ids, error));
    EXPECT_NE(error.find("no consignee 'NOBODY'"), std::string::npos);
}

TEST_F(stamp_report, invoice_and_manifest_keep_their_dates) {
    const invoice& i = s.invoice_at(invoice_0089);
    EXPECT_EQ(format_day(local_day(s.settings.zone, invoice_date_us(i))), "2026-03-21");
    EXPECT_EQ(format_day(local_day(s.settings.zone,
                                   i.since_us[static_cast<std::size_t>(invoice_status::draft)])),
              "2026-03-20");
    std::vector<outbound_id> ids;
    std::string error;
    EXPECT_TRUE(select_outbounds(s, {}, ids, error));
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(format_day(local_day(s.settings.zone, s.outbound_at(ids[0]).created_us)),
              "2026-03-20");
    EXPECT_EQ(s.outbound_at(ids[0]).lines[0].units, 3'650u);
}

TEST(report_period, month_quarter_and_dates) {
    period p;
    std::string error;
    ASSERT_TRUE(parse_period("", "", "", "2026Q1", p, error));
    EXPECT_EQ(format_day(p.first), "2026-01-01");
    EXPECT_EQ(format_day(p.last), "2026-03-31");
    ASSERT_TRUE(parse_period("", "", "", "2025Q4", p, error));
    EXPECT_EQ(format_day(p.last), "2025-12-31");
    ASSERT_TRUE(parse_period("", "", "2024-02", "", p, error));
    EXPECT_EQ(format_day(p.last), "2024-02-29");
    ASSERT_TRUE(parse_period("2026-01-05", "2026-01-05", "", "", p, error));
    EXPECT_EQ(p.first, p.last);
    const time_zone toronto;
    EXPECT_EQ(p.end_us(toronto) - p.begin_us(toronto), 86'400'000'000);
}

TEST(report_period, bad_periods_say_what_was_expected) {
    period p;
    std::string error;
    EXPECT_FALSE(parse_period("", "", "", "2026Q5", p, error));
    EXPECT_NE(error.find("expected YYYYQn"), std::string::npos);
    EXPECT_FALSE(parse_period("", "", "2026-13", "", p, error));
    EXPECT_NE(error.find("expected YYYY-MM"), std::string::npos);
    EXPECT_FALSE(parse_period("2026-02-01", "2026-01-01", "", "", p, error));
    EXPECT_NE(error.find("is before --from"), std::string::npos);
    EXPECT_FALSE(parse_period("2026-02-01", "", "", "", p, error));
    EXPECT_FALSE(parse_period("2026-01-01", "2026-01-02", "2026-01", "", p, error));
    EXPECT_NE(error.find("one way"), std::string::npos);
}

TEST(report_text, figures_money_and_csv) {
    EXPECT_EQ(format_count(42'150), "42,150");
    EXPECT_EQ(format_count(-1'234'567), "-1,234,567");
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_signed_count(150), "+150");
    EXPECT_EQ(format_cents(3'706'626), "$37,066.26");
    EXPECT_EQ(format_cents(-50), "-$0.50");
    EXPECT_EQ(format_decimal(-3'706'626), "-37066.26");
    EXPECT_EQ(rate_text(13'000), "13 %");
    EXPECT_EQ(rate_text(9'975), "9.975 %");
    EXPECT_EQ(rate_text(14'750), "14.75 %");
    EXPECT_EQ(rate_text(5'050), "5.05 %");
    EXPECT_EQ(rate_text(0), "0 %");
    EXPECT_EQ(format_ml(15'000), "15");
    EXPECT_EQ(format_ml(2'500), "2.5");
    std::string row;
    append_csv_row(row, {"Smith, \"Vapes\" Inc.", "Québec", ""});
    EXPECT_EQ(row, "\"Smith, \"\"Vapes\"\" Inc.\",\"Québec\",\"\"\r\n");
    EXPECT_EQ(valid_utf8("Québec – Œuvre 5 € 日本"), "Québec – Œuvre 5 € 日本");
    EXPECT_EQ(valid_utf8(std::string{"a\xC3", 2}), "a\uFFFD");          // cut in a letter
    EXPECT_EQ(valid_utf8(std::string{"\xC0\xAF", 2}), "\uFFFD\uFFFD");  // an overlong '/'
    EXPECT_EQ(valid_utf8("line\none\ttab"), "line one tab");
}

}  // namespace
}  // namespace stampd::testing
