// The one table of commands. Every list of commands in stampd is expanded from it: the
// `command` variant and command_name (engine/command.hpp), the roles that may send each
// (allowed_roles, SPEC §11), the rule declarations (engine/rules/rules.hpp), the protocol's
// command codec (net/protocol/command_codec.cpp, which checks at compile time that the Body union
// of net/protocol/protocol.fbs lists the same kinds in the same order) and stampctl's
// subcommands (clients/stampctl/, one per row, named after the first column with '-' for '_').
// Adding a command: docs/engine.md, "Adding a command".
//
// Columns: X(command struct, protocol table in net/protocol/protocol.fbs, roles allowed).
// The order is the wire order: rows are only ever appended.
#pragma once

#include <initializer_list>

#include "engine/types.hpp"

namespace stampd {

// Who may send what (SPEC §11), named by the work they do.
namespace roles_of {

constexpr role_set any_of(std::initializer_list<role> list) {
    role_set set = 0;
    for (const role r : list)
        set |= role_bit(r);
    return set;
}

inline constexpr role_set admin = any_of({role::admin});
inline constexpr role_set warehouse = any_of({role::supervisor, role::admin});
inline constexpr role_set supervisor = any_of({role::supervisor});
inline constexpr role_set stamping = any_of({role::stamper, role::supervisor});
inline constexpr role_set verifying = any_of({role::verifier, role::supervisor});
inline constexpr role_set ordering = any_of({role::supervisor, role::admin, role::finance});
inline constexpr role_set purchasing = any_of({role::admin, role::finance});
inline constexpr role_set invoicing = any_of({role::finance, role::admin});
inline constexpr role_set consignee = any_of({role::consignee});
// Everyone: the rule itself decides (set_user_password: one's own, or an admin).
inline constexpr role_set anyone =
    any_of({role::stamper, role::supervisor, role::verifier, role::admin, role::finance,
            role::auditor, role::consignee});

}  // namespace roles_of

// clang-format off
#define STAMPD_COMMANDS(X)                                                   \
    /* §2 reference data */                                                  \
    X(create_user,              CreateUser,            roles_of::admin)      \
    X(create_consignee,         CreateConsignee,       roles_of::admin)      \
    X(create_product,           CreateProduct,         roles_of::admin)      \
    X(set_bundle_size,          SetBundleSize,         roles_of::admin)      \
    X(set_deposit_rate,         SetDepositRate,        roles_of::admin)      \
    /* §3 shipments and boxes */                                             \
    X(create_shipment,          CreateShipment,        roles_of::warehouse)  \
    X(start_receiving,          StartReceiving,        roles_of::warehouse)  \
    X(receive_box,              ReceiveBox,            roles_of::warehouse)  \
    X(finish_receiving,         FinishReceiving,       roles_of::warehouse)  \
    /* §4 production orders, §6 runs, §7 verification */                     \
    X(create_po,                CreatePo,              roles_of::warehouse)  \
    X(edit_po_lines,            EditPoLines,           roles_of::warehouse)  \
    X(start_run,                StartRun,              roles_of::stamping)   \
    X(confirm_box,              ConfirmBox,            roles_of::stamping)   \
    X(end_run,                  EndRun,                roles_of::supervisor) \
    X(verify_po,                VerifyPo,              roles_of::verifying)  \
    X(amend_line,               AmendLine,             roles_of::supervisor) \
    X(cancel_po,                CancelPo,              roles_of::warehouse)  \
    /* §8 stamp orders */                                                    \
    X(submit_stamp_order,       SubmitStampOrder,      roles_of::ordering)   \
    X(review_stamp_order,       ReviewStampOrder,      roles_of::admin)      \
    X(revise_stamp_order,       ReviseStampOrder,      roles_of::ordering)   \
    X(mark_stamp_order_ordered, MarkStampOrderOrdered, roles_of::purchasing) \
    X(receive_stamps,           ReceiveStamps,         roles_of::warehouse)  \
    /* §2 settings and access */                                             \
    X(set_duty_rate,            SetDutyRate,           roles_of::admin)      \
    X(set_tax_rate,             SetTaxRate,            roles_of::admin)      \
    X(set_capacity,             SetCapacity,           roles_of::admin)      \
    X(set_time_zone,            SetTimeZone,           roles_of::admin)      \
    X(create_fee_preset,        CreateFeePreset,       roles_of::admin)      \
    X(set_user_token,           SetUserToken,          roles_of::admin)      \
    /* §5 calendar */                                                        \
    X(schedule_po,              SchedulePo,            roles_of::warehouse)  \
    /* §9 invoices */                                                        \
    X(add_invoice_fee,          AddInvoiceFee,         roles_of::invoicing)  \
    X(remove_invoice_fee,       RemoveInvoiceFee,      roles_of::invoicing)  \
    X(edit_invoice,             EditInvoice,           roles_of::invoicing)  \
    X(advance_invoice,          AdvanceInvoice,        roles_of::invoicing)  \
    X(create_credit_note,       CreateCreditNote,      roles_of::invoicing)  \
    /* §10 customer requests */                                              \
    X(submit_request,           SubmitRequest,         roles_of::consignee)  \
    X(approve_request,          ApproveRequest,        roles_of::warehouse)  \
    X(reject_request,           RejectRequest,         roles_of::warehouse)  \
    /* §11 people's passwords (on the wire after the reads) */               \
    X(set_user_password,        SetUserPassword,       roles_of::anyone)       \
    /* §2 reference data, continued */                                       \
    X(edit_consignee,           EditConsignee,         roles_of::admin)      \
    /* §7 outbound records */                                                \
    X(ship_outbound,            ShipOutbound,          roles_of::warehouse)  \
    /* §2 the warehouse's identity */                                        \
    X(set_warehouse_identity,   SetWarehouseIdentity,  roles_of::admin)      \
    /* §2 users, continued */                                                \
    X(set_user_roles,           SetUserRoles,          roles_of::admin)      \
    /* §3 boxes in batches (issue 19: shipment manifests in) */              \
    X(receive_boxes,            ReceiveBoxes,          roles_of::warehouse)  \
    /* §8 physical counts of stamps */                                       \
    X(record_physical_count,    RecordPhysicalCount,   roles_of::warehouse)
// clang-format on

}  // namespace stampd
