// stamp-backup on the stamp-audit tests' data directory (real LMDB files, several snapshots):
// save → check → restore, the restored directory clean under the stamp-audit binary and
// recovered to the backup's LSN and digest; then one refusal per test — a restore into a
// directory that is not empty, a backup with one byte changed (the mismatch names the file), a
// DEST that is not empty, what is not a data directory or not a backup, a damaged source (no
// DEST appears). stamp-backup runs as a process: its exit code and messages are what is tested.
// Under load with stampd serving: tests/clients/backup/.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "clients/backup/manifest_format.hpp"
#include "tests/clients/audit/audit_dir_test.hpp"
#include "tests/support/recovered.hpp"

namespace stampd::testing {
namespace {

class backup_test : public audit_dir_test {
protected:
    std::string backup() const { return work / "backup"; }
    std::string restored() const { return work / "restored"; }

    ran stamp_backup(std::vector<std::string> args) {
        args.push_back("--quiet");
        return run_program(work, STAMP_BACKUP, args);
    }
    ran save() { return stamp_backup({"save", "--data", data(), "--out", backup()}); }

    backup::manifest read_manifest(const std::string& dir) {
        backup::manifest m;
        const std::string text = slurp(dir + "/MANIFEST");
        const std::string wrong = backup::parse_manifest(text, m);
        EXPECT_EQ(wrong, "") << text;
        return m;
    }

    static void flip_byte(const std::string& file, std::uintmax_t at) {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(at));
        char c = 0;
        f.read(&c, 1);
        c = static_cast<char>(c ^ 0x01);
        f.seekp(static_cast<std::streamoff>(at));
        f.write(&c, 1);
        ASSERT_TRUE(f.good()) << file;
    }

    static unsigned mode_of(const std::string& path) {
        struct stat st {};
        EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
        return static_cast<unsigned>(st.st_mode & 07777);
    }
};

TEST_F(backup_test, save_check_restore_gives_a_directory_that_verifies_and_recovers_the_same) {
    const std::uint64_t last = last_lsn();
    const ran saved = save();
    ASSERT_EQ(saved.code, 0) << saved.out << saved.err;
    EXPECT_NE(saved.out.find("verify clean"), std::string::npos) << saved.out;
    EXPECT_FALSE(std::filesystem::exists(backup() + ".partial"));
    const backup::manifest m = read_manifest(backup());
    EXPECT_EQ(m.log_first_lsn, 1u);
    EXPECT_EQ(m.log_last_lsn, last);
    EXPECT_EQ(m.records, last);
    EXPECT_EQ(m.verify, "clean");
    EXPECT_EQ(m.snapshots, 3u);
    EXPECT_GT(m.snapshot_lsn, 0u);
    EXPECT_LE(m.snapshot_lsn, last);
    EXPECT_EQ(m.files.size(), 3u);  // the snapshots, DURABLE and the log (no seals here)

    const ran checked = stamp_backup({"check", backup()});
    EXPECT_EQ(checked.code, 0) << checked.out << checked.err;
    const ran put_back = stamp_backup({"restore", "--from", backup(), "--data", restored()});
    ASSERT_EQ(put_back.code, 0) << put_back.out << put_back.err;
    EXPECT_FALSE(std::filesystem::exists(restored() + ".restoring"));
    EXPECT_EQ(mode_of(restored()), 0700u);
    EXPECT_EQ(mode_of(restored() + "/log"), 0700u);
    EXPECT_EQ(mode_of(restored() + "/log/data.mdb"), 0600u);
    EXPECT_FALSE(std::filesystem::exists(restored() + "/MANIFEST"));

    const ran audited = run_program(work, STAMP_AUDIT, {"verify", "--data", restored(), "--quiet"});
    EXPECT_EQ(audited.code, 0) << audited.out << audited.err;
    // Recovery, as stampd does it at start, from the newest snapshot; and the log alone.
    wal::recovery_result r;
    const state from_snapshot = recovered(restored(), from::newest_snapshot, &r);
    EXPECT_EQ(r.lsn, m.log_last_lsn);
    EXPECT_EQ(r.chain, m.log_last_chain);
    EXPECT_EQ(r.snapshot_lsn, m.snapshot_lsn);
    EXPECT_EQ(state_digest(from_snapshot), m.state_digest);
    EXPECT_EQ(state_digest(recovered(data())), m.state_digest);
}

TEST_F(backup_test, restore_refuses_a_directory_that_is_not_empty_and_leaves_it_alone) {
    ASSERT_EQ(save().code, 0);
    std::filesystem::create_directory(restored());
    { std::ofstream(restored() + "/notes.txt") << "keep me\n"; }
    const ran r = stamp_backup({"restore", "--from", backup(), "--data", restored()});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(restored() + " is not empty (it holds notes.txt)"), std::string::npos)
        << r.err;
    EXPECT_EQ(slurp(restored() + "/notes.txt"), "keep me\n");
    EXPECT_FALSE(std::filesystem::exists(restored() + "/log"));
    // Nor over the live data directory itself.
    const ran over = stamp_backup({"restore", "--from", backup(), "--data", data()});
    EXPECT_EQ(over.code, 1) << over.err;
    EXPECT_NE(over.err.find("never writes over a data directory"), std::string::npos) << over.err;
}

TEST_F(backup_test, restore_into_an_empty_directory_takes_its_place) {
    ASSERT_EQ(save().code, 0);
    std::filesystem::create_directory(restored());
    const ran r = stamp_backup({"restore", "--from", backup(), "--data", restored()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(restored() + "/log/data.mdb"));
}

TEST_F(backup_test, check_names_the_file_with_one_byte_changed_and_restore_refuses_it) {
    ASSERT_EQ(save().code, 0);
    const std::string log = backup() + "/log/data.mdb";
    ASSERT_NO_FATAL_FAILURE(flip_byte(log, std::filesystem::file_size(log) / 2));
    const ran r = stamp_backup({"check", backup()});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(log + ": SHA-256 "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("differs from the manifest's"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("snapshots/data.mdb:"), std::string::npos) << "only the changed file";
    const ran put_back = stamp_backup({"restore", "--from", backup(), "--data", restored()});
    EXPECT_EQ(put_back.code, 1) << put_back.err;
    EXPECT_FALSE(std::filesystem::exists(restored()));
    EXPECT_FALSE(std::filesystem::exists(restored() + ".restoring"));
}

TEST_F(backup_test, check_finds_a_missing_file_and_a_manifest_from_a_newer_release) {
    ASSERT_EQ(save().code, 0);
    std::filesystem::remove(backup() + "/DURABLE");
    ran r = stamp_backup({"check", backup()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(backup() + "/DURABLE: missing"), std::string::npos) << r.err;
    std::string text = slurp(backup() + "/MANIFEST");
    text.replace(0, text.find('\n'), "stampd-backup 9");
    { std::ofstream(backup() + "/MANIFEST", std::ios::trunc) << text; }
    r = stamp_backup({"check", backup(), "--json"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("format 9, written by a newer stamp-backup"), std::string::npos) << r.out;
}

TEST_F(backup_test, save_refuses_a_destination_that_is_not_empty) {
    std::filesystem::create_directory(backup());
    { std::ofstream(backup() + "/old.tar") << "x"; }
    const ran r = save();
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find(backup() + " is not empty (it holds old.tar)"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(backup() + ".partial"));
    EXPECT_FALSE(std::filesystem::exists(backup() + "/log"));
}

TEST_F(backup_test, not_a_data_directory_and_not_a_backup_exit_3_naming_the_path) {
    const std::string nowhere = work / "nowhere";
    ran r = stamp_backup({"save", "--data", nowhere, "--out", backup()});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find(nowhere + " is not a stampd data directory (it does not exist)"),
              std::string::npos)
        << r.err;
    r = stamp_backup({"check", data()});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find(data() + " is not a stampd backup (no MANIFEST in it)"), std::string::npos)
        << r.err;
    r = stamp_backup({"restore", "--from", nowhere, "--data", restored()});
    EXPECT_EQ(r.code, 3);
    EXPECT_FALSE(std::filesystem::exists(restored()));
    EXPECT_EQ(stamp_backup({"save", "--data", data()}).code, 2);  // --out is required
    EXPECT_EQ(stamp_backup({"check", backup(), "--no-such-flag"}).code, 2);
    EXPECT_EQ(run_program(work, STAMP_BACKUP, {"save", "--help"}).code, 0);
}

TEST_F(backup_test, a_damaged_source_leaves_no_backup_only_the_partial_copy) {
    raw_env log(data() + "/log", "records");
    const std::uint64_t victim = log.keys().back() / 2;
    std::vector<std::uint8_t> bytes = log.get(victim);
    ASSERT_GT(bytes.size(), wal::record_header_size);
    bytes.back() ^= 0x01;
    log.put(victim, bytes);
    const ran r = save();
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("LSN " + std::to_string(victim) + ": bad checksum"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(backup()));
    EXPECT_TRUE(std::filesystem::exists(backup() + ".partial/log/data.mdb"));
    // A second run refuses to reuse the partial copy.
    const ran again = save();
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find(backup() + ".partial exists"), std::string::npos) << again.err;
}

// A log stampd sealed (issue 14): with the key, save and check check every seal and print how far
// the log is sealed; under another key the seals do not hold, and the restore refuses the
// backup before it writes anything. A key file that cannot be read is a usage error.
TEST(backup_seals, save_and_check_check_the_seals_and_a_wrong_key_stops_the_restore) {
    temp_dir work;
    const std::string data = work / "data", key_file = work / "seal.key";
    const std::string wrong_key_file = work / "wrong.key", out = work / "backup";
    const std::string key = write_seal_key(key_file);
    write_seal_key(wrong_key_file, 'x');
    write_sealed_run(data, key);
    const auto backup = [&](std::vector<std::string> args) {
        args.push_back("--quiet");
        return run_program(work, STAMP_BACKUP, args);
    };
    ran r = backup({"save", "--data", data, "--out", out, "--seal-key-file", key_file});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    // LSN 10, 20, 30, 40, 50 and the snapshot's at the stop, 52.
    EXPECT_NE(r.out.find("seals      6, 6 hold; the log is sealed through LSN 52"),
              std::string::npos)
        << r.out;
    r = backup({"check", out, "--seal-key-file", key_file, "--json"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("\"sealed_through\":52"), std::string::npos) << r.out;
    r = backup({"check", out});  // without the key the seals are copied, not checked
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find("seals "), std::string::npos) << r.out;

    const std::string restored = work / "restored";
    r = backup({"restore", "--from", out, "--data", restored, "--seal-key-file", wrong_key_file});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("LSN 10: the seal's HMAC does not hold under this key"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(restored));
    EXPECT_FALSE(std::filesystem::exists(restored + ".restoring"));

    r = backup({"check", out, "--seal-key-file", work / "no-such.key"});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("no-such.key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace stampd::testing
