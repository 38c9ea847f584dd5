// SPEC §3: shipments move Expected → Receiving → Inventoried; boxes are received while
// Receiving, each with its units and damaged units; only good units ever count.
#include <algorithm>
#include <array>
#include <functional>
#include <string_view>
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

namespace {

// What a box must be, alone or in a batch, once its barcode is known to be new: a product of the
// shipment's consignee, 1..units_per_box_max units, at most as many damaged.
rejection check_new_box(const state& s, const shipment& sh, const box_input& b) {
    if (!s.has_product(b.product)) {
        return reject(rejection_code::not_found, subject::product, b.product);
    }
    if (s.product_at(b.product).consignee != sh.consignee) {
        return reject(rejection_code::invalid_argument, subject::product, b.product);
    }
    if (b.units == 0 || b.units > constants::units_per_box_max || b.damaged > b.units) {
        const bool units_out = b.units == 0 || b.units > constants::units_per_box_max;
        rejection r = reject(rejection_code::invalid_argument, subject::quantity);
        r.needed = units_out ? b.units : b.damaged;
        r.available = units_out ? constants::units_per_box_max : b.units;
        return r;
    }
    return {};
}

bool same_box(const box& existing, shipment_id shipment, const box_input& b) {
    return existing.shipment == shipment && existing.product == b.product &&
           existing.units == b.units && existing.damaged == b.damaged;
}

// The batch's barcodes seen so far: open addressing over a fixed table twice the batch's bound,
// so that a repeated barcode is found without allocating or comparing every pair.
class batch_barcodes {
public:
    explicit batch_barcodes(const std::vector<box_input>& boxes) : _boxes(boxes) {}
    // The item (from 1) already holding this box's barcode, else 0 (and the box is remembered).
    u32 add(u32 index) {
        assert(index < _boxes.size() && index < constants::boxes_per_batch_max);
        const std::string_view barcode = _boxes[index].barcode.view();
        std::size_t at = std::hash<std::string_view>{}(barcode) % _slots.size();
        for (std::size_t probes = 0; probes < _slots.size(); ++probes) {
            const u16 held = _slots[at];
            if (held == 0) {
                _slots[at] = static_cast<u16>(index + 1);
                return 0;
            }
            if (_boxes[held - 1].barcode.view() == barcode) return held;
            at = (at + 1) % _slots.size();
        }
        assert(false && "the table has twice the slots of a batch");
        return 0;
    }

private:
    const std::vector<box_input>& _boxes;
    std::array<u16, 2 * constants::boxes_per_batch_max> _slots{};
};

rejection at_item(rejection r, u32 index) {
    r.item = index + 1;
    return r;
}

void receive_one(state& s, shipment& sh, const box_received& e) {
    assert(e.damaged <= e.units && e.units <= constants::units_per_box_max);
    store_box(s, e);
    shipment_product* sp = find_product(sh, e.product);
    if (sp == nullptr) sp = &sh.products.emplace_back(shipment_product{.product = e.product});
    sp->good_units += e.units - e.damaged;
    sp->boxes.push_back(e.id);
    ++sh.box_count;
}

}  // namespace

rejection decide(const state& s, const receive_box& c, const context&, event_list& out) {
    if (rejection r = check_shipment(s, c.shipment, shipment_status::receiving); !r.ok()) return r;
    if (rejection r = check_code(c.barcode); !r.ok()) return r;
    if (const box_id existing = s.find_box(c.barcode.view())) {
        return reject(rejection_code::already_exists, subject::box, existing);
    }
    const shipment& sh = s.shipment_at(c.shipment);
    const box_input b{
        .barcode = c.barcode, .product = c.product, .units = c.units, .damaged = c.damaged};
    if (rejection r = check_new_box(s, sh, b); !r.ok()) return r;
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
    receive_one(s, s.shipment_at(e.shipment), e);
}

// All or nothing: the first box that is neither new and valid nor already received identically
// refuses the batch, with its place in `item` (a repeated barcode: DUPLICATE_LINE, `available`
// the item that has it first). A batch whose every box is already there is ALREADY_EXISTS about
// the first, which execute_request answers as a retry (nothing logged).
rejection decide(const state& s, const receive_boxes& c, const context&, event_list& out) {
    if (rejection r = check_shipment(s, c.shipment, shipment_status::receiving); !r.ok()) return r;
    if (c.boxes.empty() || c.boxes.size() > constants::boxes_per_batch_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::box);
        r.needed = static_cast<i64>(c.boxes.size());
        r.available = constants::boxes_per_batch_max;
        return r;
    }
    const shipment& sh = s.shipment_at(c.shipment);
    batch_barcodes seen(c.boxes);
    std::array<product_id, constants::boxes_per_batch_max> new_products;
    std::size_t new_product_count = 0;
    boxes_received e{.first = static_cast<box_id>(s.boxes.size() + 1), .shipment = c.shipment};
    e.boxes.reserve(c.boxes.size());
    box_id first_existing = id_none;
    for (u32 i = 0; i < c.boxes.size(); ++i) {
        const box_input& b = c.boxes[i];
        if (rejection r = check_code(b.barcode); !r.ok()) return at_item(r, i);
        if (const u32 first = seen.add(i); first != 0) {
            rejection r = reject(rejection_code::duplicate_line, subject::box);
            r.available = first;
            return at_item(r, i);
        }
        if (const box_id existing = s.find_box(b.barcode.view())) {
            if (!same_box(s.box_at(existing), c.shipment, b)) {
                return at_item(reject(rejection_code::already_exists, subject::box, existing), i);
            }
            if (first_existing == id_none) first_existing = existing;
            ++e.skipped;
            continue;
        }
        if (rejection r = check_new_box(s, sh, b); !r.ok()) return at_item(r, i);
        const auto known = new_products.begin() + static_cast<std::ptrdiff_t>(new_product_count);
        if (find_product(sh, b.product) == nullptr &&
            std::find(new_products.begin(), known, b.product) == known) {
            if (sh.products.size() + new_product_count >= constants::products_per_shipment_max) {
                return at_item(reject(rejection_code::limit_exceeded, subject::product), i);
            }
            new_products[new_product_count++] = b.product;
        }
        e.boxes.push_back(b);
    }
    if (e.boxes.empty())
        return reject(rejection_code::already_exists, subject::box, first_existing);
    if (s.boxes.size() + e.boxes.size() > constants::boxes_max) {
        return reject(rejection_code::limit_exceeded, subject::box);
    }
    out.push(std::move(e));
    return {};
}

void apply(state& s, const boxes_received& e, const context&) {
    assert(e.first == s.boxes.size() + 1);
    assert(!e.boxes.empty() && e.boxes.size() <= constants::boxes_per_batch_max);
    shipment& sh = s.shipment_at(e.shipment);
    assert(sh.status == shipment_status::receiving);
    for (std::size_t i = 0; i < e.boxes.size(); ++i) {
        const box_input& b = e.boxes[i];
        receive_one(s, sh,
                    box_received{.id = static_cast<box_id>(e.first + i),
                                 .shipment = e.shipment,
                                 .barcode = b.barcode,
                                 .product = b.product,
                                 .units = b.units,
                                 .damaged = b.damaged});
    }
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
