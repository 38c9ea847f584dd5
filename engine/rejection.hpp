// Why a command was refused: one code from one enum, with the figures a person needs to act on
// it (needed and available stamps, the remaining capacity, the state the object is in, ...).
// Rejections are values, never exceptions (STYLE.md, habit 2).
#pragma once

#include <string>
#include <string_view>

#include "engine/types.hpp"

namespace stampd {

enum class rejection_code : u16 {
    ok = 0,
    // Input that can never be valid.
    invalid_argument,
    limit_exceeded,
    // Who may do what.
    unknown_user,
    forbidden,
    same_user,
    // References and identity.
    not_found,
    already_exists,
    duplicate_line,
    // Lifecycles.
    wrong_state,
    // Quantities.
    availability_exceeded,
    insufficient_stamps,
    stamp_shortage_warning,
    over_authorised,
    below_minimum,
    // Runs.
    box_not_in_po,
    already_confirmed,
    // Calendar.
    capacity_exceeded,
    day_closed,
    split_parent,
    // Idempotency.
    session_evicted,
    request_too_old,
    // Storage: the command's batch was not made durable; nothing of it was kept.
    storage_unavailable,
    // Idempotency, continued (appended: the codes are the protocol's, value for value): a
    // different command sent under a (client, request) that was already answered.
    request_reused,
};

std::string_view to_string(rejection_code code);

// Which kind of object or argument a rejection speaks of.
enum class subject : u8 {
    none,
    user,
    consignee,
    product,
    shipment,
    box,
    production_order,
    line,
    stamp_order,
    region,
    quantity,
    text,
    volume,
    bundles,
    stamps_per_bundle,
    deposit_rate,
    roles,
    day,
    segments,
    invoice,
    fee_preset,
    request,
    rate,
    province,
    time_zone,
    client,
    token,
    password,
    outbound,
    gst_hst_number,  // the warehouse's identity (§2)
    qst_number,
    physical_count,  // the counts kept (§8)
};

std::string_view to_string(subject s);

struct rejection {
    rejection_code code = rejection_code::ok;
    subject about = subject::none;
    u32 id = 0;              // the object (or line index) the rejection is about
    i64 needed = 0;          // what the command asked for
    i64 available = 0;       // what there is (or the limit)
    u8 region_index = 0xFF;  // the region concerned, 0xFF when none
    u8 state = 0xFF;         // the object's current status (for wrong_state / already_confirmed)
    u32 item = 0;            // a batch's refused item (receive_boxes' box), from 1; 0: none

    bool ok() const { return code == rejection_code::ok; }
    std::optional<region> region_of() const {
        if (region_index >= region_count) return std::nullopt;
        return static_cast<region>(region_index);
    }
};

inline rejection reject(rejection_code code, subject about = subject::none, u32 id = 0) {
    return rejection{.code = code, .about = about, .id = id};
}

// One line a person can read: "INSUFFICIENT_STAMPS region=ON needed=100 available=87".
std::string describe(const rejection& r);

}  // namespace stampd
