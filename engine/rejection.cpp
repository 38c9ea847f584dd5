// Names of rejection codes as the protocol and people read them, and a one-line description.
#include "engine/rejection.hpp"

#include <array>
#include <cassert>

namespace stampd {

std::string_view to_string(rejection_code code) {
    static constexpr std::array<std::string_view, 24> names = {
        "OK",
        "INVALID_ARGUMENT",
        "LIMIT_EXCEEDED",
        "UNKNOWN_USER",
        "FORBIDDEN",
        "SAME_USER",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "DUPLICATE_LINE",
        "WRONG_STATE",
        "AVAILABILITY_EXCEEDED",
        "INSUFFICIENT_STAMPS",
        "STAMP_SHORTAGE_WARNING",
        "OVER_AUTHORISED",
        "BELOW_MINIMUM",
        "BOX_NOT_IN_PO",
        "ALREADY_CONFIRMED",
        "CAPACITY_EXCEEDED",
        "DAY_CLOSED",
        "SPLIT_PARENT",
        "SESSION_EVICTED",
        "REQUEST_TOO_OLD",
        "STORAGE_UNAVAILABLE",
        "REQUEST_REUSED",
    };
    const auto i = static_cast<std::size_t>(code);
    assert(i < names.size());
    return names[i];
}

std::string_view to_string(subject s) {
    static constexpr std::array<std::string_view, 32> names = {
        "none",         "user",          "consignee",
        "product",      "shipment",      "box",
        "po",           "line",          "stamp_order",
        "region",       "quantity",      "text",
        "volume",       "bundles",       "stamps_per_bundle",
        "deposit_rate", "roles",         "day",
        "segments",     "invoice",       "fee_preset",
        "request",      "rate",          "province",
        "time_zone",    "client",        "token",
        "password",     "outbound",      "gst_hst_number",
        "qst_number",   "physical_count"};
    const auto i = static_cast<std::size_t>(s);
    assert(i < names.size());
    return names[i];
}

std::string describe(const rejection& r) {
    std::string text{to_string(r.code)};
    if (r.ok()) return text;
    if (r.code == rejection_code::request_reused) {
        return text + ": request " + std::to_string(r.needed) +
               " of this client was answered at LSN " + std::to_string(r.available) +
               " for a different command; nothing was applied (a new command needs a new request "
               "id)";
    }
    if (r.about != subject::none) {
        text += ' ';
        text += to_string(r.about);
        text += '=';
        text += std::to_string(r.id);
    }
    if (const auto reg = r.region_of()) {
        text += " region=";
        text += to_string(*reg);
    }
    if (r.needed != 0 || r.available != 0) {
        text += " needed=" + std::to_string(r.needed);
        text += " available=" + std::to_string(r.available);
    }
    if (r.state != 0xFF) text += " state=" + std::to_string(r.state);
    if (r.item != 0) text += " item=" + std::to_string(r.item);
    return text;
}

}  // namespace stampd
