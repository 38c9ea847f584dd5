// The packing list of an outbound shipment as a PDF document (documents_pdf.hpp): what the dock
// checks a pallet against — the shipper and the ship-to address, every box the run stamped with
// its barcode as a Code 128 symbol and in text, its units and the stamps it carries per region,
// the totals, the verified units per product, and lines for the people who hand it over.
#include <map>

#include "clients/report/documents.hpp"
#include "clients/report/documents_pdf.hpp"
#include "clients/report/report_text.hpp"
#include "engine/queries.hpp"

namespace stampd::report {
namespace {

std::string stamps_text(const per_region<i64>& stamps) {
    std::string out;
    for (const region r : all_regions) {
        if (stamps[index(r)] == 0) continue;
        if (!out.empty()) out += ", ";
        out += std::string{to_string(r)} + " " + format_count(stamps[index(r)]);
    }
    return out.empty() ? "-" : out;
}

std::vector<std::string> shipper_lines(const issuer& who) {
    std::vector<std::string> out;
    if (!who.legal_name.empty()) out.push_back(who.legal_name);
    if (!who.address.empty()) out.push_back(who.address);
    if (!who.excise_licence.empty()) out.push_back("Excise licence no.: " + who.excise_licence);
    if (out.empty()) out.emplace_back("(the warehouse's identity is not set)");
    return out;
}

std::vector<std::string> ship_to_lines(const consignee& c) {
    std::vector<std::string> out = {c.name + " (" + key_of(c.key) + ")"};
    if (!c.shipping_address.empty()) {
        out.push_back(c.shipping_address);
    } else if (!c.billing_address.empty()) {
        out.push_back(c.billing_address);
        out.emplace_back("(no shipping address on file: the billing address)");
    } else {
        out.emplace_back("(no address on file)");
    }
    return out;
}

void boxes_table(pdf_document& pdf, const state& s, const std::vector<packed_box>& boxes) {
    pdf.begin_table({{"Box barcode", 214, align::left},
                     {"Product", 150, align::left},
                     {"Units", 44, align::right},
                     {"Stamps by region", 104, align::left}});
    per_region<i64> stamps{};
    u64 units = 0;
    for (const packed_box& b : boxes) {
        const box& box = s.box_at(b.box);
        const product& p = s.product_at(box.product);
        const std::string barcode{s.barcode_of(b.box)};
        pdf.row_with_barcode({barcode, p.name + " (" + key_of(p.sku) + ")", format_count(b.units),
                              stamps_text(b.stamps)},
                             0, barcode);
        units += b.units;
        for (const region r : all_regions)
            stamps[index(r)] += b.stamps[index(r)];
    }
    pdf.row({"Total: " + format_count(static_cast<i64>(boxes.size())) + " boxes", "",
             format_count(static_cast<i64>(units)), stamps_text(stamps)},
            true, true);
    pdf.end_table();
}

void products_table(pdf_document& pdf, const state& s, const outbound& o) {
    pdf.begin_table({{"Product", 300, align::left},
                     {"Stamp", 80, align::left},
                     {"Verified units", 132, align::right}});
    u64 total = 0;
    for (const outbound_line& l : o.lines) {
        const product& p = s.product_at(l.product);
        pdf.row({p.name + " (" + key_of(p.sku) + ")", std::string{to_string(l.stamp_region)},
                 format_count(l.units)});
        total += l.units;
    }
    pdf.row({"Total", "", format_count(static_cast<i64>(total))}, true, true);
    pdf.end_table();
}

}  // namespace

void packing_list_pdf(pdf_document& pdf, const state& s, outbound_id id, const issuer& who) {
    const outbound& o = s.outbound_at(id);
    const consignee& c = s.consignee_at(o.consignee);
    const time_zone& zone = s.settings.zone;
    pdf.title("Packing list " + outbound_number(id));
    pdf.two_blocks("Shipper", shipper_lines(who), "Ship to", ship_to_lines(c));
    pdf.field("Production order", key_of(s.po_at(o.po).number));
    pdf.field("Completed", date_or_blank(zone, o.created_us));
    pdf.field("Status", std::string{to_string(o.status)});
    if (o.status == outbound_status::shipped && s.has_user(o.shipped_by)) {
        pdf.field("Shipped",
                  date_or_blank(zone, o.shipped_us) + " by " + key_of(s.user_at(o.shipped_by).key));
    }
    const std::vector<packed_box> boxes = packed_boxes(s, o.po);
    pdf.heading("Boxes");
    boxes_table(pdf, s, boxes);
    pdf.heading("Verified units by product");
    products_table(pdf, s, o);
    pdf.signature_lines({"Packed by (name, signature)", "Date"});
    pdf.signature_lines({"Carrier (name, signature)", "Date"});
    pdf.signature_lines({"Received by the consignee (name, signature)", "Date"});
}

}  // namespace stampd::report
