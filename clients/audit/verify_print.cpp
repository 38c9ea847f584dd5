// verify_report as text for people and as one JSON object for tools (verify.hpp).
#include <cinttypes>

#include "clients/audit/verify.hpp"
#include "clients/lib/json.hpp"
#include "engine/snapshot.hpp"

namespace stampd::audit {
namespace {

double per_second_m(std::uint64_t records, double seconds) {
    return seconds > 0 ? static_cast<double>(records) / seconds / 1e6 : 0;
}

void print_snapshots(const verify_report& r, std::FILE* out) {
    std::fprintf(out, "snapshots: %zu\n", r.snapshots.size());
    for (const snapshot_report& s : r.snapshots) {
        const std::string format =
            s.format == 0 || s.format == snapshot_format_version
                ? ""
                : ", format " + std::to_string(s.format) + " of an earlier release";
        std::fprintf(out, "  LSN %" PRIu64 " (%" PRIu64 " bytes%s): self-check %s", s.lsn, s.size,
                     format.c_str(), s.self_check.c_str());
        if (s.compared) {
            std::fprintf(out, "; digest %s %s replayed; chain %s %s log",
                         hex64(s.stored_digest).c_str(),
                         s.digest_matches ? "=" : "!=", hex64(s.stored_chain).c_str(),
                         s.chain_matches ? "=" : "!=");
        } else if (!s.note.empty()) {
            std::fprintf(out, "; %s", s.note.c_str());
        }
        std::fprintf(out, "\n");
    }
}

void print_regions(const verify_report& r, std::FILE* out) {
    std::fprintf(out, "%-6s %14s %10s %14s %14s %14s %14s %14s\n", "region", "balance", "entries",
                 "received", "used", "refunded", "reserved", "available");
    for (const region_summary& g : r.regions) {
        std::fprintf(out,
                     "%-6s %14" PRId64 " %10" PRIu64 " %14" PRId64 " %14" PRId64 " %14" PRId64
                     " %14" PRId64 " %14" PRId64 "\n",
                     std::string{to_string(g.stamp_region)}.c_str(), g.balance, g.entries,
                     g.received, g.used, g.refunded, g.reserved, g.available_to_promise);
    }
}

json::value num(std::int64_t v) {
    return json::value{v};
}
json::value unum(std::uint64_t v) {
    return json::value{v};
}

}  // namespace

std::string seals_text(const seal_report& s) {
    std::string line = std::to_string(s.seals) + ", " + std::to_string(s.holding) +
                       " hold; the log is sealed through LSN " + std::to_string(s.sealed_through);
    if (s.sealed_from > 0 && s.sealed_through > 0) {
        line += " from LSN " + std::to_string(s.sealed_from + 1) +
                " (sealing began there: the records before are not sealed)";
    }
    if (s.broken) {
        line += ", not after: the seal of LSN " + std::to_string(s.first_broken) + " does not hold";
    }
    return line;
}

void print_text(const verify_report& r, std::FILE* out) {
    std::fprintf(out, "stamp-audit verify %s\n", r.dir.c_str());
    std::fprintf(out, "log: LSN 1..%" PRIu64 " when the audit started\n", r.log_last_lsn);
    std::fprintf(out, "checked: %" PRIu64 " record(s) (checksum, key, LSN sequence, chain)\n",
                 r.records_checked);
    std::fprintf(out,
                 "replayed: %" PRIu64 " record(s) to LSN %" PRIu64
                 " in %.2f s (%.2f M records/s); state digest %s\n",
                 r.records_applied, r.replayed_to_lsn, r.replay_seconds,
                 per_second_m(r.records_applied, r.replay_seconds), hex64(r.final_digest).c_str());
    print_snapshots(r, out);
    if (r.seals.checked) std::fprintf(out, "seals: %s\n", seals_text(r.seals).c_str());
    std::fprintf(out, "invariants (SPEC §12 1-5) at LSN %" PRIu64 ": %s\n", r.replayed_to_lsn,
                 r.invariants.empty()
                     ? "ok"
                     : (std::to_string(r.invariants.size()) + " finding(s)").c_str());
    std::fprintf(out, "figures of the replayed state at LSN %" PRIu64 "%s:\n", r.replayed_to_lsn,
                 r.damaged ? " (where the replay stopped)" : "");
    print_regions(r, out);
    if (r.findings.empty()) {
        std::fprintf(out, "result: clean (%.2f s)\n", r.total_seconds);
        return;
    }
    std::fprintf(out, "findings: %zu\n", r.findings.size());
    for (const finding& f : r.findings)
        std::fprintf(out, "  %s\n", f.message.c_str());
    std::fprintf(out, "result: %zu finding(s) (%.2f s)\n", r.findings.size(), r.total_seconds);
}

void print_json(const verify_report& r, std::FILE* out) {
    json::array snapshots, regions, findings;
    for (const snapshot_report& s : r.snapshots) {
        snapshots.push_back(json::object{{"lsn", unum(s.lsn)},
                                         {"size", unum(s.size)},
                                         {"format", unum(s.format)},
                                         {"self_check", s.self_check},
                                         {"compared", s.compared},
                                         {"digest_matches", s.digest_matches},
                                         {"chain_matches", s.chain_matches},
                                         {"stored_digest", hex64(s.stored_digest)},
                                         {"replayed_digest", hex64(s.replayed_digest)},
                                         {"stored_chain", hex64(s.stored_chain)},
                                         {"log_chain", hex64(s.log_chain)},
                                         {"note", s.note}});
    }
    for (const region_summary& g : r.regions) {
        regions.push_back(json::object{{"region", to_string(g.stamp_region)},
                                       {"balance", num(g.balance)},
                                       {"entries", unum(g.entries)},
                                       {"received", num(g.received)},
                                       {"used", num(g.used)},
                                       {"refunded", num(g.refunded)},
                                       {"reserved", num(g.reserved)},
                                       {"available_to_promise", num(g.available_to_promise)}});
    }
    for (const finding& f : r.findings) {
        findings.push_back(
            json::object{{"kind", f.kind}, {"lsn", unum(f.lsn)}, {"message", f.message}});
    }
    const json::value v = json::object{
        {"dir", r.dir},
        {"clean", r.findings.empty()},
        {"log_last_lsn", unum(r.log_last_lsn)},
        {"records_checked", unum(r.records_checked)},
        {"records_applied", unum(r.records_applied)},
        {"seals", r.seals.checked
                      ? json::value{json::object{{"seals", unum(r.seals.seals)},
                                                 {"holding", unum(r.seals.holding)},
                                                 {"sealed_from", unum(r.seals.sealed_from)},
                                                 {"sealed_through", unum(r.seals.sealed_through)},
                                                 {"broken", r.seals.broken},
                                                 {"first_broken", unum(r.seals.first_broken)}}}
                      : json::value{}},
        {"replayed_to_lsn", unum(r.replayed_to_lsn)},
        {"state_digest", hex64(r.final_digest)},
        {"replay_seconds", r.replay_seconds},
        {"records_per_second",
         r.replay_seconds > 0 ? static_cast<double>(r.records_applied) / r.replay_seconds : 0.0},
        {"damaged", r.damaged},
        {"snapshots", std::move(snapshots)},
        {"invariant_findings", unum(r.invariants.size())},
        {"regions", std::move(regions)},
        {"findings", std::move(findings)}};
    std::string text;
    json::write(text, v);
    std::fprintf(out, "%s\n", text.c_str());
}

}  // namespace stampd::audit
