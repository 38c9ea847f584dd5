// The Stamp Accounting report as CSV, JSON or PDF (render.hpp): the same figures in each — the
// licensee, the period and what it was computed from, per region the statement, the physical
// count at the period's end and its discrepancy — and in the PDF an attestation to sign.
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

// The licensee's fields, in the order documents print them.
std::vector<std::pair<std::string, std::string>> licensee_fields(const warehouse_identity& id) {
    return {{"legal_name", id.legal_name},
            {"address", id.address},
            {"gst_hst_number", id.gst_hst_number},
            {"qst_number", id.qst_number},
            {"excise_licence", id.excise_licence}};
}

std::string count_note(const count_line& c) {
    std::string note = "recorded by " + c.recorded_by + " at " + format_utc_time(c.recorded_us);
    if (!c.counted_by.empty()) note += "; counted by " + c.counted_by;
    if (c.recounts > 0) note += "; supersedes " + std::to_string(c.recounts) + " earlier count(s)";
    if (!c.notes.empty()) note += "; " + c.notes;
    return note;
}

void csv_count(std::string& out, const std::string& name, const stamp_accounting& report,
               const region_accounting& r) {
    if (!report.span.bounded()) return;
    const std::string close = format_day(report.span.last);
    if (!r.count) {
        append_csv_row(out, {name, "count", "", "", "", "", "", "", "", close, "", "", "", "", "",
                             "", "none entered for the close of " + close});
        return;
    }
    const count_line& c = *r.count;
    append_csv_row(out, {name, "count", "", "", "", "", c.recorded_by, "", "", close,
                         format_utc_time(c.recorded_us), std::to_string(c.lsn), "", "",
                         std::to_string(c.counted), "", count_note(c)});
    append_csv_row(out, {name, "discrepancy", "", "", "", "", "", "", "", close, "", "", "", "",
                         std::to_string(c.discrepancy), "", "counted - closing"});
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
    for (const auto& [field, value] : licensee_fields(report.licensee)) {
        append_csv_row(out, {"", "licensee", field, "", "", "", "", "", "", "", "", "", "", "", "",
                             "", value});
    }
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
        csv_count(out, name, report, r);
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

json::value count_json(const region_accounting& r) {
    if (!r.count) return {};
    const count_line& c = *r.count;
    return json::object{{"as_of", format_day(c.as_of)},
                        {"counted", c.counted},
                        {"recorded_by", c.recorded_by},
                        {"recorded_at", format_utc_time(c.recorded_us)},
                        {"lsn", c.lsn},
                        {"counted_by", c.counted_by},
                        {"notes", c.notes},
                        {"earlier_counts", std::uint64_t{c.recounts}}};
}

std::string region_json(const stamp_accounting& report, const region_accounting& r) {
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
    std::string text;
    json::write(text, json::object{{"region", to_string(r.stamp_region)},
                                   {"opening", f.opening},
                                   {"received", f.received},
                                   {"used", f.used},
                                   {"refunded", f.refunded},
                                   {"closing", f.closing},
                                   {"entries", f.entries},
                                   {"physical_count", count_json(r)},
                                   {"discrepancy",
                                    r.count ? json::value{r.count->discrepancy} : json::value{}},
                                   {"sources", std::move(sources)}});
    if (report.with_entries) {
        text.pop_back();  // the object's '}': the entries go inside it
        append_entries_json(text, report, r);
        text += '}';
    }
    return text;
}

std::string render_json(const stamp_accounting& report) {
    std::string out = "{\"report\":\"stamp-accounting\",\"period\":";
    json::write(out,
                json::object{{"label", report.span.label},
                             {"first", report.span.bounded() ? format_day(report.span.first) : ""},
                             {"last", report.span.bounded() ? format_day(report.span.last) : ""},
                             {"time_zone", report.zone.name}});
    out += ",\"computed_from\":";
    json::write(out, provenance_json(report.from));
    json::object licensee;
    for (auto& [field, value] : licensee_fields(report.licensee))
        licensee.emplace_back(std::move(field), std::move(value));
    out += ",\"licensee\":";
    json::write(out, licensee);
    out += ",\"regions\":[";
    for (std::size_t i = 0; i < report.regions.size(); ++i) {
        if (i > 0) out += ',';
        out += region_json(report, report.regions[i]);
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

void pdf_licensee(pdf_document& pdf, const stamp_accounting& report) {
    const warehouse_identity& id = report.licensee;
    if (id.legal_name.empty()) {
        pdf.field("Licensee", report.warehouse.empty() ? "not set (stampctl set-warehouse-identity)"
                                                       : report.warehouse);
        return;
    }
    pdf.field("Licensee", id.legal_name);
    std::string address;  // one line: its lines joined
    for (const char c : id.address)
        address += c == '\n' ? std::string{", "} : std::string(1, c);
    if (!address.empty()) pdf.field("Address", address);
    pdf.field("GST/HST registration", id.gst_hst_number);
    pdf.field("QST registration", id.qst_number.empty() ? "none" : id.qst_number);
    pdf.field("Excise licence", id.excise_licence.empty() ? "not given" : id.excise_licence);
}

void pdf_summary(pdf_document& pdf, const stamp_accounting& report) {
    pdf.heading("Summary");
    pdf.begin_table({{"Region", 48, align::left},
                     {"Opening", 64, align::right},
                     {"Received", 64, align::right},
                     {"Used", 64, align::right},
                     {"Refunded", 64, align::right},
                     {"Closing", 64, align::right},
                     {"Counted", 64, align::right},
                     {"Discrepancy", 80, align::right}});
    for (const region_accounting& r : report.regions) {
        const ledger_figures& f = r.figures;
        pdf.row({std::string{to_string(r.stamp_region)}, format_count(f.opening),
                 format_count(f.received), format_count(f.used), format_count(f.refunded),
                 format_count(f.closing), r.count ? format_count(r.count->counted) : "-",
                 r.count ? format_signed_count(r.count->discrepancy) : "-"});
    }
    pdf.end_table();
}

void pdf_count(pdf_document& pdf, const stamp_accounting& report, const region_accounting& r) {
    if (!report.span.bounded()) return;
    const std::string label = "Physical count at the close of " + format_day(report.span.last);
    if (!r.count) {
        pdf.statement_line(label, "none entered");
        return;
    }
    const count_line& c = *r.count;
    pdf.statement_line(label, format_count(c.counted));
    pdf.statement_line("Discrepancy (counted - closing)", format_signed_count(c.discrepancy), true);
    std::string who = "Recorded by " + c.recorded_by + " on " +
                      format_local_time(report.zone, c.recorded_us) + " (LSN " +
                      std::to_string(c.lsn) + ")";
    if (!c.counted_by.empty()) who += "; counted by " + c.counted_by;
    if (c.recounts > 0) who += "; supersedes " + std::to_string(c.recounts) + " earlier count(s)";
    pdf.paragraph(who + (c.notes.empty() ? "" : ". Notes: " + c.notes), 8);
}

void pdf_entries(pdf_document& pdf, const stamp_accounting& report, const region_accounting& r) {
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

void pdf_region(pdf_document& pdf, const stamp_accounting& report, const region_accounting& r) {
    const ledger_figures& f = r.figures;
    pdf.heading(std::string{region_name(r.stamp_region)} + " stamps (" +
                std::string{to_string(r.stamp_region)} + ")");
    pdf.statement_line("Opening balance", format_count(f.opening));
    for (const source_line& s : r.sources)
        pdf.statement_line(source_label(s), format_count(std::llabs(s.quantity)));
    pdf.statement_line("= Closing balance", format_count(f.closing), true);
    if (r.sources.empty()) pdf.line("No movements in the period.");
    pdf_count(pdf, report, r);
    pdf_entries(pdf, report, r);
}

// What the licensee's officer signs (seed 001: the closing balances are compared with the
// stamps on hand, and every difference is accounted for).
void pdf_attestation(pdf_document& pdf, const stamp_accounting& report) {
    const warehouse_identity& id = report.licensee;
    const std::string who = id.legal_name.empty() ? "the licensee" : id.legal_name;
    const std::string licence =
        id.excise_licence.empty() ? "" : " under excise licence " + id.excise_licence;
    const std::string close =
        report.span.bounded() ? "at the close of " + format_day(report.span.last) : "as recorded";
    pdf.heading("Attestation");
    pdf.paragraph("I certify that this statement of the excise stamps held by " + who + licence +
                  " for the period " + report.span.label + " (" + period_note(report) +
                  ") is drawn from the warehouse's stamp ledger, LSN 1 to " +
                  std::to_string(report.from.to_lsn) + " (chain hash " +
                  format_hex64(report.from.chain) +
                  "); that the physical counts shown are of the stamps on hand " + close +
                  "; and that, to the best of my knowledge, the information given is correct and "
                  "complete, and every difference between a counted and a closing balance is "
                  "shown above with its cause investigated.");
    pdf.space(10);
    pdf.line("Name: ________________________________    Title: ________________________________");
    pdf.space(14);
    pdf.line("Signature: ____________________________    Date: _________________________________");
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
    pdf_licensee(pdf, report);
    pdf.field("Period", report.span.label + " - " + period_note(report));
    pdf.field("Computed from", "LSN 1 to " + std::to_string(report.from.to_lsn) + ", chain hash " +
                                   format_hex64(report.from.chain));
    pdf.paragraph(
        "Closing = opening + received - used + refunded. Used counts stamps applied on "
        "the line and verification adjustments; refunds come from verifications and "
        "cancellations (the full allocation of a cancelled order, stamps applied "
        "before the cancel included). Discrepancy = the physical count at the period's "
        "end - the closing balance.",
        8);
    pdf_summary(pdf, report);
    for (const region_accounting& r : report.regions)
        pdf_region(pdf, report, r);
    pdf_attestation(pdf, report);
    return pdf.save(path, error);
}

}  // namespace

bool render_stamp_accounting(const stamp_accounting& report, format how, const std::string& path,
                             std::string& error) {
    switch (how) {
        case format::csv:
            return write_output(path, render_csv(report), error);
        case format::json:
            return write_output(path, render_json(report), error);
        case format::pdf:
            return render_pdf(report, path, error);
    }
    return false;
}

}  // namespace stampd::report
