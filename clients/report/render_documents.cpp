// Invoice documents and outbound manifests as CSV, JSON or PDF (render.hpp).
#include "clients/lib/json.hpp"
#include "clients/report/documents.hpp"
#include "clients/report/pdf_document.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"
#include "engine/queries.hpp"

namespace stampd::report {
namespace {

std::string key_of(const code& c) {
    return std::string{c.view()};
}

std::string date_or_blank(const time_zone& zone, i64 time_us) {
    return time_us == 0 ? std::string{} : format_day(local_day(zone, time_us));
}

std::string invoice_title(const state& s, const invoice& i) {
    if (i.credit_of != id_none) {
        return "Credit note " + key_of(i.number) + " (credits " +
               key_of(s.invoice_at(i.credit_of).number) + ")";
    }
    return (i.status == invoice_status::draft ? "Draft invoice " : "Invoice ") + key_of(i.number);
}

// The components an invoice charges (a rate or an amount), in GST, HST, QST, PST order: each its
// own line on every rendering.
std::vector<tax_kind> charged_taxes(const invoice& i) {
    std::vector<tax_kind> out;
    for (const tax_kind k : all_tax_kinds) {
        if (i.rates[index(k)] != 0 || i.totals.taxes[index(k)] != 0) out.push_back(k);
    }
    return out;
}

// --- invoices: CSV ---

std::string invoices_csv(const state& s, const provenance& from,
                         const std::vector<invoice_id>& ids) {
    std::string out;
    append_csv_row(out, {"invoice",
                         "status",
                         "date",
                         "due",
                         "consignee",
                         "consignee_name",
                         "tax_province",
                         "po",
                         "credit_of",
                         "row",
                         "product",
                         "product_name",
                         "region",
                         "units",
                         "volume_ml",
                         "increments_per_unit",
                         "rate_cents_per_increment",
                         "unit_amount_cad",
                         "amount_cad",
                         "note"});
    const time_zone& zone = s.settings.zone;
    for (const invoice_id id : ids) {
        const invoice& i = s.invoice_at(id);
        const consignee& c = s.consignee_at(i.consignee);
        const std::vector<std::string> head = {
            key_of(i.number),
            std::string{to_string(i.status)},
            date_or_blank(zone, invoice_date_us(i)),
            i.due == no_day ? "" : format_day(i.due),
            key_of(c.key),
            c.name,
            std::string{to_string(i.tax_province)},
            key_of(s.po_at(i.po).number),
            i.credit_of == id_none ? "" : key_of(s.invoice_at(i.credit_of).number)};
        const auto row = [&](std::vector<std::string> rest) {
            std::vector<std::string> fields = head;
            fields.insert(fields.end(), rest.begin(), rest.end());
            append_csv_row(out, fields);
        };
        for (const invoice_line& l : i.lines) {
            const product& p = s.product_at(l.product);
            row({"line", key_of(p.sku), p.name, std::string{to_string(l.stamp_region)},
                 std::to_string(l.units), format_ml(l.volume_ul), std::to_string(l.increments),
                 std::to_string(l.duty_cents_per_increment), format_decimal(l.duty_per_unit),
                 format_decimal(l.line_duty), ""});
        }
        for (const invoice_fee& f : i.fees) {
            row({"fee", "", f.name, "", "", "", "", "", format_decimal(f.amount_cents),
                 format_decimal(f.charge_cents), std::string{to_string(f.kind)}});
        }
        const invoice_totals& t = i.totals;
        row({"duty", "", "", "", "", "", "", "", "", format_decimal(t.duty), ""});
        row({"fees", "", "", "", "", "", "", "", "", format_decimal(t.fees), ""});
        row({"subtotal", "", "", "", "", "", "", "", "", format_decimal(t.subtotal), ""});
        for (const tax_kind k : charged_taxes(i)) {
            row({"tax", "", std::string{to_string(k)}, "", "", "", "", "", "",
                 format_decimal(t.taxes[index(k)]), rate_text(i.rates[index(k)])});
        }
        row({"total", "", "", "", "", "", "", "", "", format_decimal(t.total), ""});
    }
    append_csv_row(out, {"", "", "", "", "", "", "", "", "", "computed_from",
                         "", "", "", "", "", "", "", "", "", describe(from)});
    return out;
}

// --- invoices: JSON ---

json::value invoice_json(const state& s, const invoice& i) {
    const time_zone& zone = s.settings.zone;
    json::array lines, fees, since;
    for (const invoice_line& l : i.lines) {
        const product& p = s.product_at(l.product);
        lines.push_back(json::object{{"product", key_of(p.sku)},
                                     {"product_name", p.name},
                                     {"region", to_string(l.stamp_region)},
                                     {"units", l.units},
                                     {"volume_ul", std::uint64_t{l.volume_ul}},
                                     {"increments_per_unit", std::uint64_t{l.increments}},
                                     {"rate_cents_per_increment", l.duty_cents_per_increment},
                                     {"duty_per_unit_cents", l.duty_per_unit},
                                     {"line_duty_cents", l.line_duty}});
    }
    for (const invoice_fee& f : i.fees) {
        fees.push_back(json::object{{"name", f.name},
                                    {"kind", to_string(f.kind)},
                                    {"amount_cents", f.amount_cents},
                                    {"charge_cents", f.charge_cents}});
    }
    json::array taxes;
    for (const tax_kind k : charged_taxes(i)) {
        taxes.push_back(
            json::object{{"kind", to_string(k)},
                         {"rate_thousandths_of_percent", std::int64_t{i.rates[index(k)]}},
                         {"rate", rate_text(i.rates[index(k)])},
                         {"tax_cents", i.totals.taxes[index(k)]}});
    }
    json::object dates;
    for (u8 k = 0; k < invoice_status_count; ++k) {
        if (i.since_us[k] != 0) {
            dates.emplace_back(std::string{to_string(static_cast<invoice_status>(k))},
                               format_utc_time(i.since_us[k]));
        }
    }
    return json::object{
        {"invoice", key_of(i.number)},
        {"status", to_string(i.status)},
        {"date", date_or_blank(zone, invoice_date_us(i))},
        {"since", std::move(dates)},
        {"due", i.due == no_day ? "" : format_day(i.due)},
        {"consignee", key_of(s.consignee_at(i.consignee).key)},
        {"consignee_name", s.consignee_at(i.consignee).name},
        {"po", key_of(s.po_at(i.po).number)},
        {"credit_of", i.credit_of == id_none ? "" : key_of(s.invoice_at(i.credit_of).number)},
        {"reason", i.reason},
        {"notes", i.notes},
        {"tax_province", to_string(i.tax_province)},
        {"taxes", std::move(taxes)},
        {"lines", std::move(lines)},
        {"fees", std::move(fees)},
        {"totals_cents", json::object{{"duty", i.totals.duty},
                                      {"fees", i.totals.fees},
                                      {"subtotal", i.totals.subtotal},
                                      {"tax", i.totals.tax},
                                      {"total", i.totals.total}}}};
}

// --- invoices: PDF ---

void invoice_pdf(pdf_document& pdf, const state& s, const invoice& i,
                 const std::string& warehouse) {
    const time_zone& zone = s.settings.zone;
    const consignee& c = s.consignee_at(i.consignee);
    pdf.title(invoice_title(s, i));
    if (!warehouse.empty()) pdf.field("From", warehouse);
    pdf.field("Status", std::string{to_string(i.status)});
    pdf.field(i.status == invoice_status::draft ? "Drafted" : "Invoice date",
              date_or_blank(zone, invoice_date_us(i)));
    if (i.due != no_day) pdf.field("Due", format_day(i.due));
    pdf.field("Bill to",
              c.name + " (" + key_of(c.key) + "), " + std::string{to_string(c.primary_province)});
    pdf.field("Production order", key_of(s.po_at(i.po).number));
    if (!i.reason.empty()) pdf.field("Reason", i.reason);
    pdf.space(6);
    pdf.begin_table({{"Product", 120, align::left},
                     {"Region", 40, align::left},
                     {"Units", 50, align::right},
                     {"Volume", 48, align::right},
                     {"Incr./unit", 50, align::right},
                     {"Rate/incr.", 56, align::right},
                     {"Duty/unit", 58, align::right},
                     {"Line duty", 90, align::right}});
    for (const invoice_line& l : i.lines) {
        const product& p = s.product_at(l.product);
        pdf.row({key_of(p.sku) + " " + p.name, std::string{to_string(l.stamp_region)},
                 format_count(l.units), format_ml(l.volume_ul) + " mL",
                 std::to_string(l.increments), format_cents(l.duty_cents_per_increment),
                 format_cents(l.duty_per_unit), format_cents(l.line_duty)});
    }
    pdf.end_table();
    if (!i.fees.empty()) {
        pdf.begin_table({{"Fee", 260, align::left},
                         {"Kind", 80, align::left},
                         {"Amount", 86, align::right},
                         {"Charge", 86, align::right}});
        for (const invoice_fee& f : i.fees) {
            pdf.row({f.name, f.kind == fee_kind::per_unit ? "per unit" : "flat",
                     format_cents(f.amount_cents), format_cents(f.charge_cents)});
        }
        pdf.end_table();
    }
    const invoice_totals& t = i.totals;
    pdf.statement_line("Excise duty", format_cents(t.duty));
    pdf.statement_line("Fees", format_cents(t.fees));
    pdf.statement_line("Subtotal", format_cents(t.subtotal));
    for (const tax_kind k : charged_taxes(i)) {
        pdf.statement_line(std::string{to_string(k)} + " " + rate_text(i.rates[index(k)]) + " (" +
                               std::string{to_string(i.tax_province)} + ")",
                           format_cents(t.taxes[index(k)]));
    }
    pdf.statement_line("Total (CAD)", format_cents(t.total), true);
    if (!i.notes.empty()) {
        pdf.space(8);
        pdf.field("Notes", i.notes);
    }
}

// --- outbound manifests ---

std::string outbound_status_name(outbound_status status) {
    return std::string{to_string(status)};
}

// Who shipped it, by login name; "" until Shipped.
std::string shipped_by(const state& s, const outbound& o) {
    if (o.status != outbound_status::shipped || !s.has_user(o.shipped_by)) return "";
    return key_of(s.user_at(o.shipped_by).key);
}
std::string shipped_date(const state& s, const outbound& o) {
    if (o.status != outbound_status::shipped) return "";
    return date_or_blank(s.settings.zone, o.shipped_us);
}

std::string outbound_csv(const state& s, const provenance& from,
                         const std::vector<outbound_id>& ids) {
    std::string out;
    append_csv_row(out,
                   {"outbound", "po", "consignee", "consignee_name", "date", "status", "product",
                    "product_name", "region", "units", "note", "shipped_date", "shipped_by"});
    for (const outbound_id id : ids) {
        const outbound& o = s.outbound_at(id);
        const consignee& c = s.consignee_at(o.consignee);
        for (const outbound_line& l : o.lines) {
            const product& p = s.product_at(l.product);
            append_csv_row(
                out, {outbound_number(id), key_of(s.po_at(o.po).number), key_of(c.key), c.name,
                      date_or_blank(s.settings.zone, o.created_us), outbound_status_name(o.status),
                      key_of(p.sku), p.name, std::string{to_string(l.stamp_region)},
                      std::to_string(l.units), "", shipped_date(s, o), shipped_by(s, o)});
        }
    }
    append_csv_row(out, {"", "", "", "", "", "", "", "", "", "", describe(from), "", ""});
    return out;
}

std::string outbound_json(const state& s, const provenance& from,
                          const std::vector<outbound_id>& ids) {
    json::array manifests;
    for (const outbound_id id : ids) {
        const outbound& o = s.outbound_at(id);
        json::array lines;
        for (const outbound_line& l : o.lines) {
            const product& p = s.product_at(l.product);
            lines.push_back(json::object{{"product", key_of(p.sku)},
                                         {"product_name", p.name},
                                         {"region", to_string(l.stamp_region)},
                                         {"units", std::uint64_t{l.units}}});
        }
        manifests.push_back(json::object{{"outbound", outbound_number(id)},
                                         {"po", key_of(s.po_at(o.po).number)},
                                         {"consignee", key_of(s.consignee_at(o.consignee).key)},
                                         {"date", date_or_blank(s.settings.zone, o.created_us)},
                                         {"status", outbound_status_name(o.status)},
                                         {"shipped_date", shipped_date(s, o)},
                                         {"shipped_by", shipped_by(s, o)},
                                         {"lines", std::move(lines)}});
    }
    return json::to_string(json::object{{"report", "outbound"},
                                        {"computed_from", provenance_json(from)},
                                        {"manifests", std::move(manifests)}}) +
           "\n";
}

void outbound_pdf(pdf_document& pdf, const state& s, outbound_id id) {
    const outbound& o = s.outbound_at(id);
    const consignee& c = s.consignee_at(o.consignee);
    pdf.heading("Outbound " + outbound_number(id) + " - " + key_of(s.po_at(o.po).number));
    pdf.field("Consignee", c.name + " (" + key_of(c.key) + ")");
    pdf.field("Completed", date_or_blank(s.settings.zone, o.created_us));
    pdf.field("Status", outbound_status_name(o.status));
    if (o.status == outbound_status::shipped)
        pdf.field("Shipped", shipped_date(s, o) + " by " + shipped_by(s, o));
    pdf.space(4);
    pdf.begin_table({{"Product", 250, align::left},
                     {"Region", 80, align::left},
                     {"Verified units", 110, align::right}});
    u64 total = 0;
    for (const outbound_line& l : o.lines) {
        const product& p = s.product_at(l.product);
        pdf.row({key_of(p.sku) + " " + p.name, std::string{to_string(l.stamp_region)},
                 format_count(l.units)});
        total += l.units;
    }
    pdf.row({"Total", "", format_count(static_cast<i64>(total))}, true, true);
    pdf.end_table();
}

}  // namespace

bool render_invoices(const state& s, const provenance& from, const std::vector<invoice_id>& ids,
                     const std::string& warehouse, format how, const std::string& path,
                     std::string& error) {
    switch (how) {
        case format::csv:
            return write_output(path, invoices_csv(s, from, ids), error);
        case format::json: {
            json::array invoices;
            for (const invoice_id id : ids)
                invoices.push_back(invoice_json(s, s.invoice_at(id)));
            return write_output(
                path,
                json::to_string(json::object{{"report", "invoices"},
                                             {"computed_from", provenance_json(from)},
                                             {"invoices", std::move(invoices)}}) +
                    "\n",
                error);
        }
        case format::pdf: {
            if (!pdf_path_ok(path, error)) return false;
            pdf_document pdf("Invoices", describe(from));
            for (std::size_t k = 0; k < ids.size(); ++k) {
                if (k > 0) pdf.new_page();
                invoice_pdf(pdf, s, s.invoice_at(ids[k]), warehouse);
            }
            if (ids.empty()) pdf.line("No invoice matches.");
            return pdf.save(path, error);
        }
    }
    return false;
}

bool render_outbound(const state& s, const provenance& from, const std::vector<outbound_id>& ids,
                     const std::string& warehouse, format how, const std::string& path,
                     std::string& error) {
    switch (how) {
        case format::csv:
            return write_output(path, outbound_csv(s, from, ids), error);
        case format::json:
            return write_output(path, outbound_json(s, from, ids), error);
        case format::pdf: {
            if (!pdf_path_ok(path, error)) return false;
            pdf_document pdf("Outbound manifests", describe(from));
            pdf.title("Outbound manifests");
            if (!warehouse.empty()) pdf.field("Warehouse", warehouse);
            pdf.line(std::to_string(ids.size()) + " manifest(s)");
            for (const outbound_id id : ids)
                outbound_pdf(pdf, s, id);
            return pdf.save(path, error);
        }
    }
    return false;
}

}  // namespace stampd::report
