// stamp-audit verify on a real data directory: clean, then one kind of damage per test on a copy
// (a flipped payload byte, a removed record, two records swapped, a re-chained record, a flipped
// snapshot byte, a snapshot re-encoded with a valid checksum around a different state). The CLI
// is run as a process where its exit code and output are what is tested; library calls elsewhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "clients/audit/verify.hpp"
#include "tests/clients/audit/audit_data.hpp"
#include "tests/clients/audit/audit_dir_test.hpp"
#include "tests/support/json_check.hpp"
#include "tests/support/recovered.hpp"
#include "tests/support/run_program.hpp"
#include "wal/storage/durable_mark.hpp"
#include "wal/storage/recovery.hpp"
#include "wal/storage/seal_file.hpp"

namespace stampd::testing {
namespace {

class verify_test : public audit_dir_test {
protected:
    ran audit(std::vector<std::string> args) { return run_audit("verify", std::move(args)); }

    // stamp-audit verify --json on a directory it must find clean: exit 0 and one JSON object.
    std::optional<json::value> verify_json() {
        const ran r = audit({"--json"});
        EXPECT_EQ(r.code, 0) << r.out << r.err;
        auto parsed = json_reader(r.out).parse();
        EXPECT_TRUE(parsed && parsed->as_object()) << r.out;
        if (r.code != 0 || !parsed || !parsed->as_object()) return std::nullopt;
        return parsed;
    }

    audit::verify_report verify_here(bool threaded = true, std::size_t chunk = 65'536) {
        std::unique_ptr<wal::data_dir> dir;
        const wal::status opened = wal::data_dir::open_for_reading(data(), dir);
        EXPECT_TRUE(opened.ok()) << opened.message();
        if (!opened.ok()) return {};
        return audit::verify(*dir,
                             {.threaded = threaded, .chunk_records_max = chunk, .quiet = true});
    }
};

void expect_region(const json::value& regions, const expected_region& want) {
    const json::value* found = nullptr;
    for (const json::value& r : *regions.as_array()) {
        if (*json::find(*r.as_object(), "region")->as_string() == to_string(want.stamp_region))
            found = &r;
    }
    ASSERT_NE(found, nullptr) << to_string(want.stamp_region);
    const json::object& o = *found->as_object();
    const auto figure = [&](const char* key) {
        const json::value* v = json::find(o, key);
        if (const auto* i = std::get_if<std::int64_t>(&v->data)) return *i;
        return static_cast<std::int64_t>(std::get<std::uint64_t>(v->data));
    };
    EXPECT_EQ(figure("balance"), want.balance);
    EXPECT_EQ(figure("entries"), static_cast<i64>(want.entries));
    EXPECT_EQ(figure("received"), want.received);
    EXPECT_EQ(figure("used"), want.used);
    EXPECT_EQ(figure("refunded"), want.refunded);
    EXPECT_EQ(figure("reserved"), want.reserved);
    EXPECT_EQ(figure("available_to_promise"), want.balance - want.reserved);
}

TEST_F(verify_test, clean_directory_exits_0_with_the_states_figures) {
    const auto parsed = verify_json();
    ASSERT_TRUE(parsed);
    const json::object& o = *parsed->as_object();
    EXPECT_EQ(std::get<bool>(json::find(o, "clean")->data), true);
    EXPECT_TRUE(json::find(o, "findings")->as_array()->empty());
    const json::array& snapshots = *json::find(o, "snapshots")->as_array();
    ASSERT_EQ(snapshots.size(), 3u);  // snapshots_kept
    for (const json::value& s : snapshots) {
        EXPECT_EQ(*json::find(*s.as_object(), "self_check")->as_string(), "ok");
        EXPECT_TRUE(std::get<bool>(json::find(*s.as_object(), "compared")->data));
    }
    expect_region(*json::find(o, "regions"), expected_fed);
    expect_region(*json::find(o, "regions"), expected_on);
    // The summary is the state recovery rebuilds.
    wal::recovery_result rr;
    const state s = recovered(data(), from::log_start, &rr);
    EXPECT_EQ(*json::find(o, "state_digest")->as_string(), audit::hex64(state_digest(s)));
    EXPECT_EQ(std::get<std::uint64_t>(json::find(o, "records_applied")->data), rr.lsn);
    const ran text = audit({});
    EXPECT_EQ(text.code, 0);
    EXPECT_NE(text.out.find("result: clean"), std::string::npos) << text.out;
}

// A directory without snapshots/ (never snapshotted, or snapshots removed) is audited from the
// log alone: it opens, and a whole log is clean.
TEST_F(verify_test, a_directory_without_snapshots_is_audited_from_the_log) {
    std::filesystem::remove_all(data() + "/snapshots");
    const auto parsed = verify_json();
    ASSERT_TRUE(parsed);
    const json::object& o = *parsed->as_object();
    EXPECT_EQ(std::get<bool>(json::find(o, "clean")->data), true);
    EXPECT_TRUE(json::find(o, "snapshots")->as_array()->empty());
    expect_region(*json::find(o, "regions"), expected_fed);
}

TEST_F(verify_test, one_thread_and_small_chunks_find_the_same) {
    const audit::verify_report two = verify_here(true, 65'536);
    const audit::verify_report one = verify_here(false, 3);
    const audit::verify_report small = verify_here(true, 1);
    EXPECT_TRUE(two.findings.empty());
    EXPECT_EQ(two.final_digest, one.final_digest);
    EXPECT_EQ(two.final_digest, small.final_digest);
    EXPECT_EQ(two.records_applied, small.records_applied);
    EXPECT_TRUE(small.findings.empty());
    for (const audit::snapshot_report& s : small.snapshots)
        EXPECT_TRUE(s.compared && s.digest_matches && s.chain_matches) << s.lsn;
}

TEST_F(verify_test, flipped_payload_byte_is_a_bad_checksum_at_its_lsn) {
    const std::uint64_t end = last_lsn();
    {
        raw_env log(data() + "/log", "records");
        std::vector<std::uint8_t> value = log.get(20);
        ASSERT_GT(value.size(), wal::record_header_size + 8);
        value[wal::record_header_size + 6] ^= 0x40;
        log.put(20, value);
    }
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("LSN 20: bad checksum (stored 0x"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(", computed 0x"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("LSN 20: the replay stopped here"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::to_string(end - 20) + " record(s) follow (LSN 21.." +
                         std::to_string(end) + ")"),
              std::string::npos)
        << r.out;
    const audit::verify_report v = verify_here();
    EXPECT_EQ(v.replayed_to_lsn, 19u);
    EXPECT_EQ(v.damage.status, wal::record_status::bad_checksum);
    EXPECT_EQ(v.survey.intact, end - 20);  // the records after it are intact on their own
}

TEST_F(verify_test, removed_record_is_a_gap_named_by_its_lsn) {
    { raw_env(data() + "/log", "records").remove(17); }
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("LSN 17: missing: the log goes from LSN 16 to LSN 18"), std::string::npos)
        << r.out;
    const audit::verify_report v = verify_here();
    EXPECT_EQ(v.damage.status, wal::record_status::gap);
    EXPECT_EQ(v.replayed_to_lsn, 16u);
}

TEST_F(verify_test, swapped_records_are_both_named) {
    {
        raw_env log(data() + "/log", "records");
        const std::vector<std::uint8_t> a = log.get(12), b = log.get(13);
        log.put(12, b);
        log.put(13, a);
    }
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("LSN 12: the record stored under LSN 12 says it is LSN 13"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("LSN 13: the record stored under LSN 13 says it is LSN 12"),
              std::string::npos)
        << r.out;
}

TEST_F(verify_test, a_record_rechained_with_a_valid_checksum_breaks_the_chain) {
    {
        raw_env log(data() + "/log", "records");
        const std::vector<std::uint8_t> value = log.get(9);
        wal::record_view v;
        ASSERT_EQ(wal::parse_record(value, 9, v), wal::record_status::ok);
        const wal::record_header& h = v.header;
        std::vector<std::uint8_t> forged;
        wal::encode_record({.lsn = h.lsn,
                            .time_us = h.time_us,
                            .user = h.user,
                            .station = h.station,
                            .client = h.client,
                            .request = h.request,
                            .previous_chain = h.previous_chain ^ 1,
                            .event_count = h.event_count},
                           v.payload, forged);
        log.put(9, forged);
    }
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("LSN 9: chain broken"), std::string::npos) << r.out;
}

TEST_F(verify_test, flipped_snapshot_byte_is_a_bad_snapshot_checksum) {
    std::uint64_t at = 0;
    {
        raw_env snapshots(data() + "/snapshots", "snapshots");
        at = snapshots.keys().front();
        std::vector<std::uint8_t> value = snapshots.get(at);
        value[value.size() / 2] ^= 0x01;
        snapshots.put(at, value);
    }
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("snapshot at LSN " + std::to_string(at) + ": bad checksum (stored 0x"),
              std::string::npos)
        << r.out;
}

TEST_F(verify_test, snapshot_of_a_different_state_is_caught_by_the_digest_alone) {
    std::uint64_t at = 0;
    {
        raw_env snapshots(data() + "/snapshots", "snapshots");
        at = snapshots.keys()[1];
        state s;
        const wal::snapshot_check c = wal::check_snapshot_value(snapshots.get(at), s);
        ASSERT_EQ(c.status, wal::snapshot_status::ok);
        s.users[2].name = "Someone Else";  // a consistent state, but not the log's
        std::vector<std::uint8_t> forged;
        wal::encode_snapshot_value(s, c.header.chain, forged);
        snapshots.put(at, forged);
    }
    const audit::verify_report v = verify_here();
    ASSERT_EQ(v.findings.size(), 1u);
    EXPECT_EQ(v.findings[0].kind, "snapshot_digest");
    const ran r = audit({});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("snapshot at LSN " + std::to_string(at) + ": digest 0x"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("differs from the replayed state's 0x"), std::string::npos) << r.out;
}

TEST_F(verify_test, snapshot_with_another_chain_is_named) {
    std::uint64_t at = 0;
    {
        raw_env snapshots(data() + "/snapshots", "snapshots");
        at = snapshots.keys().back();
        state s;
        const wal::snapshot_check c = wal::check_snapshot_value(snapshots.get(at), s);
        ASSERT_EQ(c.status, wal::snapshot_status::ok);
        std::vector<std::uint8_t> forged;
        wal::encode_snapshot_value(s, c.header.chain + 1, forged);
        snapshots.put(at, forged);
    }
    const audit::verify_report v = verify_here();
    ASSERT_EQ(v.findings.size(), 1u);
    EXPECT_EQ(v.findings[0].kind, "snapshot_chain");
    EXPECT_EQ(v.findings[0].lsn, at);
}

TEST_F(verify_test, usage_errors_exit_2_and_an_unreadable_directory_3) {
    EXPECT_EQ(run_program(work, STAMP_AUDIT, {"verify", "--chunk-records", "0"}).code, 2);
    EXPECT_EQ(run_program(work, STAMP_AUDIT, {"frobnicate"}).code, 2);
    EXPECT_EQ(run_program(work, STAMP_AUDIT, {}).code, 2);
    const ran missing = run_program(work, STAMP_AUDIT, {"verify", "--data", work / "nothing"});
    EXPECT_EQ(missing.code, 3);
    EXPECT_NE(
        missing.err.find(work / "nothing" + " is not a stampd data directory (it does not exist)"),
        std::string::npos)
        << missing.err;
    const ran help = run_program(work, STAMP_AUDIT, {"verify", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--data TEXT=./data"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("3 the data directory cannot be opened (not a data directory"),
              std::string::npos)
        << help.out;
}

// Like stamp-report, every subcommand reads ./data when --data is not given.
TEST_F(verify_test, every_subcommand_reads_dot_data_by_default) {
    const std::vector<std::vector<std::string>> commands = {
        {"verify", "--quiet"}, {"export", "--quiet"}, {"ledger", "--region", "FED", "--quiet"}};
    for (const auto& args : commands) {
        const ran r = run_program_in(work, work.path(), STAMP_AUDIT, args);
        EXPECT_EQ(r.code, 0) << args[0] << ": " << r.err;
        EXPECT_FALSE(r.out.empty()) << args[0];
    }
}

// "Not a data directory" says which path and what it lacks, exit 3 from every subcommand.
TEST_F(verify_test, not_a_data_directory_names_the_path_and_what_is_missing) {
    const std::string elsewhere = work / "elsewhere";
    std::filesystem::create_directories(elsewhere);
    const auto expect_missing = [&](const std::string& what) {
        for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
                 {"verify"}, {"export"}, {"ledger", "--region", "FED"}}) {
            const ran r = run_program_in(work, elsewhere, STAMP_AUDIT, args);
            EXPECT_EQ(r.code, 3) << args[0];
            EXPECT_EQ(r.err, "stamp-audit: ./data is not a stampd data directory (" + what + ")\n")
                << args[0];
        }
    };
    expect_missing("it does not exist");
    { std::ofstream(elsewhere + "/data") << "not a directory\n"; }
    expect_missing("it is a file, not a directory");
    std::filesystem::remove(elsewhere + "/data");
    std::filesystem::create_directories(elsewhere + "/data/snapshots");
    expect_missing("no log/ in it");
    std::filesystem::create_directories(elsewhere + "/data/log");
    expect_missing("no log/data.mdb in it");
}

// The keyed seal (issue 14): the chain of XXH3 checksums finds accidents, not a forger. A record
// is changed (a station swapped) and every record after it re-encoded with a recomputed
// checksum and chain, DATA/DURABLE rewritten to match and the snapshots removed: plain verify
// finds nothing. With the key stampd sealed the log with, verify names the first seal that no
// longer holds and the last LSN the log can be trusted to.
TEST(verify_seals, a_forged_record_with_a_recomputed_chain_is_found_by_the_seals) {
    temp_dir work;
    const std::string data = work / "data", key_file = work / "seal.key";
    const std::string key = write_seal_key(key_file);
    write_sealed_run(data, key);
    const std::vector<std::string> with_key = {"verify",  "--data",          data,
                                               "--quiet", "--seal-key-file", key_file};
    ran r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("seals: 6, 6 hold; the log is sealed through LSN 52"), std::string::npos)
        << r.out;  // LSN 10, 20, 30, 40, 50 and the snapshot at the stop, 52
    // The forgery.
    std::uint64_t chain = 0, last = 0;
    {
        raw_env log(data + "/log", "records");
        for (const std::uint64_t lsn : log.keys()) {
            const std::vector<std::uint8_t> value = log.get(lsn);
            wal::record_view v;
            ASSERT_EQ(wal::parse_record(value, lsn, v), wal::record_status::ok);
            const wal::record_header& h = v.header;
            if (lsn < 23) {
                chain = wal::chain_after(h.previous_chain, h.checksum);
                continue;
            }
            std::vector<std::uint8_t> forged;
            const std::uint64_t checksum =
                wal::encode_record({.lsn = h.lsn,
                                    .time_us = h.time_us,
                                    .user = h.user,
                                    .station = lsn == 23 ? h.station + 7 : h.station,
                                    .client = h.client,
                                    .request = h.request,
                                    .previous_chain = chain,
                                    .event_count = h.event_count},
                                   v.payload, forged);
            log.put(lsn, forged);
            chain = wal::chain_after(chain, checksum);
            last = lsn;
        }
    }
    {
        std::unique_ptr<wal::durable_mark_file> mark;
        ASSERT_TRUE(wal::durable_mark_file::open_for_writing(data + "/DURABLE", mark).ok());
        ASSERT_TRUE(mark->write({.lsn = last, .chain = chain}).ok());
    }
    std::filesystem::remove_all(data + "/snapshots");
    r = run_program(work, STAMP_AUDIT, {"verify", "--data", data, "--quiet"});
    EXPECT_EQ(r.code, 0) << "the forgery is invisible without the key\n" << r.out;
    r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("LSN 30: the log's chain here is"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the log cannot be trusted after LSN 20 (the last seal that holds)"),
              std::string::npos)
        << r.out;
    // A wrong key holds no seal at all.
    { std::ofstream(key_file, std::ios::trunc) << std::string(40, 'x') << "\n"; }
    r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("LSN 10: the seal's HMAC does not hold under this key"), std::string::npos)
        << r.out;
}

// Sealing goes on across restarts, a run without the key included: the committer resumes the
// digest from the last seal, reading the records since. Removing a seal from the middle of
// DATA/SEALS is found (the next one chains on it), and so is a seal file from another log.
TEST(verify_seals, the_seals_chain_across_restarts_and_a_removed_seal_is_found) {
    temp_dir work;
    const std::string data = work / "data", key_file = work / "seal.key";
    const std::string key = write_seal_key(key_file);
    wal::runtime_options sealed;
    sealed.seal_key = key;
    sealed.seal_every_records = 10;
    std::uint64_t order = 0;
    const auto run = [&](const wal::runtime_options& options, int orders, bool first) {
        runtime_harness h;
        ASSERT_TRUE(h.open(data, options).ok()) << h.error;
        if (first) bootstrap(h);
        for (int i = 0; i < orders; ++i)
            h.run(workload_finance, tagged_order(4, ++order));
        h.runtime->stop();
    };
    run(sealed, 23, true);  // LSN 1..25: seals at 10, 20 and 25 (the stop)
    run({}, 7, false);      // LSN 26..32, not sealed as they are written
    {  // a crash left an allocated, never-written entry at the end (the file is not synced)
        std::ofstream(data + "/SEALS", std::ios::binary | std::ios::app)
            << std::string(wal::seal_size, '\0');
    }
    run(sealed, 15, false);  // LSN 33..47: the seal at 40 covers 26..40; the stop seals 47
    const std::vector<std::string> with_key = {"verify",  "--data",          data,
                                               "--quiet", "--seal-key-file", key_file};
    ran r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("seals: 5, 5 hold; the log is sealed through LSN 47\n"), std::string::npos)
        << r.out;
    // The seal of LSN 20 taken out: the one of 25 chains on a seal that is not there.
    const std::string seals = data + "/SEALS";
    std::string bytes;
    {
        std::ifstream in(seals, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    // Five seals and the zero entry among them (passed over by readers, kept in the file).
    ASSERT_EQ(bytes.size(), wal::seal_header_size + 6 * wal::seal_size);
    {
        std::string without = bytes;
        without.erase(wal::seal_header_size + wal::seal_size, wal::seal_size);
        std::ofstream(seals, std::ios::binary | std::ios::trunc) << without;
    }
    r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("LSN 25: this seal covers the records after LSN 20, but the seal before "
                         "it is of LSN 10"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("the log is sealed through LSN 10, not after"), std::string::npos)
        << r.out;
    // Seals of another log under the same key: its records are not the ones sealed.
    const std::string other = work / "other";
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(other, sealed).ok()) << h.error;
        bootstrap(h);
        for (int i = 0; i < 12; ++i)
            h.run(workload_finance, tagged_order(5, 100 + static_cast<std::uint64_t>(i)));
        h.runtime->stop();
    }
    std::filesystem::copy_file(other + "/SEALS", seals,
                               std::filesystem::copy_options::overwrite_existing);
    r = run_program(work, STAMP_AUDIT, with_key);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("LSN 10: the log's chain here is"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace stampd::testing
