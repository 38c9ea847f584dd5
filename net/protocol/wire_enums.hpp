// The engine's enums that only the protocol carries, beside those the log carries
// (engine/codec/wire_enums.hpp): each pairs with its twin in net/protocol/protocol.fbs, checked at
// compile time. The codec and the reads convert only through to_wire() and from_wire().
#pragma once

#include "engine/codec/wire_enums.hpp"
#include "engine/rejection.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::codec {

STAMPD_WIRE_ENUM(schedule_mode, proto::ScheduleMode, auto_split)
STAMPD_WIRE_ENUM(box_action, proto::BoxAction, override_shortage)
STAMPD_WIRE_ENUM(shipment_status, proto::ShipmentStatus, inventoried)
STAMPD_WIRE_ENUM(stamp_order_status, proto::StampOrderStatus, changes_requested)
STAMPD_WIRE_ENUM(request_status, proto::RequestStatus, rejected)
STAMPD_WIRE_ENUM(role, proto::Role, consignee)
STAMPD_WIRE_ENUM(subject, proto::Subject, physical_count)
STAMPD_WIRE_ENUM(outbound_status, proto::OutboundStatus, shipped)

}  // namespace stampd::codec

namespace stampd::net {
using codec::from_wire;
using codec::to_wire;
}  // namespace stampd::net
