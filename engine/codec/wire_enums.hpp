// The engine's enums on the wire: each engine enum and its FlatBuffers twin hold the same values
// in the same order, so converting is a cast. This is the one place that says which is whose
// twin and checks, at compile time, that the two end on the same value. The log's codec
// (engine/codec/) and the protocol (net/protocol/) convert only through to_wire().
#pragma once

#include <type_traits>

#include "engine/calendar_time.hpp"
#include "engine/types.hpp"
#include "events_generated.h"

namespace stampd::codec {

// Which wire enum is an engine enum's twin (wire_of<Engine>::type).
template <typename Engine>
struct wire_of;

// Declares `Wire to_wire(Engine)` and checks that both enums end on the same value.
#define STAMPD_WIRE_ENUM(Engine, Wire, last)                                             \
    static_assert(static_cast<int>(Wire::MAX) == static_cast<int>(Engine::last),         \
                  #Engine " and " #Wire " must list the same values in the same order"); \
    template <>                                                                          \
    struct wire_of<Engine> {                                                             \
        using type = Wire;                                                               \
    };                                                                                   \
    constexpr Wire to_wire(Engine value) {                                               \
        return static_cast<Wire>(value);                                                 \
    }

STAMPD_WIRE_ENUM(region, fb::Region, mb)
STAMPD_WIRE_ENUM(province, fb::Province, yt)
STAMPD_WIRE_ENUM(tax_kind, fb::TaxKind, pst)
STAMPD_WIRE_ENUM(ledger_kind, fb::LedgerKind, refund_cancel)
STAMPD_WIRE_ENUM(box_state, fb::BoxState, overridden)
STAMPD_WIRE_ENUM(po_status, fb::PoStatus, cancelled)
STAMPD_WIRE_ENUM(review_action, fb::ReviewAction, request_changes)
STAMPD_WIRE_ENUM(invoice_status, fb::InvoiceStatus, archived)
STAMPD_WIRE_ENUM(fee_kind, fb::FeeKind, flat)
STAMPD_WIRE_ENUM(weekday, fb::Weekday, sunday)

// An engine enum read back from the wire: false when the value is past the last one (a newer
// writer, or hostile bytes), for every enum to_wire() knows.
template <typename Engine, typename Wire>
constexpr bool from_wire(Wire value, Engine& out) {
    static_assert(std::is_same_v<typename wire_of<Engine>::type, Wire>, "not this enum's twin");
    if (static_cast<int>(value) > static_cast<int>(Wire::MAX)) return false;
    out = static_cast<Engine>(value);
    return true;
}

}  // namespace stampd::codec
