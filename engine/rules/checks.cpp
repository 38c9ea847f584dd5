// Checks shared by the rules: text sizes, codes, and the shape of a wrong-state rejection.
#include "engine/rules/rules.hpp"

namespace stampd::rules {

rejection wrong_state(subject about, u32 id, u8 current) {
    rejection r = reject(rejection_code::wrong_state, about, id);
    r.state = current;
    return r;
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
