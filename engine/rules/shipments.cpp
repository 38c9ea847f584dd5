// SPEC §3: shipments move Expected → Receiving → Inventoried; boxes are received while
// Receiving, each with its units and damaged units; only good units ever count.
#include <algorithm>
#include <utility>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

rejection check_shipment(const state& s, shipment_id id, shipment_status expected) {
    if (!s.has_shipment(id)) return reject(rejection_code::not_found, subject::shipment, id);
    const shipment_status current = s.shipment_at(id).status;
    if (current != expected) return wrong_state(subject::shipment, id, static_cast<u8>(current));
    return {};
}

}  // namespace

const shipment_product* find_product(const shipment& sh, product_id product) {
    for (const shipment_product& sp : sh.products) {
        if (sp.product == product) return &sp;
    }
    return nullptr;
}

shipment_product* find_product(shipment& sh, product_id product) {
    return const_cast<shipment_product*>(find_product(std::as_const(sh), product));
}

rejection decide(const state& s, const create_shipment& c, const context&, event_list& out) {
    if (rejection r = check_code(c.key); !r.ok()) return r;
    if (const auto it = s.shipment_by_key.find(std::string{c.key.view()});
        it != s.shipment_by_key.end()) {
        return reject(rejection_code::already_exists, subject::shipment, it->second);
    }
    if (!s.has_consignee(c.consignee)) {
        return reject(rejection_code::not_found, subject::consignee, c.consignee);
    }
    if (s.shipments.size() >= constants::shipments_max) {
        return reject(rejection_code::limit_exceeded, subject::shipment);
    }
    out.push(shipment_created{.id = static_cast<shipment_id>(s.shipments.size() + 1),
                              .key = c.key,
                              .consignee = c.consignee});
    return {};
}

void apply(state& s, const shipment_created& e, const context&) {
    assert(e.id == s.shipments.size() + 1);
    s.shipments.push_back(shipment{.key = e.key, .consignee = e.consignee});
    s.shipment_by_key.emplace(std::string{e.key.view()}, e.id);
}

rejection decide(const state& s, const start_receiving& c, const context&, event_list& out) {
    if (rejection r = check_shipment(s, c.shipment, shipment_status::expected); !r.ok()) return r;
    out.push(receiving_started{.shipment = c.shipment});
    return {};
}

void apply(state& s, const receiving_started& e, const context&) {
    shipment& sh = s.shipment_at(e.shipment);
    assert(sh.status == shipment_status::expected);
    sh.status = shipment_status::receiving;
}

rejection decide(const state& s, const receive_box& c, const context&, event_list& out) {
    if (rejection r = check_shipment(s, c.shipment, shipment_status::receiving); !r.ok()) return r;
    if (rejection r = check_code(c.barcode); !r.ok()) return r;
    if (const box_id existing = s.find_box(c.barcode.view())) {
        return reject(rejection_code::already_exists, subject::box, existing);
    }
    const shipment& sh = s.shipment_at(c.shipment);
    if (!s.has_product(c.product)) {
        return reject(rejection_code::not_found, subject::product, c.product);
    }
    if (s.product_at(c.product).consignee != sh.consignee) {
        return reject(rejection_code::invalid_argument, subject::product, c.product);
    }
    if (c.units == 0 || c.units > constants::units_per_box_max || c.damaged > c.units) {
        rejection r = reject(rejection_code::invalid_argument, subject::quantity);
        r.needed = c.units == 0 || c.units > constants::units_per_box_max ? c.units : c.damaged;
        r.available = c.units == 0 || c.units > constants::units_per_box_max
                          ? constants::units_per_box_max
                          : c.units;
        return r;
    }
    if (s.boxes.size() >= constants::boxes_max) {
        return reject(rejection_code::limit_exceeded, subject::box);
    }
    if (find_product(sh, c.product) == nullptr &&
        sh.products.size() >= constants::products_per_shipment_max) {
        return reject(rejection_code::limit_exceeded, subject::product);
    }
    out.push(box_received{.id = static_cast<box_id>(s.boxes.size() + 1),
                          .shipment = c.shipment,
                          .barcode = c.barcode,
                          .product = c.product,
                          .units = c.units,
                          .damaged = c.damaged});
    return {};
}

void apply(state& s, const box_received& e, const context&) {
    assert(e.damaged <= e.units && e.units <= constants::units_per_box_max);
    store_box(s, e);
    shipment& sh = s.shipment_at(e.shipment);
    shipment_product* sp = find_product(sh, e.product);
    if (sp == nullptr) sp = &sh.products.emplace_back(shipment_product{.product = e.product});
    sp->good_units += e.units - e.damaged;
    sp->boxes.push_back(e.id);
    ++sh.box_count;
}

rejection decide(const state& s, const finish_receiving& c, const context&, event_list& out) {
    if (rejection r = check_shipment(s, c.shipment, shipment_status::receiving); !r.ok()) return r;
    out.push(shipment_inventoried{.shipment = c.shipment});
    return {};
}

void apply(state& s, const shipment_inventoried& e, const context&) {
    shipment& sh = s.shipment_at(e.shipment);
    assert(sh.status == shipment_status::receiving);
    sh.status = shipment_status::inventoried;
    // Runs take boxes in barcode order; the box list no longer changes, so sort it once here.
    // Boxes are most often received in barcode order (a pallet scanned along): one pass finds
    // that, where a sort would compare n log n barcodes (1 M boxes: a tenth of a second).
    const auto by_barcode = [&s](box_id a, box_id b) { return s.barcode_of(a) < s.barcode_of(b); };
    for (shipment_product& sp : sh.products) {
        if (!std::is_sorted(sp.boxes.begin(), sp.boxes.end(), by_barcode))
            std::sort(sp.boxes.begin(), sp.boxes.end(), by_barcode);
        sp.boxes.shrink_to_fit();
    }
}

}  // namespace stampd::rules
