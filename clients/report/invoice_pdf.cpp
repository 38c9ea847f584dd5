// The tax invoice and the credit note as a PDF document (documents_pdf.hpp). What a person
// checking it against the GST/HST invoice rules looks for is all on its first page: the
// supplier's name, address and registration numbers, the customer's name and address, the
// invoice number and date, what was supplied, each tax component on its own line with its rate,
// and the total; a credit note names the invoice it credits; a draft says DRAFT across it.
#include <array>

#include "clients/report/documents.hpp"
#include "clients/report/documents_pdf.hpp"
#include "clients/report/report_text.hpp"

namespace stampd::report {
namespace {

bool is_quebec(const invoice& i) {
    return i.tax_province == province::qc || i.rates[index(tax_kind::qst)] != 0;
}

std::vector<std::string> supplier_lines(const issuer& who, bool quebec) {
    std::vector<std::string> out;
    if (!who.legal_name.empty()) out.push_back(who.legal_name);
    if (!who.address.empty()) out.push_back(who.address);
    out.push_back("GST/HST registration no.: " +
                  (who.gst_hst_number.empty() ? std::string{"not set"} : who.gst_hst_number));
    if (quebec || !who.qst_number.empty()) {
        out.push_back("QST registration no.: " +
                      (who.qst_number.empty() ? std::string{"not set"} : who.qst_number));
    }
    if (!who.excise_licence.empty()) out.push_back("Excise licence no.: " + who.excise_licence);
    return out;
}

std::vector<std::string> customer_lines(const consignee& c) {
    std::vector<std::string> out = {c.name + " (" + key_of(c.key) + ")"};
    out.push_back(c.billing_address.empty() ? province_name(c.primary_province)
                                            : c.billing_address);
    if (!c.tax_registration.empty()) out.push_back("Registration no.: " + c.tax_registration);
    return out;
}

// "HST 13 % (Ontario)", "GST 5 %", "QST 9.975 % (Québec)".
std::string tax_label(const invoice& i, tax_kind k) {
    std::string label = std::string{to_string(k)} + " " + rate_text(i.rates[index(k)]);
    if (k != tax_kind::gst) label += " (" + province_name(i.tax_province) + ")";
    return label;
}

void heading_fields(pdf_document& pdf, const state& s, const invoice& i) {
    const time_zone& zone = s.settings.zone;
    pdf.field(i.credit_of != id_none ? "Credit note no." : "Invoice no.", key_of(i.number));
    if (i.status == invoice_status::draft) {
        pdf.field("Date", "not issued (drafted " + date_or_blank(zone, invoice_date_us(i)) + ")");
    } else {
        pdf.field("Date", date_or_blank(zone, invoice_date_us(i)));
    }
    if (i.credit_of != id_none) {
        const invoice& credited = s.invoice_at(i.credit_of);
        pdf.field("Credits", "invoice " + key_of(credited.number) + " of " +
                                 date_or_blank(zone, invoice_date_us(credited)));
    }
    if (i.due != no_day) pdf.field("Payment due", format_day(i.due));
    pdf.field("Production order", key_of(s.po_at(i.po).number));
    pdf.field("Status", std::string{to_string(i.status)});
    if (!i.reason.empty()) pdf.field("Reason", i.reason);
}

void lines_table(pdf_document& pdf, const state& s, const invoice& i) {
    pdf.begin_table({{"Description", 130, align::left},
                     {"Stamp", 42, align::left},
                     {"Units", 40, align::right},
                     {"Volume", 44, align::right},
                     {"Incr./unit", 56, align::right},
                     {"Duty/incr.", 56, align::right},
                     {"Duty/unit", 56, align::right},
                     {"Amount", 88, align::right}});
    for (const invoice_line& l : i.lines) {
        const product& p = s.product_at(l.product);
        pdf.row({"Excise duty: " + p.name + " (" + key_of(p.sku) + ")",
                 std::string{to_string(l.stamp_region)}, format_count(l.units),
                 format_ml(l.volume_ul) + " mL", std::to_string(l.increments),
                 format_cents(l.duty_cents_per_increment), format_cents(l.duty_per_unit),
                 format_cents(l.line_duty)});
    }
    pdf.end_table();
    if (i.fees.empty()) return;
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

}  // namespace

std::string province_name(province p) {
    constexpr std::array<const char*, province_count> names = {"Alberta",
                                                               "British Columbia",
                                                               "Manitoba",
                                                               "New Brunswick",
                                                               "Newfoundland and Labrador",
                                                               "Nova Scotia",
                                                               "Northwest Territories",
                                                               "Nunavut",
                                                               "Ontario",
                                                               "Prince Edward Island",
                                                               "Québec",
                                                               "Saskatchewan",
                                                               "Yukon"};
    return names[index(p)];
}

std::string invoice_title(const state& s, const invoice& i) {
    const std::string number = key_of(i.number);
    if (i.credit_of != id_none) {
        return (i.status == invoice_status::draft ? "DRAFT Credit note " : "Credit note ") +
               number + " (credits " + key_of(s.invoice_at(i.credit_of).number) + ")";
    }
    return (i.status == invoice_status::draft ? "DRAFT Invoice " : "Tax Invoice ") + number;
}

std::string invoice_file_name(const invoice& i) {
    return key_of(i.number) + ".pdf";
}

issuer issuer_of(const state& s, const std::string& warehouse) {
    issuer who = s.settings.identity;
    if (who.legal_name.empty()) who.legal_name = warehouse;
    return who;
}

std::string issuer_gaps(const issuer& who, bool quebec) {
    std::vector<std::string> gaps;
    if (who.legal_name.empty()) gaps.emplace_back("the supplier's legal name");
    if (who.address.empty()) gaps.emplace_back("address");
    if (who.gst_hst_number.empty()) gaps.emplace_back("GST/HST registration number");
    if (quebec && who.qst_number.empty()) gaps.emplace_back("QST registration number");
    std::string out;
    for (std::size_t k = 0; k < gaps.size(); ++k)
        out += (k == 0 ? "" : k + 1 == gaps.size() ? " and " : ", ") + gaps[k];
    return out;
}

void invoice_pdf(pdf_document& pdf, const state& s, const invoice& i, const issuer& who) {
    const bool quebec = is_quebec(i);
    pdf.title(invoice_title(s, i));
    if (i.status == invoice_status::draft)
        pdf.line("A draft, not yet issued: not a tax invoice, and its figures may still change.");
    pdf.two_blocks("Supplier", supplier_lines(who, quebec), "Bill to",
                   customer_lines(s.consignee_at(i.consignee)));
    heading_fields(pdf, s, i);
    pdf.space(6);
    lines_table(pdf, s, i);
    const invoice_totals& t = i.totals;
    pdf.statement_line("Excise duty", format_cents(t.duty));
    pdf.statement_line("Fees", format_cents(t.fees));
    pdf.statement_line("Subtotal (taxable amount)", format_cents(t.subtotal));
    for (const tax_kind k : all_tax_kinds) {
        if (i.rates[index(k)] == 0 && t.taxes[index(k)] == 0) continue;
        pdf.statement_line(tax_label(i, k), format_cents(t.taxes[index(k)]));
    }
    pdf.statement_line(i.credit_of != id_none ? "Total credited (CAD)" : "Total (CAD)",
                       format_cents(t.total), true);
    pdf.space(6);
    pdf.paragraph(std::string{"Amounts in Canadian dollars. Tax is charged at the rates of "} +
                  province_name(i.tax_province) + ", the place of supply" +
                  (i.credit_of != id_none ? "; this credit note reduces the tax of the invoice "
                                            "it credits by the amounts above."
                                          : "."));
    if (!i.notes.empty()) {
        pdf.space(4);
        pdf.field("Notes", i.notes);
    }
}

}  // namespace stampd::report
