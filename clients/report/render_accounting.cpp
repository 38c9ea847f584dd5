// The Stamp Accounting report as CSV, JSON or PDF (render.hpp).
#include <cstdlib>

#include "clients/lib/json.hpp"
#include "clients/report/pdf_document.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"

namespace stampd::report {
namespace {

// A PDF of a million entries helps nobody: past this, --entries wants CSV or JSON.
constexpr std::size_t pdf_entries_max = 50'000;

std::string_view region_name(region r) {
    constexpr std::array<std::string_view, region_count> names = {"Federal", "Ontario", "Quebec",
                                                                  "Alberta", "Manitoba"};
    return names[index(r)];
}

std::string period_note(const stamp_accounting& report) {
    if (!report.span.bounded()) return "all time";
    return format_day(report.span.first) + " to " + format_day(report.span.last) + " (" +
           report.zone.name + ")";
}

std::string render_csv(const stamp_accounting& report) {
    std::string out;
    append_csv_row(
        out, {"region", "row", "kind", "source", "consignee", "box", "user", "station", "override",
              "date", "time_utc", "lsn", "sequence", "entries", "quantity", "balance", "note"});
    const auto row = [&out](std::string region, std::string kind_of_row, std::string date,
                            std::string lsn, std::string quantity, std::string balance,
                            std::string note) {
        append_csv_row(out, {std::move(region), std::move(kind_of_row), "", "", "", "", "", "", "",
                             std::move(date), "", std::move(lsn), "", "", std::move(quantity),
                             std::move(balance), std::move(note)});
    };
    row("", "period", report.span.bounded() ? format_day(report.span.first) : "", "", "", "",
        report.span.label + ": " + period_note(report));
    row("", "computed_from", "", std::to_string(report.from.to_lsn), "", "", describe(report.from));
    for (const region_accounting& r : report.regions) {
        const std::string name{to_string(r.stamp_region)};
        const ledger_figures& f = r.figures;
        row(name, "opening", "", "", "", std::to_string(f.opening), "");
        for (const source_line& s : r.sources) {
            append_csv_row(
                out, {name, "source", std::string{to_string(s.kind)}, s.source_number, s.consignee,
                      "", "", "", "", format_day(local_day(report.zone, s.first_time_us)), "", "",
                      "", std::to_string(s.entries), std::to_string(s.quantity), "",
                      std::string{describe(s.kind)}});
        }
        for (const statement_entry& e : r.entries) {
            append_csv_row(
                out, {name, "entry", std::string{to_string(e.kind)}, e.source_number, e.consignee,
                      e.box, e.user, std::to_string(e.station), e.overridden ? "yes" : "no",
                      format_day(local_day(report.zone, e.time_us)), format_utc_time(e.time_us),
                      std::to_string(e.lsn), std::to_string(e.sequence), "",
                      std::to_string(e.quantity), std::to_string(e.balance_after), ""});
        }
        row(name, "received", "", "", std::to_string(f.received), "", "");
        row(name, "used", "", "", std::to_string(f.used), "", "usage and verification adjustments");
        row(name, "refunded", "", "", std::to_string(f.refunded), "", "");
        row(name, "closing", "", "", "", std::to_string(f.closing),
            "opening + received - used + refunded; " + std::to_string(f.entries) + " entries");
    }
    return out;
}

void append_entries_json(std::string& out, const stamp_accounting& report,
                         const region_accounting& r) {
    out += ",\"ledger_entries\":[";
    for (std::size_t i = 0; i < r.entries.size(); ++i) {
        const statement_entry& e = r.entries[i];
        if (i > 0) out += ',';
        json::write(out, json::object{{"sequence", e.sequence},
                                      {"lsn", e.lsn},
                                      {"time", format_utc_time(e.time_us)},
                                      {"date", format_day(local_day(report.zone, e.time_us))},
                                      {"kind", to_string(e.kind)},
                                      {"source", e.source_number},
                                      {"consignee", e.consignee},
                                      {"box", e.box},
                                      {"user", e.user},
                                      {"station", std::uint64_t{e.station}},
                                      {"override", e.overridden},
                                      {"quantity", std::int64_t{e.quantity}},
                                      {"balance_after", e.balance_after}});
    }
    out += ']';
}

std::string render_json(const stamp_accounting& report, bool with_entries) {
    std::string out = "{\"report\":\"stamp-accounting\",\"period\":";
    json::write(out,
                json::object{{"label", report.span.label},
                             {"first", report.span.bounded() ? format_day(report.span.first) : ""},
                             {"last", report.span.bounded() ? format_day(report.span.last) : ""},
                             {"time_zone", report.zone.name}});
    out += ",\"computed_from\":";
    json::write(out, provenance_json(report.from));
    out += ",\"regions\":[";
    for (std::size_t i = 0; i < report.regions.size(); ++i) {
        const region_accounting& r = report.regions[i];
        const ledger_figures& f = r.figures;
        json::array sources;
        for (const source_line& s : r.sources) {
            sources.push_back(json::object{{"kind", to_string(s.kind)},
                                           {"source", s.source_number},
                                           {"consignee", s.consignee},
                                           {"entries", s.entries},
                                           {"quantity", s.quantity},
                                           {"first", format_utc_time(s.first_time_us)}});
        }
        std::string region_text;
        json::write(region_text, json::object{{"region", to_string(r.stamp_region)},
                                              {"opening", f.opening},
                                              {"received", f.received},
                                              {"used", f.used},
                                              {"refunded", f.refunded},
                                              {"closing", f.closing},
                                              {"entries", f.entries},
                                              {"available_to_promise", r.available_to_promise},
                                              {"sources", std::move(sources)}});
        if (with_entries) {
            region_text.pop_back();  // the object's '}': the entries go inside it
            append_entries_json(region_text, report, r);
            region_text += '}';
        }
        if (i > 0) out += ',';
        out += region_text;
    }
    out += "]}\n";
    return out;
}

std::string source_label(const source_line& s) {
    std::string label =
        (s.quantity < 0 ? "- " : "+ ") + std::string{describe(s.kind)} + " " + s.source_number;
    if (!s.consignee.empty()) label += " (" + s.consignee + ")";
    if (s.entries > 1) label += ", " + format_count(static_cast<i64>(s.entries)) + " entries";
    return label;
}

void pdf_region(pdf_document& pdf, const stamp_accounting& report, const region_accounting& r) {
    const ledger_figures& f = r.figures;
    pdf.heading(std::string{region_name(r.stamp_region)} + " stamps (" +
                std::string{to_string(r.stamp_region)} + ")");
    pdf.statement_line("Opening balance", format_count(f.opening));
    for (const source_line& s : r.sources)
        pdf.statement_line(source_label(s), format_count(std::llabs(s.quantity)));
    pdf.statement_line("= Closing balance", format_count(f.closing), true);
    if (r.sources.empty()) {
        pdf.line("No movements in the period. Available to promise now: " +
                 format_count(r.available_to_promise));
        return;
    }
    pdf.space(6);
    pdf.begin_table({{"Opening", 86, align::right},
                     {"Received", 86, align::right},
                     {"Used", 86, align::right},
                     {"Refunded", 86, align::right},
                     {"Closing", 86, align::right},
                     {"Entries", 82, align::right}});
    pdf.row({format_count(f.opening), format_count(f.received), format_count(f.used),
             format_count(f.refunded), format_count(f.closing),
             format_count(static_cast<i64>(f.entries))});
    pdf.end_table();
    pdf.line("Stamps available to promise now (balance less open reservations): " +
             format_count(r.available_to_promise));
    if (r.entries.empty()) return;
    pdf.space(6);
    pdf.begin_table({{"#", 40, align::right},
                     {"Date", 96, align::left},
                     {"Kind", 72, align::left},
                     {"Source", 84, align::left},
                     {"Box", 76, align::left},
                     {"User", 52, align::left},
                     {"Quantity", 46, align::right},
                     {"Balance", 46, align::right}});
    for (const statement_entry& e : r.entries) {
        pdf.row({std::to_string(e.sequence), format_local_time(report.zone, e.time_us),
                 std::string{to_string(e.kind)} + (e.overridden ? " (override)" : ""),
                 e.source_number, e.box, e.user, format_signed_count(e.quantity),
                 format_count(e.balance_after)});
    }
    pdf.end_table();
}

bool render_pdf(const stamp_accounting& report, const std::string& path, std::string& error) {
    if (!pdf_path_ok(path, error)) return false;
    std::size_t entries = 0;
    for (const region_accounting& r : report.regions)
        entries += r.entries.size();
    if (entries > pdf_entries_max) {
        error = "--entries lists " + std::to_string(entries) + " ledger entries, more than a PDF " +
                "holds usefully (" + std::to_string(pdf_entries_max) + "): use --format csv";
        return false;
    }
    pdf_document pdf("Stamp Accounting Report " + report.span.label, describe(report.from));
    pdf.title("Stamp Accounting Report");
    if (!report.warehouse.empty()) pdf.field("Warehouse", report.warehouse);
    pdf.field("Period", report.span.label + " - " + period_note(report));
    pdf.field("Computed from", "LSN 1 to " + std::to_string(report.from.to_lsn) + ", chain hash " +
                                   format_hex64(report.from.chain));
    pdf.paragraph(
        "Closing = opening + received - used + refunded. Used counts stamps applied on "
        "the line and verification adjustments; refunds come from verifications and "
        "cancellations (the full allocation of a cancelled order, stamps applied "
        "before the cancel included).",
        8);
    for (const region_accounting& r : report.regions)
        pdf_region(pdf, report, r);
    return pdf.save(path, error);
}

}  // namespace

bool render_stamp_accounting(const stamp_accounting& report, format how, const std::string& path,
                             std::string& error) {
    switch (how) {
        case format::csv:
            return write_output(path, render_csv(report), error);
        case format::json:
            return write_output(path, render_json(report, report.with_entries), error);
        case format::pdf:
            return render_pdf(report, path, error);
    }
    return false;
}

}  // namespace stampd::report
