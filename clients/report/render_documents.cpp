// Invoice documents and outbound manifests as CSV, JSON or PDF (render.hpp).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "clients/lib/json.hpp"
#include "clients/report/documents.hpp"
#include "clients/report/documents_pdf.hpp"
#include "clients/report/pdf_document.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"
#include "engine/queries.hpp"

namespace stampd::report {
namespace {

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
        json::array boxes;
        for (const packed_box& b : packed_boxes(s, o.po)) {
            json::object stamps;
            for (const region r : all_regions) {
                if (b.stamps[index(r)] != 0)
                    stamps.emplace_back(std::string{to_string(r)}, b.stamps[index(r)]);
            }
            boxes.push_back(
                json::object{{"barcode", std::string{s.barcode_of(b.box)}},
                             {"product", key_of(s.product_at(s.box_at(b.box).product).sku)},
                             {"units", std::uint64_t{b.units}},
                             {"stamps", std::move(stamps)}});
        }
        const consignee& c = s.consignee_at(o.consignee);
        manifests.push_back(json::object{
            {"outbound", outbound_number(id)},
            {"po", key_of(s.po_at(o.po).number)},
            {"consignee", key_of(c.key)},
            {"ship_to", c.shipping_address.empty() ? c.billing_address : c.shipping_address},
            {"date", date_or_blank(s.settings.zone, o.created_us)},
            {"status", outbound_status_name(o.status)},
            {"shipped_date", shipped_date(s, o)},
            {"shipped_by", shipped_by(s, o)},
            {"lines", std::move(lines)},
            {"boxes", std::move(boxes)}});
    }
    return json::to_string(json::object{{"report", "outbound"},
                                        {"computed_from", provenance_json(from)},
                                        {"manifests", std::move(manifests)}}) +
           "\n";
}

// Each invoice's own footer: its number, then what it was computed from.
std::string invoice_footer(const invoice& i, const provenance& from) {
    return key_of(i.number) + " - " + describe(from);
}

bool is_directory_target(const std::string& path) {
    struct stat st {};
    return (!path.empty() && path.back() == '/') ||
           (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
}

// One file an invoice, named after it, in `dir` (made if missing).
bool invoice_files(const state& s, const provenance& from, const std::vector<invoice_id>& ids,
                   const issuer& who, const std::string& dir, std::string& error) {
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
        error = "cannot make the directory " + dir + ": " + std::strerror(errno);
        return false;
    }
    for (const invoice_id id : ids) {
        const invoice& i = s.invoice_at(id);
        pdf_document pdf(invoice_title(s, i), invoice_footer(i, from),
                         i.status == invoice_status::draft);
        invoice_pdf(pdf, s, i, who);
        const std::string path = dir + (dir.back() == '/' ? "" : "/") + invoice_file_name(i);
        if (!pdf.save(path, error)) return false;
    }
    return true;
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
            const issuer who = issuer_of(s, warehouse);
            if (is_directory_target(path)) return invoice_files(s, from, ids, who, path, error);
            if (ids.empty()) {
                pdf_document pdf("Invoices", describe(from));
                pdf.line("No invoice matches.");
                return pdf.save(path, error);
            }
            // Several invoices in one file: each its own document, numbered on its own.
            const invoice& first = s.invoice_at(ids.front());
            pdf_document pdf(ids.size() == 1 ? invoice_title(s, first) : "Invoices",
                             invoice_footer(first, from), first.status == invoice_status::draft);
            for (std::size_t k = 0; k < ids.size(); ++k) {
                const invoice& i = s.invoice_at(ids[k]);
                if (k > 0)
                    pdf.begin_document(invoice_footer(i, from), i.status == invoice_status::draft);
                invoice_pdf(pdf, s, i, who);
            }
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
            const issuer who = issuer_of(s, warehouse);
            if (ids.empty()) {
                pdf_document pdf("Packing lists", describe(from));
                pdf.line("No outbound shipment matches.");
                return pdf.save(path, error);
            }
            // One packing list a shipment, each numbered on its own.
            pdf_document pdf("Packing lists",
                             outbound_number(ids.front()) + " - " + describe(from));
            for (std::size_t k = 0; k < ids.size(); ++k) {
                if (k > 0) pdf.begin_document(outbound_number(ids[k]) + " - " + describe(from));
                packing_list_pdf(pdf, s, ids[k], who);
            }
            return pdf.save(path, error);
        }
    }
    return false;
}

}  // namespace stampd::report
