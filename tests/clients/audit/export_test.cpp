// stamp-audit export on the audit data directory: one JSON line per record that parses, with
// every field, the LSN range respected, names resolved, the chain the log's, and a clear stop
// with exit 1 at damage. The binary is run as a process.
#include <gtest/gtest.h>

#include <sstream>

#include "clients/audit/snapshot_list.hpp"
#include "tests/clients/audit/audit_dir_test.hpp"
#include "tests/support/json_check.hpp"
#include "wal/storage/recovery.hpp"

namespace stampd::testing {
namespace {

class export_test : public audit_dir_test {
protected:
    static std::uint64_t unsigned_of(const json::object& o, const char* key) {
        return std::get<std::uint64_t>(json::find(o, key)->data);
    }
    static const std::string& string_of(const json::object& o, const char* key) {
        return *json::find(o, key)->as_string();
    }
    // The first event of the given type, anywhere in the lines.
    static const json::object* event_of(const std::vector<json::object>& lines, const char* type) {
        for (const json::object& l : lines) {
            for (const json::value& e : *json::find(l, "events")->as_array())
                if (string_of(*e.as_object(), "type") == type) return e.as_object();
        }
        return nullptr;
    }
};

TEST_F(export_test, every_record_is_one_json_line_with_every_field) {
    const ran r = run_audit("export", {"--format", "jsonl"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<json::object> lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), last_lsn());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const json::object& l = lines[i];
        EXPECT_EQ(unsigned_of(l, "lsn"), i + 1);
        for (const char* key : {"time", "user", "user_key", "user_name", "station", "client",
                                "request", "chain", "events"})
            EXPECT_NE(json::find(l, key), nullptr) << key;
        const std::string& time = string_of(l, "time");
        ASSERT_EQ(time.size(), 27u) << time;  // 2026-11-23T13:45:01.123456Z
        EXPECT_EQ(time[10], 'T');
        EXPECT_EQ(time[19], '.');
        EXPECT_EQ(time.back(), 'Z');
        EXPECT_EQ(unsigned_of(l, "client"), i < 2 ? 0 : audit_client);  // bootstrap sends none
        EXPECT_FALSE(json::find(l, "events")->as_array()->empty());
    }
    EXPECT_TRUE(json::find(lines[0], "user_key")->is_null());  // the first user, made by nobody
    EXPECT_EQ(string_of(lines[1], "user_key"), "admin");
    EXPECT_EQ(string_of(lines[1], "user_name"), "admin");
    // Enum values as SPEC.md names them, and the figures of the events.
    const json::object* cancelled = event_of(lines, "po_cancelled");
    ASSERT_NE(cancelled, nullptr);
    EXPECT_EQ(string_of(*cancelled, "from"), "InProduction");
    const json::object& refund =
        *json::find(*cancelled, "movements")->as_array()->at(0).as_object();
    EXPECT_EQ(string_of(refund, "kind"), "REFUND_CANCEL");
    EXPECT_EQ(string_of(refund, "region"), "ON");
    EXPECT_EQ(unsigned_of(refund, "quantity"), 100u);
    const json::object* confirmed = event_of(lines, "box_confirmed");
    ASSERT_NE(confirmed, nullptr);
    EXPECT_EQ(string_of(*confirmed, "outcome"), "confirmed");
    EXPECT_EQ(
        string_of(*json::find(*confirmed, "movements")->as_array()->at(0).as_object(), "kind"),
        "USAGE");
    const json::object* received = event_of(lines, "box_received");
    ASSERT_NE(received, nullptr);
    EXPECT_EQ(string_of(*received, "barcode"), "S1-000000");
    // The chain on the last line is the log's: the last snapshot (taken at the end) holds it.
    raw_env snapshots(data() + "/snapshots", "snapshots");
    const std::uint64_t at = snapshots.keys().back();
    ASSERT_EQ(at, last_lsn());
    state s;
    const wal::snapshot_check c = wal::check_snapshot_value(snapshots.get(at), s);
    EXPECT_EQ(string_of(lines.back(), "chain"), audit::hex64(c.header.chain));
}

TEST_F(export_test, the_lsn_range_is_respected_and_can_go_to_a_file) {
    const ran r = run_audit("export", {"--from-lsn", "5", "--to-lsn", "9", "--out", work / "out"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    const std::vector<json::object> lines = json_lines(slurp(work / "out"));
    ASSERT_EQ(lines.size(), 5u);
    for (std::size_t i = 0; i < lines.size(); ++i)
        EXPECT_EQ(unsigned_of(lines[i], "lsn"), 5 + i);
    const ran tail = run_audit("export", {"--from-lsn", std::to_string(last_lsn())});
    ASSERT_EQ(tail.code, 0) << tail.err;
    EXPECT_EQ(json_lines(tail.out).size(), 1u);
}

TEST_F(export_test, a_range_that_does_not_fit_is_a_usage_error_naming_the_figures) {
    ran r = run_audit("export", {"--from-lsn", "900", "--to-lsn", "100"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--from-lsn 900 is after --to-lsn 100"), std::string::npos) << r.err;
    r = run_audit("export", {"--to-lsn", "900"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--to-lsn 900 is after the log's last LSN " + std::to_string(last_lsn())),
              std::string::npos)
        << r.err;
    EXPECT_EQ(run_audit("export", {"--format", "csv"}).code, 2);
    EXPECT_EQ(run_audit("export", {"--from-lsn", "0"}).code, 2);
}

TEST_F(export_test, damage_stops_the_export_with_exit_1) {
    {
        raw_env log(data() + "/log", "records");
        std::vector<std::uint8_t> value = log.get(20);
        value[wal::record_header_size + 3] ^= 0x10;
        log.put(20, value);
    }
    const ran r = run_audit("export", {"--from-lsn", "10"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("LSN 20: bad checksum"), std::string::npos) << r.err;
    EXPECT_EQ(json_lines(r.out).size(), 10u);  // LSN 10..19
}

}  // namespace
}  // namespace stampd::testing
