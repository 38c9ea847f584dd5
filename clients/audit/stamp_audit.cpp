// stamp-audit: audits a stampd data directory, read-only, while stampd may be running.
//   verify  checksums, chain, replay, snapshots, SPEC §12 invariants, per-region figures
//   export  the log as JSON lines, one per record
//   ledger  a region's stamp ledger as a statement
// Exit codes: 0 clean, 1 findings (or damage met while exporting), 2 usage, 3 the data
// directory cannot be opened: not a data directory (the same code as stamp-report's), or its log
// cannot be opened. docs/audit.md says what each finding means. --data defaults to ./data.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "clients/audit/export_jsonl.hpp"
#include "clients/audit/ledger_statement.hpp"
#include "clients/audit/replay.hpp"
#include "clients/audit/snapshot_list.hpp"
#include "clients/audit/verify.hpp"
#include "engine/build_info.hpp"
#include "engine/calendar_time.hpp"
#include "net/protocol/secret_file.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/log_reader.hpp"

namespace {

using namespace stampd;

constexpr int exit_clean = 0, exit_findings = 1, exit_usage = 2, exit_unreadable = 3;
constexpr const char* exit_codes_help =
    "Exit codes: 0 clean, 1 findings, 2 usage, 3 the data directory cannot be opened (not a data "
    "directory: the message names the path and what is missing; or its log cannot be opened).";
constexpr const char* data_help = "stampd's data directory (holds log/ and snapshots/)";
constexpr const char* data_default = "./data";

struct verify_args {
    std::string data = data_default;
    bool json = false;
    bool quiet = false;
    bool single_thread = false;
    std::size_t chunk_records = 8'192;
    std::string seal_key_file;
};

int verify_main(const verify_args& a) {
    std::unique_ptr<wal::data_dir> dir;
    if (const wal::status st = wal::data_dir::open_for_reading(a.data, dir); !st.ok()) {
        std::fprintf(stderr, "stamp-audit: %s\n", st.message().c_str());
        return exit_unreadable;
    }
    std::string key;
    if (!a.seal_key_file.empty()) {
        std::string error, warning;
        if (!net::read_secret_file(a.seal_key_file, key, error, warning)) {
            std::fprintf(stderr, "stamp-audit: %s\n", error.c_str());
            return exit_usage;
        }
        if (!warning.empty()) std::fprintf(stderr, "stamp-audit: warning: %s\n", warning.c_str());
    }
    const audit::verify_report r = audit::verify(*dir, {.seal_key = key,
                                                        .threaded = !a.single_thread,
                                                        .chunk_records_max = a.chunk_records,
                                                        .quiet = a.quiet});
    if (a.json) {
        audit::print_json(r, stdout);
    } else {
        audit::print_text(r, stdout);
    }
    std::fflush(stdout);
    return r.findings.empty() ? exit_clean : exit_findings;
}

struct export_args {
    std::string data = data_default;
    std::uint64_t from_lsn = 1;
    std::uint64_t to_lsn = 0;
    std::string format = "jsonl";
    std::string out;
    bool quiet = false;
};

// Checks the range against the log; "" when it is fine, else the message naming the figures.
std::string check_range(const wal::data_dir& dir, const export_args& a, std::uint64_t& to) {
    std::uint64_t last = 0;
    if (const wal::status s = dir.log().last_key(last); !s.ok()) return s.message();
    to = a.to_lsn == 0 ? last : a.to_lsn;
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    if (a.from_lsn == 0) return "--from-lsn 0: LSNs start at 1";
    if (a.from_lsn > to) {
        return a.to_lsn == 0
                   ? "--from-lsn " + n(a.from_lsn) + " is after the log's last LSN " + n(last)
                   : "--from-lsn " + n(a.from_lsn) + " is after --to-lsn " + n(to);
    }
    if (to > last) return "--to-lsn " + n(to) + " is after the log's last LSN " + n(last);
    return "";
}

int export_main(const export_args& a) {
    std::unique_ptr<wal::data_dir> dir;
    if (const wal::status st = wal::data_dir::open_for_reading(a.data, dir); !st.ok()) {
        std::fprintf(stderr, "stamp-audit: %s\n", st.message().c_str());
        return exit_unreadable;
    }
    std::uint64_t to = 0;
    if (const std::string wrong = check_range(*dir, a, to); !wrong.empty()) {
        std::fprintf(stderr, "stamp-audit export: %s\n", wrong.c_str());
        return exit_usage;
    }
    std::FILE* out = stdout;
    if (!a.out.empty() && (out = std::fopen(a.out.c_str(), "w")) == nullptr) {
        std::fprintf(stderr, "stamp-audit export: cannot write %s\n", a.out.c_str());
        return exit_usage;
    }
    const audit::export_result r =
        audit::export_jsonl(*dir, {.from_lsn = a.from_lsn, .to_lsn = to, .quiet = a.quiet}, out);
    const bool written = std::fflush(out) == 0 && (out == stdout || std::fclose(out) == 0);
    if (!r.error.empty()) {
        std::fprintf(stderr, "stamp-audit export: %s\n", r.error.c_str());
        return exit_findings;
    }
    if (!written) {
        std::fprintf(stderr, "stamp-audit export: writing the output failed\n");
        return exit_findings;
    }
    if (!a.quiet) {
        std::fprintf(stderr, "stamp-audit export: %llu record(s), LSN %llu..%llu\n",
                     static_cast<unsigned long long>(r.written),
                     static_cast<unsigned long long>(a.from_lsn),
                     static_cast<unsigned long long>(to));
    }
    return exit_clean;
}

struct ledger_args {
    std::string data = data_default;
    std::string region;
    std::string from, to;
    std::string format = "text";
    bool utc = false;
    bool quiet = false;
};

int ledger_main(const ledger_args& a) {
    audit::statement_options o{.stamp_region = *parse_region(a.region), .utc = a.utc};
    if (!a.from.empty() && (o.from = parse_day(a.from)) == no_day) {
        std::fprintf(stderr, "stamp-audit ledger: --from %s is not a date (YYYY-MM-DD)\n",
                     a.from.c_str());
        return exit_usage;
    }
    if (!a.to.empty() && (o.to = parse_day(a.to)) == no_day) {
        std::fprintf(stderr, "stamp-audit ledger: --to %s is not a date (YYYY-MM-DD)\n",
                     a.to.c_str());
        return exit_usage;
    }
    if (o.from != no_day && o.to != no_day && o.from > o.to) {
        std::fprintf(stderr, "stamp-audit ledger: --from %s is after --to %s\n", a.from.c_str(),
                     a.to.c_str());
        return exit_usage;
    }
    std::unique_ptr<wal::data_dir> dir;
    if (const wal::status st = wal::data_dir::open_for_reading(a.data, dir); !st.ok()) {
        std::fprintf(stderr, "stamp-audit: %s\n", st.message().c_str());
        return exit_unreadable;
    }
    std::uint64_t last = 0;
    if (const wal::status s = dir->log().last_key(last); !s.ok()) {
        std::fprintf(stderr, "stamp-audit ledger: %s\n", s.message().c_str());
        return exit_unreadable;
    }
    state s;
    const audit::replay_result r = audit::replay(
        dir->log(), s, {.to_lsn = last, .progress_label = "ledger", .quiet = a.quiet});
    if (r.damaged) {
        std::fprintf(stderr,
                     "stamp-audit ledger: LSN %llu: %s; the ledger after it would be incomplete "
                     "(stamp-audit verify says more)\n",
                     static_cast<unsigned long long>(r.damage.lsn), r.damage.what.c_str());
        return exit_findings;
    }
    const audit::statement_format format = a.format == "csv"     ? audit::statement_format::csv
                                           : a.format == "jsonl" ? audit::statement_format::jsonl
                                                                 : audit::statement_format::text;
    audit::print_statement(audit::build_statement(s, o), format, stdout);
    return std::fflush(stdout) == 0 ? exit_clean : exit_findings;
}

}  // namespace

// The replay allocates the whole state afresh, and page faults on it cost a tenth to a quarter
// of the replay thread's time (bench/RESULTS.md). glibc backs its heap with transparent huge
// pages only when told so at start-up, through GLIBC_TUNABLES: run again with it set, once.
// STAMPD_AUDIT_SMALL_PAGES=1 keeps small pages.
void use_huge_pages(char** argv) {
    if (std::getenv("STAMPD_AUDIT_SMALL_PAGES") != nullptr) return;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) return;
    std::string value = tunables == nullptr ? "" : std::string{tunables} + ":";
    value += "glibc.malloc.hugetlb=1";
    if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
    ::execv("/proc/self/exe", argv);  // returns only on failure: go on with small pages
    ::unsetenv("GLIBC_TUNABLES");
}

int main(int argc, char** argv) {
    use_huge_pages(argv);
    CLI::App app{"stamp-audit: audits a stampd data directory, read-only (stampd may be running)."};
    app.set_version_flag("--version", stampd::version_text("stamp-audit"),
                         "print the version, the commit and the build type, and exit");
    app.footer(exit_codes_help);
    app.require_subcommand(1);
    verify_args v;
    CLI::App* verify = app.add_subcommand(
        "verify",
        "check every record's checksum and the chain from LSN 1, replay the log, compare every "
        "snapshot with the replayed state at its LSN, check SPEC §12 1-6, print the per-region "
        "figures");
    verify->add_option("--data", v.data, data_help)->capture_default_str();
    verify->footer(exit_codes_help);
    verify->add_flag("--json", v.json, "print one JSON object instead of text");
    verify->add_option("--seal-key-file", v.seal_key_file,
                       "the key stampd sealed the log with (--seal-key-file): check every seal "
                       "in DATA/SEALS and name the last LSN the log can be trusted to");
    verify->add_flag("--quiet", v.quiet, "no progress on stderr");
    verify->add_flag("--single-thread", v.single_thread,
                     "read and check the log on the replay's thread (for measurements)");
    verify
        ->add_option("--chunk-records", v.chunk_records,
                     "records read in one read transaction (for measurements)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{65'536}))
        ->capture_default_str();
    export_args x;
    CLI::App* exporter =
        app.add_subcommand("export",
                           "write every record of an LSN range as one JSON object a line, checking "
                           "checksums and chain on the way (stops with exit 1 at damage)");
    exporter->add_option("--data", x.data, data_help)->capture_default_str();
    exporter->footer(exit_codes_help);
    exporter->add_option("--from-lsn", x.from_lsn, "the first LSN (default 1)");
    exporter->add_option("--to-lsn", x.to_lsn, "the last LSN, inclusive (default: the log's last)");
    exporter->add_option("--format", x.format, "jsonl")
        ->check(CLI::IsMember({"jsonl"}))
        ->capture_default_str();
    exporter->add_option("--out", x.out, "write to this file instead of stdout");
    exporter->add_flag("--quiet", x.quiet, "no progress on stderr");
    ledger_args l;
    CLI::App* ledger = app.add_subcommand(
        "ledger",
        "a region's stamp ledger as a statement: opening balance, one line per entry, "
        "closing balance");
    ledger->add_option("--data", l.data, data_help)->capture_default_str();
    ledger->footer(exit_codes_help);
    ledger->add_option("--region", l.region, "FED, ON, QC, AB or MB")
        ->required()
        ->check(CLI::IsMember({"FED", "ON", "QC", "AB", "MB"}));
    ledger->add_option("--from", l.from,
                       "the first civil date, YYYY-MM-DD (default: the first entry)");
    ledger->add_option("--to", l.to, "the last civil date, inclusive (default: the last entry)");
    ledger->add_option("--format", l.format, "text, csv or jsonl")
        ->check(CLI::IsMember({"text", "csv", "jsonl"}))
        ->capture_default_str();
    ledger->add_flag("--utc", l.utc, "dates and times in UTC, not the warehouse's time zone");
    ledger->add_flag("--quiet", l.quiet, "no progress on stderr");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_clean : exit_usage;
    }
    if (verify->parsed()) return verify_main(v);
    if (exporter->parsed()) return export_main(x);
    if (ledger->parsed()) return ledger_main(l);
    return exit_usage;
}
