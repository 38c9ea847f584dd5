// The one table of events: the `event` variant and event_name (engine/event.hpp), the apply
// declarations (engine/rules/rules.hpp) and the log's codec (engine/codec/, which checks at
// compile time that the Event union of engine/codec/events.fbs lists the same tables in the same
// order) are expanded from it.
//
// Columns: X(event struct, table in engine/codec/events.fbs). The order is the log's: rows are
// only ever appended, or records already written would decode as other events.
#pragma once

// clang-format off
#define STAMPD_EVENTS(X)                                   \
    X(user_created,          UserCreated)                  \
    X(consignee_created,     ConsigneeCreated)             \
    X(product_created,       ProductCreated)               \
    X(bundle_size_set,       BundleSizeSet)                \
    X(deposit_rate_set,      DepositRateSet)               \
    X(shipment_created,      ShipmentCreated)              \
    X(receiving_started,     ReceivingStarted)             \
    X(box_received,          BoxReceived)                  \
    X(shipment_inventoried,  ShipmentInventoried)          \
    X(po_created,            PoCreated)                    \
    X(po_lines_edited,       PoLinesEdited)                \
    X(run_started,           RunStarted)                   \
    X(box_confirmed,         BoxConfirmed)                 \
    X(run_ended,             RunEnded)                     \
    X(line_amended,          LineAmended)                  \
    X(po_verified,           PoVerified)                   \
    X(po_cancelled,          PoCancelled)                  \
    X(stamp_order_submitted, StampOrderSubmitted)          \
    X(stamp_order_reviewed,  StampOrderReviewed)           \
    X(stamp_order_revised,   StampOrderRevised)            \
    X(stamp_order_ordered,   StampOrderOrdered)            \
    X(stamps_received,       StampsReceived)               \
    X(duty_rate_set,         DutyRateSet)                  \
    X(tax_rate_set,          TaxRateSet)                   \
    X(capacity_set,          CapacitySet)                  \
    X(time_zone_set,         TimeZoneSet)                  \
    X(fee_preset_created,    FeePresetCreated)             \
    X(user_token_set,        UserTokenSet)                 \
    X(po_scheduled,          PoScheduled)                  \
    X(po_split,              PoSplit)                      \
    X(parent_closed,         ParentClosed)                 \
    X(outbound_created,      OutboundCreated)              \
    X(invoice_drafted,       InvoiceDrafted)               \
    X(invoice_fee_added,     InvoiceFeeAdded)              \
    X(invoice_fee_removed,   InvoiceFeeRemoved)            \
    X(invoice_edited,        InvoiceEdited)                \
    X(invoice_advanced,      InvoiceAdvanced)              \
    X(request_submitted,     RequestSubmitted)             \
    X(request_approved,      RequestApproved)              \
    X(request_rejected,      RequestRejected)              \
    X(user_password_set,     UserPasswordSet)              \
    X(consignee_edited,      ConsigneeEdited)              \
    X(outbound_shipped,      OutboundShipped)              \
    X(warehouse_identity_set, WarehouseIdentitySet)        \
    X(user_roles_set,        UserRolesSet)                 \
    X(boxes_received,        BoxesReceived)                \
    X(physical_count_recorded, PhysicalCountRecorded)
// clang-format on
