// stamp-report: finance's and compliance's batch jobs on a data directory, read-only while
// stampd runs — the Stamp Accounting report (SPEC §8), invoice documents (§9) and outbound
// manifests (§7) as CSV, JSON or PDF, each stating the LSN range and chain hash it was computed
// from. Runs at idle CPU priority unless told otherwise, so the stamping line never waits on it.
// Exit codes: 0 written, 1 the data could not be read or the output not written, 2 usage, 3 not a
// data directory (the same code as stamp-audit's).
#include <sched.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "clients/report/documents.hpp"
#include "clients/report/documents_pdf.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_source.hpp"
#include "clients/report/stamp_accounting.hpp"
#include "engine/build_info.hpp"

namespace {

using namespace stampd;
using namespace stampd::report;

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2, exit_not_data_dir = 3;
constexpr const char* exit_codes_help =
    "Exit codes: 0 written, 1 the data could not be read (damage in the log) or the output not "
    "written, 2 usage, 3 not a data directory (the message names the path and what is missing).";

struct options {
    source_options source{.data_dir = "./data"};
    std::string format_name = "csv";
    std::string out = "-";
    std::string from, to, month, quarter;
    std::vector<std::string> regions;
    bool entries = false;
    std::vector<std::string> invoices;
    std::string consignee, status;
    std::string warehouse;
    bool normal_priority = false;
    bool quiet = false;
};

void add_common(CLI::App& command, options& o, bool with_period) {
    command.footer(exit_codes_help);
    command.add_option("--data", o.source.data_dir, "stampd's data directory (read-only)")
        ->capture_default_str();
    command.add_option("--at-lsn", o.source.at_lsn,
                       "compute from the state after this LSN (default: the end of the log); "
                       "reproduces an earlier report");
    command.add_option("--format", o.format_name, "csv, json or pdf")
        ->check(CLI::IsMember({"csv", "json", "pdf"}))
        ->capture_default_str();
    command
        .add_option("--out", o.out, "the file to write ('-': standard output; a PDF needs a file)")
        ->capture_default_str();
    command.add_flag("--digest", o.source.digest,
                     "state the state digest even when records were replayed after the "
                     "snapshot (one more pass over the state)");
    command.add_option("--warehouse", o.warehouse,
                       "who issues the documents, while the warehouse's identity is not set "
                       "(stampctl set-warehouse-identity): a name printed at their head");
    command.add_flag("--normal-priority", o.normal_priority,
                     "run at normal CPU priority (default: idle priority, SCHED_IDLE)");
    command.add_flag("-q,--quiet", o.quiet, "no summary line on standard error");
    if (!with_period) return;
    command.add_option("--from", o.from, "first day, YYYY-MM-DD (warehouse time)");
    command.add_option("--to", o.to, "last day, included");
    command.add_option("--month", o.month, "a calendar month, e.g. 2026-03");
    command.add_option("--quarter", o.quarter, "a calendar quarter, e.g. 2026Q1");
}

format format_of(const std::string& name) {
    return name == "pdf" ? format::pdf : name == "json" ? format::json : format::csv;
}

// Background work: the kernel runs it only when stampd's threads do not want the CPU.
void lower_priority() {
    sched_param none{};
    if (sched_setscheduler(0, SCHED_IDLE, &none) != 0) std::perror("stamp-report: SCHED_IDLE");
}

struct loaded {
    state s;
    provenance from;
    double seconds = 0;
};

// exit_ok, or the exit code of what went wrong, said on stderr. ENOENT is only ever "not a data
// directory" (report_source.hpp).
int load(const options& o, loaded& out) {
    const auto start = std::chrono::steady_clock::now();
    if (const wal::status s = load_state(o.source, out.s, out.from); !s.ok()) {
        std::fprintf(stderr, "stamp-report: %s\n", s.message().c_str());
        return s.code == ENOENT ? exit_not_data_dir : exit_failed;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return exit_ok;
}

void summary(const options& o, const loaded& data, const std::string& what) {
    if (o.quiet) return;
    std::fprintf(
        stderr, "stamp-report: %s to %s, from LSN 1-%llu (chain %016llx), state loaded in %.2f s\n",
        what.c_str(), o.out == "-" ? "standard output" : o.out.c_str(),
        static_cast<unsigned long long>(data.from.to_lsn),
        static_cast<unsigned long long>(data.from.chain), data.seconds);
}

// The state is millions of small allocations; freeing them one by one at exit is wasted work
// for a process that ends right after. The state is left for the kernel to reclaim (held by a
// static, so leak checkers still see it reachable).
loaded& leaked_state() {
    static loaded* const kept = new loaded;
    return *kept;
}

int run_accounting(const options& o, const period& span) {
    std::vector<region> regions;
    for (const std::string& name : o.regions) {
        const auto r = parse_region(name);
        if (!r) {
            std::fprintf(stderr, "stamp-report: --region %s: expected FED, ON, QC, AB or MB\n",
                         name.c_str());
            return exit_usage;
        }
        regions.push_back(*r);
    }
    loaded& data = leaked_state();
    options boxless = o;  // without --entries no box is looked at (report_source.hpp)
    boxless.source.without_boxes = !o.entries;
    if (const int rc = load(boxless, data); rc != exit_ok) return rc;
    stamp_accounting report = compute_stamp_accounting(data.s, data.from, span, regions, o.entries);
    report.warehouse = o.warehouse;
    std::string error;
    if (!render_stamp_accounting(report, format_of(o.format_name), o.out, error)) {
        std::fprintf(stderr, "stamp-report: %s\n", error.c_str());
        return exit_failed;
    }
    summary(o, data, "stamp accounting " + span.label);
    return exit_ok;
}

// Invoices and manifests alike: load, select (an unknown number or consignee is a usage
// error), render.
template <typename Id, typename Select, typename Render>
int run_documents(const options& o, const std::string& what, Select select, Render render) {
    loaded& data = leaked_state();
    if (const int rc = load(o, data); rc != exit_ok) return rc;
    std::vector<Id> ids;
    std::string error;
    if (!select(data.s, ids, error)) {
        std::fprintf(stderr, "stamp-report: %s\n", error.c_str());
        return exit_usage;
    }
    if (!render(data.s, data.from, ids, o.warehouse, format_of(o.format_name), o.out, error)) {
        std::fprintf(stderr, "stamp-report: %s\n", error.c_str());
        return exit_failed;
    }
    summary(o, data, std::to_string(ids.size()) + " " + what);
    return exit_ok;
}

// A tax invoice names its supplier and the supplier's registration numbers: say which of them
// the warehouse's identity lacks, for the invoices about to be written.
void warn_of_gaps(const options& o, const state& s, const std::vector<invoice_id>& ids) {
    bool quebec = false;
    for (const invoice_id id : ids)
        quebec = quebec || s.invoice_at(id).tax_province == province::qc;
    const std::string gaps = issuer_gaps(issuer_of(s, o.warehouse), quebec);
    if (ids.empty() || gaps.empty() || o.format_name != "pdf") return;
    std::fprintf(stderr,
                 "stamp-report: warning: the invoices lack %s (stampctl set-warehouse-identity "
                 "sets them)\n",
                 gaps.c_str());
}

int run_invoices(const options& o, const period& span) {
    invoice_filter filter{.numbers = o.invoices, .consignee = o.consignee, .span = span};
    if (!o.status.empty()) filter.status = parse_invoice_status(o.status);
    return run_documents<invoice_id>(
        o, "invoice(s)",
        [&](const state& s, std::vector<invoice_id>& ids, std::string& error) {
            if (!select_invoices(s, filter, ids, error)) return false;
            warn_of_gaps(o, s, ids);
            return true;
        },
        render_invoices);
}

int run_outbound(const options& o, const period& span) {
    const outbound_filter filter{.consignee = o.consignee, .span = span};
    return run_documents<outbound_id>(
        o, "outbound manifest(s)",
        [&filter](const state& s, std::vector<outbound_id>& ids, std::string& error) {
            return select_outbounds(s, filter, ids, error);
        },
        render_outbound);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "stamp-report: reports and invoice documents from a stampd data directory, "
        "read-only while stampd runs"};
    app.set_version_flag("--version", stampd::version_text("stamp-report"),
                         "print the version, the commit and the build type, and exit");
    app.footer(exit_codes_help);
    app.require_subcommand(1);
    options o;
    auto* accounting = app.add_subcommand(
        "stamp-accounting",
        "per region: opening, received, used, refunded, closing (SPEC §8), and where each "
        "movement came from");
    add_common(*accounting, o, true);
    accounting->add_option("--region", o.regions,
                           "FED, ON, QC, AB or MB (repeatable; default all)");
    accounting->add_flag("--entries", o.entries, "also list every ledger entry");
    auto* invoices = app.add_subcommand(
        "invoices",
        "tax invoices and credit notes with every line, fee, tax component and total; as PDF, "
        "--out DIR/ writes one file each (INV-000001.pdf), --out FILE.pdf one file holding "
        "each as its own numbered document");
    add_common(*invoices, o, true);
    invoices->add_option("--invoice", o.invoices, "INV-000001 or CN-000002 (repeatable)");
    invoices->add_option("--consignee", o.consignee, "a consignee's key");
    invoices->add_option("--status", o.status, "Draft, Issued, Paid or Archived")
        ->check(CLI::IsMember({"Draft", "Issued", "Paid", "Archived"}));
    auto* outbound = app.add_subcommand(
        "outbound",
        "packing lists of completed orders: ship-to, every box with its barcode (Code 128 in "
        "the PDF), units and stamps per region, totals, signature lines");
    add_common(*outbound, o, true);
    outbound->add_option("--consignee", o.consignee, "a consignee's key");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help is a success; every other parse error is a usage error (exit 2).
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }

    period span;
    std::string error;
    if (!parse_period(o.from, o.to, o.month, o.quarter, span, error)) {
        std::fprintf(stderr, "stamp-report: %s\n", error.c_str());
        return exit_usage;
    }
    if (o.format_name == "pdf" && o.out == "-") {
        std::fprintf(stderr, "stamp-report: a PDF goes to a file: give --out FILE.pdf\n");
        return exit_usage;
    }
    if (!o.normal_priority) lower_priority();
    if (accounting->parsed()) return run_accounting(o, span);
    if (invoices->parsed()) return run_invoices(o, span);
    return run_outbound(o, span);
}
