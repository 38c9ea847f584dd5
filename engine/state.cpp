// Lookups over the state's tables.
#include "engine/state.hpp"

#include <string>

#include "engine/constants.hpp"

namespace stampd {

std::string_view state::barcode_of(box_id id) const {
    const box& b = box_at(id);
    return {&barcodes[b.barcode_offset], b.barcode_size};
}

box_id state::find_box(std::string_view barcode) const {
    return box_by_barcode.find(barcode, [this](box_id id) { return barcode_of(id); });
}

namespace {

// Barcodes never straddle two chunks of the arena, so each reads back as one string_view.
u32 store_barcode(state& s, std::string_view barcode) {
    constexpr std::size_t chunk = decltype(s.barcodes)::chunk_size;
    static constexpr char zeros[constants::code_size_max] = {};  // padding < a barcode
    const std::size_t used = s.barcodes.size() % chunk;
    if (used + barcode.size() > chunk) s.barcodes.append_in_chunk(zeros, chunk - used);
    const std::size_t offset = s.barcodes.append_in_chunk(barcode.data(), barcode.size());
    assert(offset + barcode.size() <= UINT32_MAX);
    return static_cast<u32>(offset);
}

}  // namespace

void store_box(state& s, const box_received& e, bool index_barcode) {
    assert(e.id == s.boxes.size() + 1);
    const u32 offset = store_barcode(s, e.barcode.view());
    s.boxes.push_back(box{.shipment = e.shipment,
                          .product = e.product,
                          .barcode_offset = offset,
                          .units = static_cast<u16>(e.units),
                          .damaged = static_cast<u16>(e.damaged),
                          .barcode_size = static_cast<u8>(e.barcode.size())});
    if (!index_barcode || s.barcode_index_deferred) return;
    s.box_by_barcode.insert(e.barcode.view(), e.id, [&s](box_id id) { return s.barcode_of(id); });
}

barcode_index_deferral::barcode_index_deferral(state& s)
    : _s(s), _outer(!s.barcode_index_deferred && s.box_by_barcode.size() == s.boxes.size()) {
    if (_outer) _s.barcode_index_deferred = true;
}

barcode_index_deferral::~barcode_index_deferral() {
    if (!_outer) return;
    _s.barcode_index_deferred = false;
    _s.box_by_barcode.index_up_to(_s.boxes.size(), [this](box_id id) { return _s.barcode_of(id); });
}

std::string po_number_key(consignee_id consignee, std::string_view number) {
    std::string key = std::to_string(consignee);
    key += '/';
    key += number;
    return key;
}

}  // namespace stampd
