// Lookups over the state's tables.
#include "engine/state.hpp"

#include <string>

namespace stampd {

std::string_view state::barcode_of(box_id id) const {
    const box& b = box_at(id);
    return {&barcodes[b.barcode_offset], b.barcode_size};
}

box_id state::find_box(std::string_view barcode) const {
    return box_by_barcode.find(barcode, [this](box_id id) { return barcode_of(id); });
}

std::string po_number_key(consignee_id consignee, std::string_view number) {
    std::string key = std::to_string(consignee);
    key += '/';
    key += number;
    return key;
}

}  // namespace stampd
