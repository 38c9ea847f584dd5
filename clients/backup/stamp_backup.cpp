// stamp-backup: backs up a stampd data directory while stampd serves, checks a backup, and
// restores one into an empty data directory (clients/backup/backup.hpp says how).
//   save     --data DIR --out DEST
//   check    DEST
//   restore  --from DEST --data DIR
// Exit codes: 0 done, 1 failed (damage, a mismatch with the manifest, a refusal, or the system
// failed: no space, permission), 2 usage, 3 not a data directory (save) or not a backup
// (check, restore). docs/operations-backup.md is the operator's page.
#include <CLI/CLI.hpp>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "clients/audit/snapshot_list.hpp"
#include "clients/backup/backup.hpp"
#include "clients/lib/json.hpp"
#include "engine/build_info.hpp"
#include "net/protocol/secret_file.hpp"

namespace {

using namespace stampd;

constexpr int exit_done = 0, exit_failed = 1, exit_usage = 2, exit_unreadable = 3;
constexpr const char* exit_codes_help =
    "Exit codes: 0 done, 1 failed (damage, a file that differs from the MANIFEST, a refusal to "
    "write over something, or the system failed: no space, permission), 2 usage, 3 not a data "
    "directory (save) or not a backup (check, restore). The message names the path and what is "
    "wrong.";
// Findings printed in text; --json gives them all.
constexpr std::size_t findings_printed_max = 20;

struct common_args {
    bool json = false;
    bool quiet = false;
    std::string seal_key_file;
};

// The verify options of `a`: its seal key read from its file. False (the message printed) when
// the file cannot be used; a warning (a key file others can read) is printed and does not stop.
bool verify_options_of(const common_args& a, backup::verify_options& out) {
    out.quiet = a.quiet;
    if (a.seal_key_file.empty()) return true;
    std::string error, warning;
    if (!net::read_secret_file(a.seal_key_file, out.seal_key, error, warning)) {
        std::fprintf(stderr, "stamp-backup: %s\n", error.c_str());
        return false;
    }
    if (!warning.empty()) std::fprintf(stderr, "stamp-backup: warning: %s\n", warning.c_str());
    return true;
}

json::value unum(std::uint64_t v) {
    return json::value{v};
}

json::value manifest_json(const backup::manifest& m) {
    json::array files;
    for (const backup::manifest_file& f : m.files) {
        files.push_back(
            json::object{{"name", f.name}, {"size", unum(f.size)}, {"sha256", f.sha256}});
    }
    return json::object{{"format", unum(m.format)},
                        {"stampd", m.stampd_version},
                        {"taken", m.taken},
                        {"seconds", m.seconds},
                        {"log_first_lsn", unum(m.log_first_lsn)},
                        {"log_last_lsn", unum(m.log_last_lsn)},
                        {"log_last_chain", audit::hex64(m.log_last_chain)},
                        {"records", unum(m.records)},
                        {"snapshot_lsn", unum(m.snapshot_lsn)},
                        {"snapshots", unum(m.snapshots)},
                        {"state_digest", audit::hex64(m.state_digest)},
                        {"durable_lsn", unum(m.durable_lsn)},
                        {"verify", m.verify},
                        {"files", std::move(files)}};
}

void print_json(const char* command, const backup::result& r) {
    json::array findings;
    for (const audit::finding& f : r.findings) {
        findings.push_back(
            json::object{{"kind", f.kind}, {"lsn", unum(f.lsn)}, {"message", f.message}});
    }
    const json::value v = json::object{
        {"command", command},
        {"ok", r.ok()},
        {"path", r.path},
        {"error", r.error.empty() ? json::value{} : json::value{r.error}},
        {"seconds", r.seconds},
        {"source_log_bytes", r.source_log_bytes == 0 ? json::value{} : unum(r.source_log_bytes)},
        {"manifest", r.contents.log_last_lsn == 0 ? json::value{} : manifest_json(r.contents)},
        {"seals", !r.seals.checked
                      ? json::value{}
                      : json::value{json::object{{"seals", unum(r.seals.seals)},
                                                 {"holding", unum(r.seals.holding)},
                                                 {"sealed_from", unum(r.seals.sealed_from)},
                                                 {"sealed_through", unum(r.seals.sealed_through)},
                                                 {"broken", r.seals.broken},
                                                 {"first_broken", unum(r.seals.first_broken)}}}},
        {"findings", std::move(findings)}};
    std::string text;
    json::write(text, v);
    std::printf("%s\n", text.c_str());
}

double mib(std::uint64_t bytes) {
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::uint64_t bytes_of(const backup::manifest& m, std::string_view name) {
    for (const backup::manifest_file& f : m.files) {
        if (f.name == name) return f.size;
    }
    return 0;
}

void print_contents(const backup::result& r) {
    const backup::manifest& m = r.contents;
    std::printf("  log        LSN %" PRIu64 "..%" PRIu64 " (%" PRIu64
                " records), chain %s, state digest %s\n",
                m.log_first_lsn, m.log_last_lsn, m.records, audit::hex64(m.log_last_chain).c_str(),
                audit::hex64(m.state_digest).c_str());
    std::printf("  snapshots  %" PRIu64 "%s%s\n", m.snapshots,
                m.snapshots == 0 ? "" : ", the newest at LSN ",
                m.snapshots == 0 ? "" : std::to_string(m.snapshot_lsn).c_str());
    std::printf("  taken      %s (every record acknowledged before then is in it)\n",
                m.taken.c_str());
    std::printf("  files     ");
    for (const backup::manifest_file& f : m.files)
        std::printf(" %s %.1f MiB", f.name.c_str(), mib(f.size));
    std::printf("\n");
    if (r.seals.checked) std::printf("  seals      %s\n", audit::seals_text(r.seals).c_str());
}

// The failure, its findings, and the exit code.
int report_failure(const backup::result& r) {
    if (!r.error.empty()) std::fprintf(stderr, "stamp-backup: %s\n", r.error.c_str());
    std::size_t printed = 0;
    for (const audit::finding& f : r.findings) {
        if (printed++ == findings_printed_max) {
            std::fprintf(stderr, "  ... and %zu more (--json lists them all)\n",
                         r.findings.size() - findings_printed_max);
            break;
        }
        std::fprintf(stderr, "  %s\n", f.message.c_str());
    }
    return r.kind == backup::result_kind::unreadable ? exit_unreadable : exit_failed;
}

int finish(const char* command, const backup::result& r, const common_args& a) {
    if (a.json) print_json(command, r);
    if (!r.ok()) {
        // In JSON the object says it all; the message goes to stderr as well for people.
        return report_failure(r);
    }
    if (a.json) return exit_done;
    const backup::manifest& m = r.contents;
    const std::string name = command;
    if (name == "save") {
        std::printf("stamp-backup: saved into %s in %.2f s; verify %s\n", r.path.c_str(), r.seconds,
                    m.verify.c_str());
        print_contents(r);
        std::printf("  compacted  the log %.1f MiB -> %.1f MiB\n", mib(r.source_log_bytes),
                    mib(bytes_of(m, "log/data.mdb")));
        std::printf("  manifest   %s/MANIFEST\n", r.path.c_str());
    } else if (name == "check") {
        std::printf(
            "stamp-backup: %s checks clean in %.2f s: %zu file(s) match the MANIFEST, "
            "verify clean\n",
            r.path.c_str(), r.seconds, m.files.size());
        print_contents(r);
    } else {
        std::printf("stamp-backup: restored into %s in %.2f s; start stampd on it\n",
                    r.path.c_str(), r.seconds);
        print_contents(r);
    }
    return exit_done;
}

void add_common(CLI::App* sub, common_args& a) {
    sub->add_flag("--json", a.json, "print one JSON object instead of text");
    sub->add_flag("--quiet", a.quiet, "no progress on stderr");
    sub->add_option("--seal-key-file", a.seal_key_file,
                    "the key stampd seals the log with (its --seal-key-file): check every seal "
                    "in SEALS as stamp-audit verify does; a seal that does not hold fails");
    sub->footer(exit_codes_help);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "stamp-backup: backs up a stampd data directory while stampd serves (a consistent, "
        "compacted, verified copy), checks a backup, and restores one into an empty data "
        "directory."};
    app.set_version_flag("--version", stampd::version_text("stamp-backup"),
                         "print the version, the commit and the build type, and exit");
    app.footer(exit_codes_help);
    app.require_subcommand(1);

    common_args sa;
    std::string save_data = "./data", save_out;
    CLI::App* save = app.add_subcommand(
        "save",
        "copy the data directory (stampd may be running: it is never held up) into DEST, verify "
        "the copy as stamp-audit verify does, write DEST/MANIFEST.\n"
        "  stamp-backup save --data /var/lib/stampd --out /backup/stampd-$(date -u +%Y%m%dT%H%MZ)\n"
        "DEST must not exist or be empty; the copy is made in DEST.partial and renamed to DEST "
        "only once verified.");
    save->add_option("--data", save_data, "stampd's data directory (holds log/ and snapshots/)")
        ->capture_default_str();
    save->add_option("--out", save_out, "the backup: a new or empty directory")->required();
    add_common(save, sa);

    common_args ca;
    std::string check_backup;
    CLI::App* check = app.add_subcommand(
        "check",
        "check a backup: every file against the MANIFEST's size and SHA-256, then verify it "
        "(checksums, chain, replay, snapshots against the replay).\n"
        "  stamp-backup check /backup/stampd-20261122T0300Z");
    check->add_option("DEST", check_backup, "the backup")->required();
    add_common(check, ca);

    common_args ra;
    std::string restore_from, restore_data;
    CLI::App* restore = app.add_subcommand(
        "restore",
        "check the backup, then copy it into DIR, which must be empty or missing (stampd "
        "stopped; nothing is ever written over). Start stampd on DIR afterwards.\n"
        "  stamp-backup restore --from /backup/stampd-20261122T0300Z --data /var/lib/stampd");
    restore->add_option("--from", restore_from, "the backup")->required();
    restore->add_option("--data", restore_data, "the data directory to create")->required();
    add_common(restore, ra);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_done : exit_usage;
    }
    backup::verify_options verify;
    if (save->parsed()) {
        if (!verify_options_of(sa, verify)) return exit_usage;
        return finish("save", backup::save({.data = save_data, .out = save_out, .verify = verify}),
                      sa);
    }
    if (check->parsed()) {
        if (!verify_options_of(ca, verify)) return exit_usage;
        return finish("check", backup::check(check_backup, verify), ca);
    }
    if (restore->parsed()) {
        if (!verify_options_of(ra, verify)) return exit_usage;
        return finish("restore", backup::restore(restore_from, restore_data, verify), ra);
    }
    return exit_usage;
}
