// Names of the domain's enums, as SPEC.md writes them.
#include "engine/types.hpp"

#include <cassert>

namespace stampd {
namespace {

constexpr std::array<std::string_view, region_count> region_names = {"FED", "ON", "QC", "AB", "MB"};
constexpr std::array<std::string_view, province_count> province_names = {
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"};
constexpr std::array<std::string_view, tax_kind_count> tax_kind_names = {"GST", "HST", "QST",
                                                                         "PST"};
constexpr std::array<std::string_view, role_count> role_names = {
    "stamper", "supervisor", "verifier", "admin", "finance", "auditor", "consignee"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::string_view, N>& names, std::string_view text) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

template <std::size_t N, typename Enum>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) {
    const auto i = static_cast<std::size_t>(value);
    assert(i < N);
    return names[i];
}

}  // namespace

std::string_view to_string(region r) {
    return name_of(region_names, r);
}
std::string_view to_string(province p) {
    return name_of(province_names, p);
}
std::string_view to_string(tax_kind k) {
    return name_of(tax_kind_names, k);
}
std::string_view to_string(role r) {
    return name_of(role_names, r);
}

std::string_view to_string(shipment_status s) {
    constexpr std::array<std::string_view, 3> names = {"Expected", "Receiving", "Inventoried"};
    return name_of(names, s);
}

std::string_view to_string(po_status s) {
    constexpr std::array<std::string_view, 5> names = {
        "Open", "InProduction", "PendingVerification", "Completed", "Cancelled"};
    return name_of(names, s);
}

std::string_view to_string(stamp_order_status s) {
    constexpr std::array<std::string_view, 6> names = {
        "AdminReview", "Approved", "Ordered", "Received", "Rejected", "ChangesRequested"};
    return name_of(names, s);
}

std::string_view to_string(ledger_kind k) {
    constexpr std::array<std::string_view, 5> names = {"RECEIPT", "USAGE", "ADJUST_VERIFY",
                                                       "REFUND_VERIFY", "REFUND_CANCEL"};
    return name_of(names, k);
}

std::string_view to_string(box_state s) {
    constexpr std::array<std::string_view, 4> names = {"pending", "confirmed", "skipped",
                                                       "overridden"};
    return name_of(names, s);
}

std::string_view to_string(invoice_status s) {
    constexpr std::array<std::string_view, 4> names = {"Draft", "Issued", "Paid", "Archived"};
    return name_of(names, s);
}

std::string_view to_string(request_status s) {
    constexpr std::array<std::string_view, 3> names = {"Pending", "Approved", "Rejected"};
    return name_of(names, s);
}

std::string_view to_string(fee_kind k) {
    constexpr std::array<std::string_view, 2> names = {"per_unit", "flat"};
    return name_of(names, k);
}

std::string_view to_string(outbound_status s) {
    constexpr std::array<std::string_view, 2> names = {"ReadyToShip", "Shipped"};
    return name_of(names, s);
}

std::optional<region> parse_region(std::string_view text) {
    return parse<region>(region_names, text);
}
std::optional<province> parse_province(std::string_view text) {
    return parse<province>(province_names, text);
}
std::optional<tax_kind> parse_tax_kind(std::string_view text) {
    return parse<tax_kind>(tax_kind_names, text);
}
std::optional<role> parse_role(std::string_view text) {
    return parse<role>(role_names, text);
}

}  // namespace stampd
