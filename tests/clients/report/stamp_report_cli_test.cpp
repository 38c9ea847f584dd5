// The real stamp-report binary (STAMP_REPORT) on a real data directory: CSV with a stable header
// and the seed's figures, JSON that parses, PDFs read back with pdftotext (PDFTOTEXT) holding the
// figures a person checks, exit codes 0/1/2 with the message a person needs, and a report taken
// while the runtime has the directory open and is writing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "clients/report/report_text.hpp"
#include "tests/clients/report/report_cli.hpp"
#include "tests/clients/report/seed_warehouse.hpp"
#include "tests/support/data_dir_writer.hpp"
#include "tests/support/json_check.hpp"
#include "tests/support/run_program.hpp"
#include "tests/support/runtime_harness.hpp"

namespace stampd::testing {
namespace {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                rows.back().back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                rows.back().back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().emplace_back();
        } else if (c == '\n') {
            rows.emplace_back(1);
        } else if (c != '\r') {
            rows.back().back() += c;
        }
    }
    if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
    return rows;
}

// The value in `column` of the row whose first columns match.
std::string cell(const std::vector<std::vector<std::string>>& rows, const std::string& region,
                 const std::string& kind_of_row, const std::string& column) {
    const auto& header = rows.at(0);
    const auto at = std::find(header.begin(), header.end(), column) - header.begin();
    for (const auto& r : rows) {
        if (r.size() == header.size() && r[0] == region && r[1] == kind_of_row) return r[at];
    }
    ADD_FAILURE() << "no row " << region << "/" << kind_of_row;
    return {};
}

class stamp_report_cli : public seed_warehouse {
protected:
    temp_dir dir;
    std::uint64_t chain = 0;

    void SetUp() override {
        seed_warehouse::SetUp();
        chain = write_data_dir(dir / "data", journal);
    }

    ran report(std::vector<std::string> args) { return report_cli{dir}.report(std::move(args)); }
    std::string pdf_text(const std::string& pdf) { return report_cli{dir}.pdf_text(pdf); }
};

TEST_F(stamp_report_cli, accounting_csv_has_a_stable_header_and_the_seed_figures) {
    const ran r = report({"stamp-accounting", "--quarter", "2026Q1", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    ASSERT_GT(rows.size(), 2u);
    EXPECT_EQ(rows[0],
              (std::vector<std::string>{"region", "row", "kind", "source", "consignee", "box",
                                        "user", "station", "override", "date", "time_utc", "lsn",
                                        "sequence", "entries", "quantity", "balance", "note"}));
    EXPECT_EQ(cell(rows, "FED", "opening", "balance"), "12500");
    EXPECT_EQ(cell(rows, "FED", "received", "quantity"), "37500");
    EXPECT_EQ(cell(rows, "FED", "used", "quantity"), "8000");
    EXPECT_EQ(cell(rows, "FED", "refunded", "quantity"), "150");
    EXPECT_EQ(cell(rows, "FED", "closing", "balance"), "42150");
    EXPECT_EQ(cell(rows, "ON", "closing", "balance"), "25000");
    EXPECT_EQ(cell(rows, "FED", "count", "quantity"), "42100");
    EXPECT_EQ(cell(rows, "FED", "count", "date"), "2026-03-31");
    EXPECT_EQ(cell(rows, "FED", "discrepancy", "quantity"), "-50");
    EXPECT_EQ(cell(rows, "ON", "count", "quantity"), "");
    EXPECT_EQ(cell(rows, "ON", "count", "note"), "none entered for the close of 2026-03-31");
    EXPECT_EQ(cell(rows, "", "licensee", "note"), "Entrepôt Boréal Inc.");
    EXPECT_EQ(cell(rows, "", "period", "date"), "2026-01-01");
    EXPECT_EQ(cell(rows, "", "computed_from", "lsn"), std::to_string(journal.size()));
    EXPECT_NE(cell(rows, "", "computed_from", "note").find(report::format_hex64(chain)),
              std::string::npos);
    for (const auto& row : rows)
        EXPECT_EQ(row.size(), rows[0].size());
}

TEST_F(stamp_report_cli, accounting_entries_are_in_csv_with_iso_dates) {
    const ran r = report({"stamp-accounting", "--month", "2026-02", "--region", "FED", "--entries",
                          "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    std::size_t entries = 0;
    for (const auto& row : rows) {
        if (row[1] != "entry") continue;
        ++entries;
        EXPECT_EQ(row[9], "2026-02-10");
        EXPECT_EQ(row[10].substr(0, 11), "2026-02-10T");
        EXPECT_EQ(row[14], "-100");
    }
    EXPECT_EQ(entries, 42u);
}

TEST_F(stamp_report_cli, accounting_json_parses_and_states_its_source) {
    const ran r = report({"stamp-accounting", "--quarter", "2026Q1", "--region", "FED", "--format",
                          "json", "--entries"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto parsed = json_reader(r.out).parse();
    ASSERT_TRUE(parsed.has_value()) << r.out.substr(0, 400);
    const json::object& top = *parsed->as_object();
    const json::value& region0 = (*json::find(top, "regions")->as_array())[0];
    const json::object& fed = *region0.as_object();
    EXPECT_EQ(json::to_string(*json::find(fed, "closing")), "42150");
    EXPECT_EQ(json::to_string(*json::find(fed, "opening")), "12500");
    EXPECT_EQ(json::find(fed, "ledger_entries")->as_array()->size(), 82u);
    const json::object& count = *json::find(fed, "physical_count")->as_object();
    EXPECT_EQ(json::to_string(*json::find(count, "counted")), "42100");
    EXPECT_EQ(*json::find(count, "as_of")->as_string(), "2026-03-31");
    EXPECT_EQ(json::to_string(*json::find(fed, "discrepancy")), "-50");
    EXPECT_EQ(json::find(fed, "available_to_promise"), nullptr);
    const json::object& licensee = *json::find(top, "licensee")->as_object();
    EXPECT_EQ(*json::find(licensee, "excise_licence")->as_string(), "VL-2026-0042");
    const json::object& from = *json::find(top, "computed_from")->as_object();
    EXPECT_EQ(*json::find(from, "chain")->as_string(), report::format_hex64(chain));
}

TEST_F(stamp_report_cli, accounting_pdf_reads_like_the_seed_statement) {
    const std::string pdf = dir / "q1.pdf";
    const ran r =
        report({"stamp-accounting", "--quarter", "2026Q1", "--format", "pdf", "--out", pdf});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string text = pdf_text(pdf);
    for (const char* expected :
         {"Stamp Accounting Report", "Opening balance", "12,500",
          "Received from stamp order SO-000002", "37,500", "Used in production PO-0088", "4,200",
          "PO-0091", "3,800", "Refund from verification of PO-0089", "150", "= Closing balance",
          "42,150", "Ontario", "25,000", "Page 1 of",
          // The licensee, the count at the period's end and its discrepancy, the attestation.
          "Entrepôt Boréal Inc.", "12 rue du Port, Québec QC", "123456789RT0001",
          "1234567890TQ0001", "VL-2026-0042", "Physical count at the close of 2026-03-31", "42,100",
          "Discrepancy (counted - closing)", "-50", "none entered", "Attestation", "I certify",
          "Name:", "Title:", "Signature:", "Date:"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    EXPECT_EQ(text.find("available to promise"), std::string::npos) << text;
    EXPECT_NE(text.find(report::format_hex64(chain)), std::string::npos) << text;
}

TEST_F(stamp_report_cli, invoice_pdf_and_csv_carry_every_line_fee_tax_and_total) {
    // 3,650 units × 15 mL → 8 increments × $1.12 = $8.96 a unit, $32,704.00 of duty; fees
    // $73.00 (2¢ × 3,650) + $25.00; subtotal $32,802.00; 13 % tax $4,264.26; total $37,066.26.
    const std::string pdf = dir / "invoices.pdf";
    ran r = report({"invoices", "--format", "pdf", "--out", pdf});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string text = pdf_text(pdf);
    for (const char* expected :
         {"Invoice INV-000001", "Issued", "2026-03-21", "PO-0089", "NORWOOD", "3,650", "15 mL",
          "$1.12", "$8.96", "$32,704.00", "Stamping, per unit", "$73.00", "Handling", "$25.00",
          "$32,802.00", "HST 13 % (Ontario)", "$4,264.26", "$37,066.26"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    r = report({"invoices", "--invoice", "INV-000001", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    const auto amount = [&rows](const std::string& kind_of_row) {
        for (const auto& row : rows)
            if (row.size() > 18 && row[9] == kind_of_row) return row[18];
        return std::string{"(none)"};
    };
    EXPECT_EQ(amount("line"), "32704.00");
    EXPECT_EQ(amount("subtotal"), "32802.00");
    EXPECT_EQ(amount("tax"), "4264.26");
    EXPECT_EQ(amount("total"), "37066.26");
}

TEST_F(stamp_report_cli, outbound_manifest_lists_verified_units) {
    ran r = report({"outbound", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[1][0], "OUT-000001");
    EXPECT_EQ(rows[1][1], "PO-0089");
    EXPECT_EQ(rows[1][4], "2026-03-20");
    EXPECT_EQ(rows[1][9], "3650");
    const std::string pdf = dir / "outbound.pdf";
    r = report({"outbound", "--format", "pdf", "--out", pdf});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string text = pdf_text(pdf);
    EXPECT_NE(text.find("OUT-000001"), std::string::npos) << text;
    EXPECT_NE(text.find("3,650"), std::string::npos) << text;
}

// Output to something that is not a regular file is written in place: renaming a temporary over
// it would replace a device (as root, /dev/null itself) or a pipe with a plain file.
TEST_F(stamp_report_cli, output_to_a_pipe_is_written_in_place_not_replaced) {
    const std::string fifo = dir / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const pid_t reader = start_program(dir, "cat", "/bin/cat", {fifo}, {});
    const ran r = report({"stamp-accounting", "--quarter", "2026Q1", "--out", fifo});
    EXPECT_EQ(r.code, 0) << r.err;
    const ran read = wait_program(dir, "cat", reader);
    EXPECT_NE(read.out.find("\"closing\""), std::string::npos) << read.out.substr(0, 200);
    struct stat st {};
    ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the pipe was replaced by a file";
}

TEST_F(stamp_report_cli, usage_errors_exit_2_and_not_a_data_directory_exit_3) {
    ran r = report({"stamp-accounting", "--quarter", "2026Q5"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("expected YYYYQn"), std::string::npos) << r.err;
    r = report({"stamp-accounting", "--format", "pdf"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--out FILE.pdf"), std::string::npos) << r.err;
    r = report({"invoices", "--invoice", "INV-000042"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("no invoice INV-000042 (there are 1)"), std::string::npos) << r.err;
    r = report({"stamp-accounting", "--region", "NB"});
    EXPECT_EQ(r.code, 2);
    r = report({});
    EXPECT_EQ(r.code, 2);
    r = run_program(dir, STAMP_REPORT, {"stamp-accounting", "--data", dir / "missing"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.err, "stamp-report: " + dir / "missing" +
                         " is not a stampd data directory (it does not "
                         "exist)\n");
    r = run_program(dir, STAMP_REPORT, {"invoices", "--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("3 not a data directory"), std::string::npos) << r.out;
}

// --data defaults to ./data in every subcommand, and a directory without a log is exit 3, the
// code stamp-audit gives it, with the path and what it lacks.
TEST_F(stamp_report_cli, every_subcommand_reads_dot_data_by_default) {
    for (const char* command : {"stamp-accounting", "invoices", "outbound"}) {
        ran r = run_program_in(dir, dir.path(), STAMP_REPORT, {command, "-q"});
        EXPECT_EQ(r.code, 0) << command << ": " << r.err;
        EXPECT_FALSE(r.out.empty()) << command;
        const std::string empty = dir / "empty";
        std::filesystem::create_directories(empty + "/data");
        r = run_program_in(dir, empty, STAMP_REPORT, {command});
        EXPECT_EQ(r.code, 3) << command;
        EXPECT_EQ(r.err, "stamp-report: ./data is not a stampd data directory (no log/ in it)\n")
            << command;
    }
}

// stampd holds the directory and keeps writing: the report opens it read-only, sees a
// consistent state at some LSN, and the writer goes on while it runs.
TEST(stamp_report_live, reports_while_the_engine_writes) {
    temp_dir dir;
    runtime_harness h;
    ASSERT_TRUE(h.open(dir / "data").ok()) << h.error;
    bootstrap(h);
    for (int i = 0; i < 200; ++i)
        h.run(workload_admin, tagged_order(1, static_cast<std::uint64_t>(i)));
    const pid_t child = start_program(
        dir, "report", STAMP_REPORT,
        {"stamp-accounting", "--data", dir / "data", "--format", "csv", "--normal-priority"}, {});
    for (int i = 200; i < 400; ++i)
        h.run(workload_admin, tagged_order(1, static_cast<std::uint64_t>(i)));
    const ran r = wait_program(dir, "report", child);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    EXPECT_GE(std::stoull(cell(rows, "", "computed_from", "lsn")), 202u);
    EXPECT_TRUE(h.run(workload_admin, tagged_order(1, 400)).verdict.ok());
}

}  // namespace
}  // namespace stampd::testing
