// stampctl's floor commands: reference data (SPEC §2), shipments and boxes (§3), production
// orders, runs, verification and cancellation (§4–§7) — one subcommand per command of
// engine/command.hpp. The office's commands are in commands_office.cpp; the machinery
// (flags bound into the command struct, run, --dry-run, --json) in command_table.hpp.
#include "clients/stampctl/command_table.hpp"
#include "engine/queries.hpp"

namespace stampd::ctl {

// ---------------------------------------------------------------- §2 reference data
template <>
spec<create_user> cli<create_user>() {
    return {"Create a login user (SPEC §2, §11).",
            [](CLI::App& s, create_user& c) {
                code_flag(s, "--key", c.key, "login name, unique")->required();
                s.add_option("--name", c.name, "full name");
                s.add_option_function<std::string>(
                     "--roles", [&c](const std::string& t) { c.roles = parse_roles_arg(t); },
                     "comma-separated: stamper,supervisor,verifier,admin,finance,auditor,"
                     "consignee")
                    ->required();
                ref_option(s, "--consignee", c.consignee, ref_kind::consignee,
                           "consignee id, or its key (consignee users only)");
                user_token_flags(s, c.token, "the new user's token (only its hash is kept)");
            },
            [](const create_user&, u32 id) { return "created user " + id_text(id); }};
}

template <>
spec<create_consignee> cli<create_consignee>() {
    return {"Create a consignee (SPEC §2).",
            [](CLI::App& s, create_consignee& c) {
                code_flag(s, "--key", c.key, "consignee code, unique")->required();
                s.add_option("--name", c.name, "name");
                enum_flag(s, "--province", c.primary_province, province_names(),
                          "primary province for tax: ab bc mb nb nl ns nt nu on pe qc sk yt");
            },
            [](const create_consignee&, u32 id) { return "created consignee " + id_text(id); }};
}

// The flags not given keep the consignee's current values, read first (ListReference).
template <>
spec<edit_consignee> cli<edit_consignee>() {
    struct given {
        CLI::Option *name = nullptr, *province = nullptr, *billing = nullptr, *shipping = nullptr,
                    *registration = nullptr;
    };
    auto flags = std::make_shared<given>();
    return {
        "Change a consignee's name, province, addresses or tax registration number (seed 003: "
        "after a move, later invoices use the new province's rate; invoices already drafted keep "
        "theirs). Flags not given stay as they are; the key never changes.",
        [flags](CLI::App& s, edit_consignee& c) {
            id_flag(s, "--consignee", c.consignee, "consignee id");
            flags->name = s.add_option("--name", c.name, "name");
            flags->province =
                enum_flag(s, "--province", c.primary_province, province_names(),
                          "primary province for tax: ab bc mb nb nl ns nt nu on pe qc sk yt");
            flags->billing = s.add_option("--billing-address", c.billing_address,
                                          "address for invoices (\\n between lines; \"\": none)");
            flags->shipping = s.add_option("--shipping-address", c.shipping_address,
                                           "ship-to address for manifests (\\n between lines)");
            flags->registration = s.add_option("--tax-registration", c.tax_registration,
                                               "GST/HST or QST registration number (\"\": none)");
        },
        [](const edit_consignee& c, u32) {
            return "consignee " + id_text(c.consignee) + " now " + c.name + ", " +
                   std::string(to_string(c.primary_province));
        },
        [flags](client::connection& conn, edit_consignee& c) -> int {
            client::response answer;
            const int rc = call_read(
                conn, proto::Body::ListReference,
                [&](flatbuffers::FlatBufferBuilder& b) {
                    return proto::CreateListReference(b, proto::ReferenceKind::Consignees,
                                                      c.consignee - 1)
                        .Union();
                },
                answer);
            if (rc != exit_done) return rc;
            if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
            const proto::ReferenceList* list = answer.get()->reply_as_ReferenceList();
            const proto::ReferenceRow* row =
                list != nullptr && list->rows() != nullptr && list->rows()->size() > 0
                    ? list->rows()->Get(0)
                    : nullptr;
            if (row == nullptr || row->id() != c.consignee) {
                std::cerr << "NOT_FOUND: consignee " << c.consignee << "\n";
                return exit_rejected;
            }
            const auto keep = [](CLI::Option* flag, std::string& field,
                                 const flatbuffers::String* current) {
                if (flag->count() == 0) field = current != nullptr ? current->str() : "";
            };
            keep(flags->name, c.name, row->name());
            keep(flags->billing, c.billing_address, row->billing_address());
            keep(flags->shipping, c.shipping_address, row->shipping_address());
            keep(flags->registration, c.tax_registration, row->tax_registration());
            if (flags->province->count() == 0) {
                c.primary_province = static_cast<province>(row->province());
            }
            // Typed on one line, a backslash and an n stand for a line break.
            typed_line_breaks(c.billing_address);
            typed_line_breaks(c.shipping_address);
            return exit_done;
        }};
}

template <>
spec<create_product> cli<create_product>() {
    return {"Create a product of a consignee (SPEC §2).",
            [](CLI::App& s, create_product& c) {
                code_flag(s, "--sku", c.sku, "SKU, unique")->required();
                id_flag(s, "--consignee", c.consignee, "consignee id");
                s.add_option("--name", c.name, "name");
                id_flag(s, "--volume-ul", c.volume_ul,
                        "volume per unit in microlitres (15 mL = 15000)");
            },
            [](const create_product&, u32 id) { return "created product " + id_text(id); }};
}

template <>
spec<set_bundle_size> cli<set_bundle_size>() {
    return {"Set the stamps per bundle of a region (SPEC §2, §8).",
            [](CLI::App& s, set_bundle_size& c) {
                enum_flag(s, "--region", c.stamp_region, region_names(), "fed, on, qc, ab or mb")
                    ->required();
                id_flag(s, "--stamps", c.stamps_per_bundle, "stamps per bundle");
            },
            [](const set_bundle_size& c, u32) {
                return "set the bundle size of " + std::string(to_string(c.stamp_region)) + " to " +
                       std::to_string(c.stamps_per_bundle) + " stamps";
            }};
}

template <>
spec<set_deposit_rate> cli<set_deposit_rate>() {
    return {"Set the stamp deposit rate of a region (SPEC §2, §8).",
            [](CLI::App& s, set_deposit_rate& c) {
                enum_flag(s, "--region", c.stamp_region, region_names(), "fed, on, qc, ab or mb")
                    ->required();
                id_flag(s, "--cents", c.cents_per_stamp, "deposit per stamp, in cents");
            },
            [](const set_deposit_rate& c, u32) {
                return "set the deposit rate of " + std::string(to_string(c.stamp_region)) +
                       " to " + std::to_string(c.cents_per_stamp) + " cents per stamp";
            }};
}

// ---------------------------------------------------------------- §3 shipments and boxes
template <>
spec<create_shipment> cli<create_shipment>() {
    return {"Expect a shipment of a consignee (SPEC §3).",
            [](CLI::App& s, create_shipment& c) {
                code_flag(s, "--key", c.key, "shipment reference, unique")->required();
                id_flag(s, "--consignee", c.consignee, "consignee id");
            },
            [](const create_shipment&, u32 id) { return "created shipment " + id_text(id); }};
}

template <>
spec<start_receiving> cli<start_receiving>() {
    return {
        "Start receiving a shipment's boxes (SPEC §3).",
        [](CLI::App& s, start_receiving& c) {
            id_flag(s, "--shipment", c.shipment, "shipment id");
        },
        [](const start_receiving& c, u32) { return "receiving shipment " + id_text(c.shipment); }};
}

template <>
spec<receive_box> cli<receive_box>() {
    return {"Receive one box of a shipment that is Receiving (SPEC §3).",
            [](CLI::App& s, receive_box& c) {
                id_flag(s, "--shipment", c.shipment, "shipment id");
                code_flag(s, "--barcode", c.barcode, "the box's barcode, unique")->required();
                id_flag(s, "--product", c.product, "product id");
                id_flag(s, "--units", c.units, "units in the box");
                s.add_option("--damaged", c.damaged, "damaged units (never count)");
            },
            [](const receive_box& c, u32 id) {
                return "received box " + id_text(id) + " (" + std::string(c.barcode.view()) +
                       ") into shipment " + id_text(c.shipment);
            }};
}

// A few boxes at once, by hand; a whole manifest is import-shipment's (import_shipment.cpp).
template <>
spec<receive_boxes> cli<receive_boxes>() {
    return {
        "Receive up to 512 boxes of a shipment that is Receiving, all or nothing (SPEC §3): a "
        "box already received with the same product and figures is skipped. A whole "
        "manifest (CSV): import-shipment.",
        [](CLI::App& s, receive_boxes& c) {
            id_flag(s, "--shipment", c.shipment, "shipment id");
            s.add_option_function<std::vector<std::string>>(
                 "--box",
                 [&c](const std::vector<std::string>& all) {
                     for (const std::string& t : all)
                         c.boxes.push_back(parse_box_arg(t));
                 },
                 "BARCODE:PRODUCT:UNITS:DAMAGED, once per box (product id)")
                ->required();
        },
        [](const receive_boxes& c, u32 added) {
            return "received " + std::to_string(added) + " of " + std::to_string(c.boxes.size()) +
                   " boxes into shipment " + id_text(c.shipment) +
                   " (the others were already received, identical)";
        }};
}

template <>
spec<finish_receiving> cli<finish_receiving>() {
    return {"Finish receiving: the shipment is Inventoried (SPEC §3).",
            [](CLI::App& s, finish_receiving& c) {
                id_flag(s, "--shipment", c.shipment, "shipment id");
            },
            [](const finish_receiving& c, u32) {
                return "shipment " + id_text(c.shipment) + " inventoried";
            }};
}

// Confirm one box of a run; --barcode is resolved to the box through ScanBox first.
template <>
spec<confirm_box> cli<confirm_box>() {
    auto barcode = std::make_shared<std::string>();
    return {
        "Confirm (stamp) one box of a PO InProduction: deducts its stamps (SPEC §6). On "
        "INSUFFICIENT_STAMPS choose: nothing, --action skip or --action override.",
        [barcode](CLI::App& s, confirm_box& c) {
            id_flag(s, "--po", c.po, "PO id");
            s.add_option_function<std::string>(
                 "--box",
                 [barcode, &c](const std::string& t) {
                     if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos) {
                         c.box = parse_id_arg(t, "--box");
                     } else {
                         *barcode = t;  // a label: looked up in the run like --barcode
                     }
                 },
                 "box id or barcode")
                ->option_text("ID|BARCODE");
            s.add_option("--barcode", *barcode, "the box's barcode (as --box BARCODE)");
            enum_flag(s, "--action", c.action, box_action_names(),
                      "confirm (default), skip, or override (past a short balance, recorded)");
        },
        [barcode](const confirm_box& c, u32) {
            const char* verb = c.action == box_action::skip ? "skipped" : "confirmed";
            const std::string box =
                barcode->empty() ? id_text(c.box) : *barcode + " (" + id_text(c.box) + ")";
            return std::string(verb) + " box " + box + " of PO " + id_text(c.po);
        },
        [barcode](client::connection& conn, confirm_box& c) -> int {
            if (barcode->empty()) {
                if (c.box != id_none) return exit_done;
                std::cerr << "stampctl: confirm-box needs --box or --barcode\n";
                return exit_usage;
            }
            client::response answer;
            const int rc = call_read(
                conn, proto::Body::ScanBox,
                [&](flatbuffers::FlatBufferBuilder& b) {
                    return proto::CreateScanBoxDirect(b, c.po, barcode->c_str()).Union();
                },
                answer);
            if (rc != exit_done) return rc;
            if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
            c.box = answer.get()->reply_as_ScannedBox()->box();
            return exit_done;
        }};
}

// ---------------------------------------------------------------- §4–§7 production orders
template <>
spec<create_po> cli<create_po>() {
    return {"Create a production order from an Inventoried shipment (SPEC §4, §5).",
            [](CLI::App& s, create_po& c) {
                code_flag(s, "--number", c.number, "PO number (blank: the next PO-000001)");
                id_flag(s, "--consignee", c.consignee, "consignee id");
                id_flag(s, "--shipment", c.shipment, "source shipment id");
                lines_flag(s, c.lines, line_help)->required();
                s.add_flag("--urgent", c.urgent,
                           "urgent: ahead of the POs that are not in its day's run order, behind "
                           "urgent ones already there; without --on, the first weekday with room "
                           "(refused when none has it: --mode auto-split splits it from today)");
                s.add_option("--notes", c.notes, "notes");
                day_flag(s, "--on", c.on, "schedule on this day, YYYY-MM-DD");
                enum_flag(s, "--mode", c.mode, schedule_mode_names(), mode_help);
            },
            [](const create_po&, u32 id) { return "created PO " + id_text(id); }};
}

template <>
spec<edit_po_lines> cli<edit_po_lines>() {
    return {"Replace the lines of an Open PO (SPEC §4).",
            [](CLI::App& s, edit_po_lines& c) {
                id_flag(s, "--po", c.po, "PO id");
                lines_flag(s, c.lines, line_help)->required();
                s.add_flag("--override-capacity", c.override_capacity,
                           "the PO's day may go past its capacity (recorded)");
            },
            [](const edit_po_lines& c, u32) { return "edited the lines of PO " + id_text(c.po); }};
}

template <>
spec<start_run> cli<start_run>() {
    return {"Start the stamp run of an Open PO: builds its box queue (SPEC §6).",
            [](CLI::App& s, start_run& c) {
                id_flag(s, "--po", c.po, "PO id");
                s.add_flag("--acknowledge-shortage", c.acknowledge_shortage,
                           "start despite STAMP_SHORTAGE_WARNING (recorded)");
            },
            [](const start_run& c, u32) { return "started the run of PO " + id_text(c.po); }};
}

template <>
spec<end_run> cli<end_run>() {
    return {"End a run early: the boxes left are skipped (SPEC §6).",
            [](CLI::App& s, end_run& c) { id_flag(s, "--po", c.po, "PO id"); },
            [](const end_run& c, u32) {
                return "ended the run of PO " + id_text(c.po) + ", pending verification";
            }};
}

template <>
spec<verify_po> cli<verify_po>() {
    return {
        "Verify a PO PendingVerification and complete it: outbound record and draft invoice "
        "(SPEC §7). Not by the user who started the run or confirmed a box.",
        [](CLI::App& s, verify_po& c) {
            id_flag(s, "--po", c.po, "PO id");
            s.add_option_function<std::vector<std::string>>(
                "--count",
                [&c](const std::vector<std::string>& all) {
                    for (const std::string& t : all) {
                        const auto [line, stamps] = parse_pair_arg(t, "--count");
                        c.counts.push_back({line, stamps});
                    }
                },
                "LINE:STAMPS counted, per line index from 0 (default: what was deducted)");
            s.add_flag("--override-shortage", c.override_shortage,
                       "deduct an adjustment past the balance (recorded)");
        },
        [](const verify_po& c, u32) {
            return "verified PO " + id_text(c.po) + ": completed, invoice drafted";
        }};
}

template <>
spec<amend_line> cli<amend_line>() {
    return {"Amend a line of a PO PendingVerification upward (SPEC §7).",
            [](CLI::App& s, amend_line& c) {
                id_flag(s, "--po", c.po, "PO id");
                id_flag(s, "--line", c.line, "line index, from 0");
                id_flag(s, "--quantity", c.quantity, "the new quantity");
                s.add_flag("--override-capacity", c.override_capacity,
                           "the PO's day may go past its capacity (recorded)");
            },
            [](const amend_line& c, u32) {
                return "amended line " + std::to_string(c.line) + " of PO " + id_text(c.po) +
                       " to " + std::to_string(c.quantity);
            }};
}

template <>
spec<cancel_po> cli<cancel_po>() {
    return {"Cancel a PO: units back to availability, deductions refunded (SPEC §7).",
            [](CLI::App& s, cancel_po& c) {
                id_flag(s, "--po", c.po, "PO id");
                s.add_option("--reason", c.reason, "why");
            },
            [](const cancel_po& c, u32) { return "cancelled PO " + id_text(c.po); }};
}

template <>
spec<ship_outbound> cli<ship_outbound>() {
    return {
        "Record that an outbound record's goods have left: ReadyToShip -> Shipped, with who "
        "and when (SPEC §7).",
        [](CLI::App& s, ship_outbound& c) {
            id_flag(s, "--outbound", c.outbound, "outbound record id");
        },
        [](const ship_outbound& c, u32) {
            return "shipped " + outbound_number(c.outbound) + " (" + id_text(c.outbound) + ")";
        }};
}

}  // namespace stampd::ctl
