// See event_json.hpp. One overload per event; the field names are the C++ ones (engine/event.hpp).
#include "clients/audit/event_json.hpp"

#include <array>
#include <span>

#include "engine/calendar_time.hpp"
#include "engine/engine.hpp"

namespace stampd::audit {
namespace {

using json::array;
using json::object;
using json::value;

value num(i64 v) {
    return value{static_cast<std::int64_t>(v)};
}
value text(std::string_view v) {
    return value{v};
}
value text(const code& c) {
    return value{c.view()};
}
value on_day(day d) {
    return d == no_day ? value{} : value{format_day(d)};
}
value name_of(region r) {
    return text(to_string(r));
}

std::string_view name_of(review_action a) {
    constexpr std::array<std::string_view, 3> names = {"approve", "reject", "request_changes"};
    return names[static_cast<std::size_t>(a)];
}
std::string_view name_of(weekday d) {
    return to_string(d);
}

value roles(role_set set) {
    array out;
    for (std::size_t i = 0; i < role_count; ++i) {
        if (set & role_bit(static_cast<role>(i)))
            out.push_back(text(to_string(static_cast<role>(i))));
    }
    return out;
}
value hash(const token_hash& h) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const u8 b : h) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}
value lines(const std::vector<line_input>& in) {
    array out;
    for (const line_input& l : in) {
        out.push_back(object{{"product", num(l.product)},
                             {"region", name_of(l.stamp_region)},
                             {"quantity", num(l.quantity)}});
    }
    return out;
}
value movement(const ledger_movement& m) {
    return object{{"region", name_of(m.stamp_region)},
                  {"kind", text(to_string(m.kind))},
                  {"quantity", num(m.quantity)},
                  {"balance_after", num(m.balance_after)},
                  {"line", num(m.line)}};
}
value movements(std::span<const ledger_movement> in) {
    array out;
    for (const ledger_movement& m : in)
        out.push_back(movement(m));
    return out;
}
value numbers(const std::vector<u32>& in) {
    array out;
    for (const u32 v : in)
        out.push_back(num(v));
    return out;
}
value fee(const invoice_fee& f) {
    return object{{"preset", num(f.preset)},
                  {"name", text(f.name)},
                  {"kind", text(to_string(f.kind))},
                  {"amount_cents", num(f.amount_cents)},
                  {"charge_cents", num(f.charge_cents)}};
}
// {"GST": 500, "QST": 998}: the components charged (non-zero), by name.
template <typename T>
value tax_components(const std::array<T, tax_kind_count>& figures) {
    object out;
    for (const tax_kind k : all_tax_kinds) {
        if (figures[index(k)] != 0)
            out.emplace_back(std::string{to_string(k)}, num(figures[index(k)]));
    }
    return out;
}
value totals(const invoice_totals& t) {
    return object{{"duty", num(t.duty)},         {"fees", num(t.fees)},
                  {"subtotal", num(t.subtotal)}, {"taxes", tax_components(t.taxes)},
                  {"tax", num(t.tax)},           {"total", num(t.total)}};
}
value invoice_lines(const std::vector<invoice_line>& in) {
    array out;
    for (const invoice_line& l : in) {
        out.push_back(object{{"product", num(l.product)},
                             {"region", name_of(l.stamp_region)},
                             {"units", num(l.units)},
                             {"volume_ul", num(l.volume_ul)},
                             {"increments", num(l.increments)},
                             {"duty_cents_per_increment", num(l.duty_cents_per_increment)},
                             {"duty_per_unit", num(l.duty_per_unit)},
                             {"line_duty", num(l.line_duty)}});
    }
    return out;
}

// The fields of each event, after "type".
struct fields_of {
    object operator()(const user_created& e) const {
        return {{"id", num(e.id)},
                {"key", text(e.key)},
                {"name", text(e.name)},
                {"roles", roles(e.roles)},
                {"consignee", num(e.consignee)},
                {"token_sha256", hash(e.token_sha256)}};
    }
    object operator()(const consignee_created& e) const {
        return {{"id", num(e.id)},
                {"key", text(e.key)},
                {"name", text(e.name)},
                {"primary_province", text(to_string(e.primary_province))}};
    }
    object operator()(const consignee_edited& e) const {
        return {{"consignee", num(e.consignee)},
                {"name", text(e.name)},
                {"primary_province", text(to_string(e.primary_province))},
                {"billing_address", text(e.billing_address)},
                {"shipping_address", text(e.shipping_address)},
                {"tax_registration", text(e.tax_registration)}};
    }
    object operator()(const warehouse_identity_set& e) const {
        const warehouse_identity& id = e.identity;
        return {{"legal_name", text(id.legal_name)},
                {"address", text(id.address)},
                {"gst_hst_number", text(id.gst_hst_number)},
                {"qst_number", text(id.qst_number)},
                {"excise_licence", text(id.excise_licence)}};
    }
    object operator()(const physical_count_recorded& e) const {
        return {{"id", num(e.id)},
                {"region", name_of(e.stamp_region)},
                {"as_of", on_day(e.as_of)},
                {"counted", num(e.counted)},
                {"counted_by", text(e.counted_by)},
                {"notes", text(e.notes)}};
    }
    object operator()(const product_created& e) const {
        return {{"id", num(e.id)},
                {"sku", text(e.sku)},
                {"consignee", num(e.consignee)},
                {"name", text(e.name)},
                {"volume_ul", num(e.volume_ul)}};
    }
    object operator()(const bundle_size_set& e) const {
        return {{"region", name_of(e.stamp_region)},
                {"stamps_per_bundle", num(e.stamps_per_bundle)}};
    }
    object operator()(const deposit_rate_set& e) const {
        return {{"region", name_of(e.stamp_region)}, {"cents_per_stamp", num(e.cents_per_stamp)}};
    }
    object operator()(const shipment_created& e) const {
        return {{"id", num(e.id)}, {"key", text(e.key)}, {"consignee", num(e.consignee)}};
    }
    object operator()(const receiving_started& e) const { return {{"shipment", num(e.shipment)}}; }
    object operator()(const box_received& e) const {
        return {{"id", num(e.id)},
                {"shipment", num(e.shipment)},
                {"barcode", text(e.barcode)},
                {"product", num(e.product)},
                {"units", num(e.units)},
                {"damaged", num(e.damaged)}};
    }
    // Each box as the single box_received writes it, with its id (first + i).
    object operator()(const boxes_received& e) const {
        array boxes;
        for (std::size_t i = 0; i < e.boxes.size(); ++i) {
            const box_input& b = e.boxes[i];
            boxes.push_back(object{{"id", num(e.first + static_cast<i64>(i))},
                                   {"barcode", text(b.barcode)},
                                   {"product", num(b.product)},
                                   {"units", num(b.units)},
                                   {"damaged", num(b.damaged)}});
        }
        return {{"first", num(e.first)},
                {"shipment", num(e.shipment)},
                {"boxes", std::move(boxes)},
                {"skipped", num(e.skipped)}};
    }
    object operator()(const shipment_inventoried& e) const {
        return {{"shipment", num(e.shipment)}};
    }
    object operator()(const po_created& e) const {
        return {{"id", num(e.id)},
                {"number", text(e.number)},
                {"auto_number", num(e.auto_number)},
                {"consignee", num(e.consignee)},
                {"shipment", num(e.shipment)},
                {"lines", lines(e.lines)},
                {"urgent", e.urgent},
                {"notes", text(e.notes)}};
    }
    object operator()(const po_lines_edited& e) const {
        return {{"po", num(e.po)}, {"lines", lines(e.lines)}, {"overridden", e.overridden}};
    }
    object operator()(const run_started& e) const {
        return {{"po", num(e.po)},
                {"shortage_acknowledged", e.shortage_acknowledged},
                {"short_regions", num(e.short_regions)}};
    }
    object operator()(const box_confirmed& e) const {
        return {{"po", num(e.po)},
                {"box", num(e.box)},
                {"entry", num(e.entry)},
                {"outcome", text(to_string(e.outcome))},
                {"movements", movements(std::span(e.movements).first(e.movement_count))}};
    }
    object operator()(const run_ended& e) const {
        return {{"po", num(e.po)}, {"early", e.early}, {"boxes_skipped", num(e.boxes_skipped)}};
    }
    object operator()(const line_amended& e) const {
        return {{"po", num(e.po)},
                {"line", num(e.line)},
                {"quantity", num(e.quantity)},
                {"overridden", e.overridden}};
    }
    object operator()(const po_verified& e) const {
        return {{"po", num(e.po)},
                {"verified", numbers(e.verified)},
                {"movements", movements(e.movements)},
                {"shortage_overridden", e.shortage_overridden}};
    }
    object operator()(const po_cancelled& e) const {
        return {{"po", num(e.po)},
                {"from", text(to_string(e.from))},
                {"reason", text(e.reason)},
                {"movements", movements(e.movements)}};
    }
    object operator()(const stamp_order_submitted& e) const {
        return {{"id", num(e.id)},
                {"region", name_of(e.stamp_region)},
                {"bundles", num(e.bundles)},
                {"stamps_per_bundle", num(e.stamps_per_bundle)},
                {"deposit_cents", num(e.deposit_cents)},
                {"notes", text(e.notes)}};
    }
    object operator()(const stamp_order_reviewed& e) const {
        return {
            {"order", num(e.order)}, {"action", text(name_of(e.action))}, {"note", text(e.note)}};
    }
    object operator()(const stamp_order_revised& e) const {
        return {{"order", num(e.order)},
                {"bundles", num(e.bundles)},
                {"stamps_per_bundle", num(e.stamps_per_bundle)},
                {"deposit_cents", num(e.deposit_cents)},
                {"notes", text(e.notes)}};
    }
    object operator()(const stamp_order_ordered& e) const { return {{"order", num(e.order)}}; }
    object operator()(const stamps_received& e) const {
        return {{"order", num(e.order)},
                {"actual_bundles", num(e.actual_bundles)},
                {"movement", movement(e.movement)}};
    }
    object operator()(const duty_rate_set& e) const {
        return {{"region", name_of(e.stamp_region)},
                {"cents_per_increment", num(e.cents_per_increment)}};
    }
    object operator()(const tax_rate_set& e) const {
        return {{"province", text(to_string(e.tax_province))},
                {"kind", text(to_string(e.kind))},
                {"rate_thousandths_of_percent", num(e.rate)}};
    }
    object operator()(const capacity_set& e) const {
        return {{"on", text(name_of(e.on))}, {"units", num(static_cast<i64>(e.units))}};
    }
    object operator()(const time_zone_set& e) const {
        return {{"name", text(e.zone.name)},
                {"utc_offset_minutes", num(e.zone.utc_offset_minutes)},
                {"north_american_dst", e.zone.north_american_dst}};
    }
    object operator()(const fee_preset_created& e) const {
        return {{"id", num(e.id)},
                {"key", text(e.key)},
                {"name", text(e.name)},
                {"kind", text(to_string(e.kind))},
                {"amount_cents", num(e.amount_cents)}};
    }
    object operator()(const user_roles_set& e) const {
        return {{"user", num(e.user)}, {"roles", roles(e.roles)}};
    }
    object operator()(const user_token_set& e) const {
        return {{"user", num(e.user)}, {"token_sha256", hash(e.token_sha256)}};
    }
    // The hash's parameters only ("$argon2id$v=19$m=19456,t=2,p=1"): its salt and digest would let
    // a reader of the export guess the password offline.
    object operator()(const user_password_set& e) const {
        std::string_view phc = e.password_hash;
        std::size_t cut = 0;
        for (int fields = 0; cut < phc.size() && fields < 4; ++cut)
            fields += phc[cut] == '$' ? 1 : 0;
        if (cut < phc.size()) phc = phc.substr(0, cut - 1);
        return {{"user", num(e.user)}, {"password_hash", std::string(phc)}};
    }
    object operator()(const po_scheduled& e) const {
        return {{"po", num(e.po)},
                {"on", on_day(e.on)},
                {"overridden", e.overridden},
                {"urgent_first", e.urgent_first},
                {"capacity", num(static_cast<i64>(e.capacity))}};
    }
    object operator()(const po_split& e) const {
        array segments;
        for (const segment_plan& s : e.segments) {
            segments.push_back(object{{"id", num(s.id)},
                                      {"number", text(s.number)},
                                      {"on", on_day(s.on)},
                                      {"capacity", num(static_cast<i64>(s.capacity))},
                                      {"lines", lines(s.lines)}});
        }
        return {{"parent", num(e.parent)}, {"segments", std::move(segments)}};
    }
    object operator()(const parent_closed& e) const {
        return {{"parent", num(e.parent)}, {"status", text(to_string(e.status))}};
    }
    object operator()(const outbound_shipped& e) const {
        return {{"outbound", num(e.outbound)}, {"po", num(e.po)}, {"consignee", num(e.consignee)}};
    }
    object operator()(const outbound_created& e) const {
        array out;
        for (const outbound_line& l : e.lines) {
            out.push_back(object{{"product", num(l.product)},
                                 {"region", name_of(l.stamp_region)},
                                 {"units", num(l.units)}});
        }
        return {{"id", num(e.id)},
                {"po", num(e.po)},
                {"consignee", num(e.consignee)},
                {"lines", std::move(out)},
                {"status", "ReadyToShip"}};
    }
    object operator()(const invoice_drafted& e) const {
        array fees;
        for (const invoice_fee& f : e.fees)
            fees.push_back(fee(f));
        return {{"id", num(e.id)},
                {"po", num(e.po)},
                {"consignee", num(e.consignee)},
                {"tax_province", text(to_string(e.tax_province))},
                {"tax_rates", tax_components(e.rates)},
                {"lines", invoice_lines(e.lines)},
                {"fees", std::move(fees)},
                {"totals", totals(e.totals)},
                {"credit_of", num(e.credit_of)},
                {"reason", text(e.reason)}};
    }
    object operator()(const invoice_fee_added& e) const {
        return {{"invoice", num(e.invoice)}, {"fee", fee(e.fee)}, {"totals", totals(e.totals)}};
    }
    object operator()(const invoice_fee_removed& e) const {
        return {{"invoice", num(e.invoice)}, {"fee", num(e.fee)}, {"totals", totals(e.totals)}};
    }
    object operator()(const invoice_edited& e) const {
        return {{"invoice", num(e.invoice)}, {"notes", text(e.notes)}, {"due", on_day(e.due)}};
    }
    object operator()(const invoice_advanced& e) const {
        return {{"invoice", num(e.invoice)}, {"to", text(to_string(e.to))}};
    }
    object operator()(const request_submitted& e) const {
        return {{"id", num(e.id)},
                {"consignee", num(e.consignee)},
                {"shipment", num(e.shipment)},
                {"lines", lines(e.lines)},
                {"on", on_day(e.on)}};
    }
    object operator()(const request_approved& e) const {
        return {{"request", num(e.request)}, {"po", num(e.po)}};
    }
    object operator()(const request_rejected& e) const {
        return {{"request", num(e.request)}, {"reason", text(e.reason)}};
    }
};

}  // namespace

json::object event_json(const event& e) {
    object out{{"type", text(event_name(e))}};
    object fields = std::visit(fields_of{}, e);
    for (json::member& m : fields)
        out.push_back(std::move(m));
    return out;
}

}  // namespace stampd::audit
