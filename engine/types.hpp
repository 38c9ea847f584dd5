// The domain's vocabulary (SPEC.md §1): regions, provinces, roles, statuses and object ids.
// Plain values only; nothing here touches state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace stampd {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i32 = std::int32_t;
using i64 = std::int64_t;

// Ids are dense and assigned by the engine in creation order, starting at 1; 0 means "none".
using user_id = u32;
using consignee_id = u32;
using product_id = u32;
using shipment_id = u32;
using box_id = u32;
using po_id = u32;
using stamp_order_id = u32;
using station_id = u32;
using invoice_id = u32;
using fee_preset_id = u32;
using request_id = u32;
using outbound_id = u32;
inline constexpr u32 id_none = 0;

// The SHA-256 of a user's token: the token itself is never stored (§11).
using token_hash = std::array<u8, 32>;

// Stamp jurisdictions: one stamp of a line's region per unit.
enum class region : u8 { fed, on, qc, ab, mb };
inline constexpr std::size_t region_count = 5;
inline constexpr std::array<region, region_count> all_regions = {
    region::fed, region::on, region::qc, region::ab, region::mb};

// Provinces and territories, for tax.
enum class province : u8 { ab, bc, mb, nb, nl, ns, nt, nu, on, pe, qc, sk, yt };
inline constexpr std::size_t province_count = 13;

// The components of sales tax (§9): GST everywhere, HST instead of it where a province has it,
// QST in Quebec on top of GST, PST where a province charges it on these goods.
enum class tax_kind : u8 { gst, hst, qst, pst };
inline constexpr std::size_t tax_kind_count = 4;
inline constexpr std::array<tax_kind, tax_kind_count> all_tax_kinds = {
    tax_kind::gst, tax_kind::hst, tax_kind::qst, tax_kind::pst};
// A province's rate of each component in thousandths of a percent (parts per 100 000):
// 9 975 is 9.975 %.
using tax_rates = std::array<i32, tax_kind_count>;
inline constexpr i64 tax_rate_denominator = 100'000;

enum class role : u8 { stamper, supervisor, verifier, admin, finance, auditor, consignee };
inline constexpr std::size_t role_count = 7;
using role_set = u8;  // one bit per role
constexpr role_set role_bit(role r) {
    return static_cast<role_set>(1u << static_cast<u8>(r));
}

enum class shipment_status : u8 { expected, receiving, inventoried };
enum class po_status : u8 { open, in_production, pending_verification, completed, cancelled };
enum class stamp_order_status : u8 {
    admin_review,
    approved,
    ordered,
    received,
    rejected,
    changes_requested
};
enum class ledger_kind : u8 { receipt, usage, adjust_verify, refund_verify, refund_cancel };

// What the stamper chose for a box: stamp it, skip it, or stamp it past a short balance.
enum class box_action : u8 { confirm, skip, override_shortage };
// Where a box stands in a run's queue.
enum class box_state : u8 { pending, confirmed, skipped, overridden };

enum class review_action : u8 { approve, reject, request_changes };

enum class invoice_status : u8 { draft, issued, paid, archived };
inline constexpr std::size_t invoice_status_count = 4;
enum class fee_kind : u8 { per_unit, flat };
enum class request_status : u8 { pending, approved, rejected };
enum class outbound_status : u8 { ready_to_ship, shipped };
// How a PO is put on a day: within capacity, past it with a recorded supervisor override, or
// split into segments over consecutive weekdays (§5).
enum class schedule_mode : u8 { strict, override_capacity, auto_split };

std::string_view to_string(region r);
std::string_view to_string(province p);
std::string_view to_string(tax_kind k);
std::string_view to_string(role r);
std::string_view to_string(shipment_status s);
std::string_view to_string(po_status s);
std::string_view to_string(stamp_order_status s);
std::string_view to_string(ledger_kind k);
std::string_view to_string(box_state s);
std::string_view to_string(invoice_status s);
std::string_view to_string(request_status s);
std::string_view to_string(fee_kind k);
std::string_view to_string(outbound_status s);

std::optional<region> parse_region(std::string_view text);
std::optional<province> parse_province(std::string_view text);
std::optional<tax_kind> parse_tax_kind(std::string_view text);
std::optional<role> parse_role(std::string_view text);

constexpr std::size_t index(region r) {
    return static_cast<std::size_t>(r);
}
constexpr std::size_t index(province p) {
    return static_cast<std::size_t>(p);
}
constexpr std::size_t index(tax_kind k) {
    return static_cast<std::size_t>(k);
}

// A count per region, the shape of reservations, balances and run counters.
template <typename T>
using per_region = std::array<T, region_count>;

}  // namespace stampd
