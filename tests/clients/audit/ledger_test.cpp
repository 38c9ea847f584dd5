// stamp-audit ledger on the audit data directory: the statement's opening, lines and closing
// against the figures computed by hand for the run in audit_data.hpp, in text, CSV and JSON
// lines, for whole and partial periods; and its usage errors.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/clients/audit/audit_dir_test.hpp"
#include "tests/support/json_check.hpp"

namespace stampd::testing {
namespace {

struct entry_row {
    const char* kind;
    i64 quantity, balance;
    const char* source;
    const char* box;
    const char* user;
};

class ledger_test : public audit_dir_test {
protected:
    std::vector<json::object> statement(std::vector<std::string> args) {
        args.push_back("--format");
        args.push_back("jsonl");
        const ran r = run_audit("ledger", args);
        EXPECT_EQ(r.code, 0) << r.err;
        return json_lines(r.out);
    }
    static i64 figure(const json::object& o, const char* key) {
        const json::value* v = json::find(o, key);
        if (const auto* i = std::get_if<std::int64_t>(&v->data)) return *i;
        return static_cast<i64>(std::get<std::uint64_t>(v->data));
    }
    static std::string text(const json::object& o, const char* key) {
        return *json::find(o, key)->as_string();
    }
};

TEST_F(ledger_test, the_federal_statement_matches_the_hand_computed_figures) {
    const std::vector<json::object> lines = statement({"--region", "FED"});
    ASSERT_EQ(lines.size(), 6u);  // opening, 4 entries, closing
    EXPECT_EQ(text(lines[0], "type"), "opening");
    EXPECT_EQ(figure(lines[0], "balance"), 0);
    const entry_row want[] = {{"RECEIPT", 25'000, 25'000, "SO-000001", "", "sup"},
                              {"USAGE", -100, 24'900, "PO-000001", "S1-000000", "stamper"},
                              {"USAGE", -100, 24'800, "PO-000001", "S1-000001", "stamper"},
                              {"REFUND_VERIFY", 10, 24'810, "PO-000001", "", "verifier"}};
    for (std::size_t i = 0; i < 4; ++i) {
        const json::object& l = lines[i + 1];
        EXPECT_EQ(text(l, "type"), "entry");
        EXPECT_EQ(figure(l, "seq"), static_cast<i64>(i + 1));
        EXPECT_EQ(text(l, "kind"), want[i].kind);
        EXPECT_EQ(figure(l, "quantity"), want[i].quantity);
        EXPECT_EQ(figure(l, "balance_after"), want[i].balance);
        EXPECT_EQ(text(l, "source"), want[i].source);
        EXPECT_EQ(text(l, "box"), want[i].box);
        EXPECT_EQ(text(l, "user"), want[i].user);
        EXPECT_EQ(figure(l, "station"), 1);
        EXPECT_FALSE(std::get<bool>(json::find(l, "override")->data));
    }
    const json::object& closing = lines.back();
    EXPECT_EQ(text(closing, "type"), "closing");
    EXPECT_EQ(figure(closing, "balance"), expected_fed.balance);
    EXPECT_EQ(figure(closing, "received"), expected_fed.received);
    EXPECT_EQ(figure(closing, "used"), expected_fed.used);
    EXPECT_EQ(figure(closing, "refunded"), expected_fed.refunded);
}

TEST_F(ledger_test, a_period_gives_its_opening_and_closing) {
    // Everything happened today: a period long before has no entries and a zero balance, one
    // long after opens and closes on the final balance, one around today has every entry.
    std::vector<json::object> before =
        statement({"--region", "ON", "--from", "2000-01-01", "--to", "2000-01-31"});
    ASSERT_EQ(before.size(), 2u);
    EXPECT_EQ(figure(before[0], "balance"), 0);
    EXPECT_EQ(figure(before[1], "balance"), 0);
    std::vector<json::object> after = statement({"--region", "ON", "--from", "2100-01-01"});
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(figure(after[0], "balance"), expected_on.balance);
    EXPECT_EQ(figure(after[1], "balance"), expected_on.balance);
    std::vector<json::object> around =
        statement({"--region", "ON", "--from", "2000-01-01", "--to", "2100-01-01", "--utc"});
    ASSERT_EQ(around.size(), 5u);
    EXPECT_EQ(text(around[0], "zone"), "UTC");
    EXPECT_EQ(text(around[3], "kind"), "REFUND_CANCEL");
    EXPECT_EQ(figure(around[3], "quantity"), 100);
    EXPECT_EQ(figure(around[4], "balance"), expected_on.balance);
    EXPECT_EQ(figure(around[4], "used"), expected_on.used);
}

TEST_F(ledger_test, text_and_csv_carry_the_same_figures) {
    const ran t = run_audit("ledger", {"--region", "FED"});
    ASSERT_EQ(t.code, 0) << t.err;
    EXPECT_NE(t.out.find("Stamp ledger FED"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("America/Toronto"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("+25000"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("0 + 25000 - 200 + 10 = 24810"), std::string::npos) << t.out;
    const ran c = run_audit("ledger", {"--region", "ON", "--format", "csv"});
    ASSERT_EQ(c.code, 0) << c.err;
    std::istringstream in(c.out);
    std::vector<std::string> rows;
    for (std::string row; std::getline(in, row);)
        rows.push_back(row);
    ASSERT_EQ(rows.size(), 6u);  // header, opening, 3 entries, closing
    EXPECT_EQ(rows[0].rfind("region,seq,lsn,time,kind", 0), 0u);
    EXPECT_NE(rows[3].find(",USAGE,\"PO-000002\",\"S1-000002\",\"stamper\",1,no,-100,25400"),
              std::string::npos)
        << rows[3];
    EXPECT_EQ(rows[5], "ON,,,,CLOSING,,,,,,,25500");
}

TEST_F(ledger_test, usage_errors_name_the_figures) {
    ran r = run_audit("ledger", {"--region", "FED", "--from", "2026-13-01"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--from 2026-13-01 is not a date"), std::string::npos) << r.err;
    r = run_audit("ledger", {"--region", "FED", "--from", "2026-02-01", "--to", "2026-01-01"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--from 2026-02-01 is after --to 2026-01-01"), std::string::npos) << r.err;
    EXPECT_EQ(run_audit("ledger", {"--region", "XX"}).code, 2);
    EXPECT_EQ(run_audit("ledger", {}).code, 2);  // --region is required
}

}  // namespace
}  // namespace stampd::testing
