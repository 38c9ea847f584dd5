// stamp-audit: audits a stampd data directory, read-only, while stampd may be running.
//   verify  checksums, chain, replay, snapshots, SPEC §12 invariants, per-region figures
//   export  the log as JSON lines, one per record
//   ledger  a region's stamp ledger as a statement
// Exit codes: 0 clean, 1 findings (or damage met while exporting), 2 usage, 3 the data
// directory cannot be opened. docs/audit.md says what each finding means.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "clients/audit/data_dir.hpp"
#include "clients/audit/verify.hpp"

namespace {

using namespace stampd;

constexpr int exit_clean = 0, exit_findings = 1, exit_usage = 2, exit_unreadable = 3;

struct verify_args {
    std::string data;
    bool json = false;
    bool quiet = false;
    bool single_thread = false;
};

int verify_main(const verify_args& a) {
    audit::data_dir dir;
    std::string error;
    if (!audit::open_data_dir(a.data, dir, error)) {
        std::fprintf(stderr, "stamp-audit: %s\n", error.c_str());
        return exit_unreadable;
    }
    const audit::verify_report r =
        audit::verify(dir, {.threaded = !a.single_thread, .quiet = a.quiet});
    if (a.json) {
        audit::print_json(r, stdout);
    } else {
        audit::print_text(r, stdout);
    }
    std::fflush(stdout);
    return r.findings.empty() ? exit_clean : exit_findings;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "stamp-audit: audits a stampd data directory, read-only (stampd may be running).\n"
        "Exit codes: 0 clean, 1 findings, 2 usage, 3 the data directory cannot be opened."};
    app.require_subcommand(1);
    verify_args v;
    CLI::App* verify = app.add_subcommand(
        "verify",
        "check every record's checksum and the chain from LSN 1, replay the log, compare every "
        "snapshot with the replayed state at its LSN, check SPEC §12 1-6, print the per-region "
        "figures");
    verify->add_option("--data", v.data, "the data directory (holds log/ and snapshots/)")
        ->required();
    verify->add_flag("--json", v.json, "print one JSON object instead of text");
    verify->add_flag("--quiet", v.quiet, "no progress on stderr");
    verify->add_flag("--single-thread", v.single_thread,
                     "read and check the log on the replay's thread (for measurements)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_clean : exit_usage;
    }
    if (verify->parsed()) return verify_main(v);
    return exit_usage;
}
