// Checks shared by the rules: text sizes, codes, and the shape of a wrong-state rejection.
#include "engine/rules/rules.hpp"

namespace stampd::rules {

rejection wrong_state(subject about, u32 id, u8 current) {
    rejection r = reject(rejection_code::wrong_state, about, id);
    r.state = current;
    return r;
}

rejection check_open_unsplit_po(const state& s, po_id id) {
    if (!s.has_po(id)) return reject(rejection_code::not_found, subject::production_order, id);
    const production_order& po = s.po_at(id);
    if (!po.segments.empty())
        return reject(rejection_code::split_parent, subject::production_order, id);
    if (po.status != po_status::open) {
        return wrong_state(subject::production_order, id, static_cast<u8>(po.status));
    }
    return {};
}

rejection check_text(std::string_view text, std::size_t size_max) {
    if (text.size() <= size_max) return {};
    rejection r = reject(rejection_code::limit_exceeded, subject::text);
    r.needed = static_cast<i64>(text.size());
    r.available = static_cast<i64>(size_max);
    return r;
}

rejection check_code(const code& c) {
    if (c.empty()) return reject(rejection_code::invalid_argument, subject::text);
    return {};
}

}  // namespace stampd::rules
