// stampctl's office commands: stamp orders (SPEC §8), settings and access (§2, §11), the
// calendar (§5), invoices (§9) and customer requests (§10). The machinery is in
// command_table.hpp; the floor's commands in commands_floor.cpp.
#include "clients/stampctl/command_table.hpp"

namespace stampd::ctl {

// ---------------------------------------------------------------- §8 stamp orders
template <>
spec<submit_stamp_order> cli<submit_stamp_order>() {
    return {"Submit a stamp order for admin review: one region, at least 500 bundles (SPEC §8).",
            [](CLI::App& s, submit_stamp_order& c) {
                enum_flag(s, "--region", c.stamp_region, region_names(), "fed, on, qc, ab or mb")
                    ->required();
                id_flag(s, "--bundles", c.bundles, "bundles (at least 500)");
                s.add_option("--notes", c.notes, "notes");
            },
            [](const submit_stamp_order& c, u32 id) {
                return "submitted stamp order " + id_text(id) + " (" +
                       std::string(to_string(c.stamp_region)) + ", " + std::to_string(c.bundles) +
                       " bundles) for review";
            }};
}

template <>
spec<review_stamp_order> cli<review_stamp_order>() {
    return {"Review a stamp order in AdminReview; not by its submitter (SPEC §8).",
            [](CLI::App& s, review_stamp_order& c) {
                id_flag(s, "--order", c.order, "stamp order id");
                enum_flag(s, "--action", c.action, review_action_names(),
                          "approve, reject or request-changes")
                    ->required();
                s.add_option("--note", c.note, "the reason of a rejection, the changes asked for");
            },
            [](const review_stamp_order& c, u32) {
                constexpr const char* verbs[] = {"approved", "rejected", "asked for changes to"};
                return std::string(verbs[static_cast<int>(c.action)]) + " stamp order " +
                       id_text(c.order);
            }};
}

template <>
spec<revise_stamp_order> cli<revise_stamp_order>() {
    return {"Revise a stamp order ChangesRequested: back to review (SPEC §8).",
            [](CLI::App& s, revise_stamp_order& c) {
                id_flag(s, "--order", c.order, "stamp order id");
                id_flag(s, "--bundles", c.bundles, "bundles (at least 500)");
                s.add_option("--notes", c.notes, "notes");
            },
            [](const revise_stamp_order& c, u32) {
                return "revised stamp order " + id_text(c.order) + ", back to review";
            }};
}

template <>
spec<mark_stamp_order_ordered> cli<mark_stamp_order_ordered>() {
    return {"Mark an Approved stamp order as Ordered (SPEC §8).",
            [](CLI::App& s, mark_stamp_order_ordered& c) {
                id_flag(s, "--order", c.order, "stamp order id");
            },
            [](const mark_stamp_order_ordered& c, u32) {
                return "stamp order " + id_text(c.order) + " ordered";
            }};
}

template <>
spec<receive_stamps> cli<receive_stamps>() {
    return {"Receive an Ordered stamp order: the bundles counted go on the balance (SPEC §8).",
            [](CLI::App& s, receive_stamps& c) {
                id_flag(s, "--order", c.order, "stamp order id");
                id_flag(s, "--bundles", c.actual_bundles, "bundles actually counted");
            },
            [](const receive_stamps& c, u32) {
                return "received " + std::to_string(c.actual_bundles) + " bundles of stamp order " +
                       id_text(c.order);
            }};
}

// ---------------------------------------------------------------- §2 settings and access
template <>
spec<set_duty_rate> cli<set_duty_rate>() {
    return {"Set the duty rate of a region (SPEC §2, §9).",
            [](CLI::App& s, set_duty_rate& c) {
                enum_flag(s, "--region", c.stamp_region, region_names(), "fed, on, qc, ab or mb")
                    ->required();
                id_flag(s, "--cents", c.cents_per_increment, "cents per 2 mL increment");
            },
            [](const set_duty_rate& c, u32) {
                return "set the duty rate of " + std::string(to_string(c.stamp_region)) + " to " +
                       std::to_string(c.cents_per_increment) + " cents per increment";
            }};
}

template <>
spec<set_tax_rate> cli<set_tax_rate>() {
    return {
        "Set one component of a province's tax (SPEC §9): GST, HST, QST or PST, each its own "
        "line on the invoices drafted after it. Out of the box: GST 5 % everywhere, HST "
        "instead in ON (13 %) and NB NL NS PE (15 %), QST 9.975 % in QC on top of GST, PST 0.",
        [](CLI::App& s, set_tax_rate& c) {
            enum_flag(s, "--province", c.tax_province, province_names(),
                      "ab bc mb nb nl ns nt nu on pe qc sk yt")
                ->required();
            c.kind = static_cast<tax_kind>(tax_kind_count);  // not given: see prepare
            enum_flag(s, "--kind", c.kind, tax_kind_names(),
                      "gst hst qst pst (default: the province's HST if it has one, else GST)");
            CLI::Option* percent = s.add_option_function<std::string>(
                "--percent", [&c](const std::string& t) { c.rate = parse_percent_arg(t); },
                "the rate in percent, to a thousandth (9.975); 0 to charge none");
            CLI::Option* basis_points = s.add_option_function<i32>(
                "--basis-points",
                [&c](i32 bp) {
                    if (bp < 0 || bp > 10'000)
                        throw CLI::ValidationError("--basis-points", "0 to 10000 (100 %)");
                    c.rate = bp * 10;
                },
                "the rate in hundredths of a percent (1300 = 13 %), as --percent");
            CLI::Option_group* rate = s.add_option_group("rate", "the rate: exactly one of");
            rate->add_option(percent);
            rate->add_option(basis_points);
            rate->require_option(1);
        },
        [](const set_tax_rate& c, u32) {
            return "set " + std::string(to_string(c.kind)) + " in " +
                   std::string(to_string(c.tax_province)) + " to " + rate_text(c.rate);
        },
        [](client::connection&, set_tax_rate& c) {
            if (static_cast<std::size_t>(c.kind) >= tax_kind_count)
                c.kind = combined_kind(c.tax_province);
            return exit_done;
        }};
}

template <>
spec<set_capacity> cli<set_capacity>() {
    return {"Set the daily capacity of a weekday in units (SPEC §5).",
            [](CLI::App& s, set_capacity& c) {
                enum_flag(s, "--on", c.on, weekday_names(), "monday … friday")->required();
                id_flag(s, "--units", c.units, "units stamped a day");
            },
            [](const set_capacity& c, u32) {
                return "set the capacity of weekday " + std::to_string(static_cast<int>(c.on)) +
                       " (0 = Monday) to " + std::to_string(c.units) + " units";
            }};
}

template <>
spec<set_time_zone> cli<set_time_zone>() {
    return {
        "Set the warehouse's time zone (SPEC §1): its IANA name, from the system's tz database "
        "(its offsets and daylight time come with it). Every \"today\" and every date is the "
        "zone's from then on.",
        [](CLI::App& s, set_time_zone& c) {
            s.add_option("--name", c.zone.name,
                         "IANA name: America/Toronto, America/Regina (no daylight time), "
                         "America/Winnipeg, America/Halifax, America/St_Johns, ...")
                ->required();
        },
        [](const set_time_zone& c, u32) { return "set the time zone to " + c.zone.name; }};
}

template <>
spec<create_fee_preset> cli<create_fee_preset>() {
    return {"Create an invoice fee preset (SPEC §9).",
            [](CLI::App& s, create_fee_preset& c) {
                code_flag(s, "--key", c.key, "preset code, unique")->required();
                s.add_option("--name", c.name, "name printed on invoices");
                enum_flag(s, "--kind", c.kind, fee_kind_names(), "per-unit or flat")->required();
                id_flag(s, "--amount-cents", c.amount_cents, "cents per unit, or the flat amount");
            },
            [](const create_fee_preset& c, u32 id) {
                return "created fee preset " + id_text(id) + " (" + std::string(c.key.view()) + ")";
            }};
}

template <>
spec<set_user_token> cli<set_user_token>() {
    return {
        "Give a user a new token (SPEC §11).",
        [](CLI::App& s, set_user_token& c) {
            id_flag(s, "--user", c.user, "user id");
            user_token_flags(s, c.token, "the new token (only its hash is kept)");
        },
        [](const set_user_token& c, u32) { return "set a new token for user " + id_text(c.user); }};
}

template <>
spec<set_user_roles> cli<set_user_roles>() {
    return {
        "Give a user its roles from now on (SPEC §2, §11): a consignee user keeps the consignee "
        "role alone, staff never take it, and the last admin keeps admin.",
        [](CLI::App& s, set_user_roles& c) {
            id_flag(s, "--user", c.user, "user id");
            s.add_option_function<std::string>(
                 "--roles", [&c](const std::string& t) { c.roles = parse_roles_arg(t); },
                 "comma-separated, all of them: stamper,supervisor,verifier,admin,finance,"
                 "auditor (or consignee, for a consignee user)")
                ->required();
        },
        [](const set_user_roles& c, u32) { return "set the roles of user " + id_text(c.user); }};
}

template <>
spec<set_user_password> cli<set_user_password>() {
    return {
        "Set a person's password for the web console: one's own, or anyone's as an admin "
        "(SPEC §11). stampd keeps only its Argon2id hash.",
        [](CLI::App& s, set_user_password& c) {
            id_flag(s, "--user", c.user, "user id");
            s.add_option_function<std::string>(
                 "--password-file",
                 [&c](const std::string& path) {
                     std::string error, warning;
                     if (!net::read_secret_file(path, c.password, error, warning))
                         throw CLI::ValidationError("--password-file", error);
                     if (!warning.empty()) std::cerr << "stampctl: warning: " << warning << '\n';
                 },
                 "a file holding the password on its first line (at least " +
                     std::to_string(constants::password_size_min) + " characters)")
                ->required();
        },
        [](const set_user_password& c, u32) {
            return "set a new password for user " + id_text(c.user);
        }};
}

// The flags not given keep the identity's current values, read first (GetSettings).
template <>
spec<set_warehouse_identity> cli<set_warehouse_identity>() {
    struct given {
        std::array<CLI::Option*, 5> flags{};
    };
    auto flags = std::make_shared<given>();
    return {
        "Set the warehouse's identity, printed on every document (SPEC §2): legal name, address, "
        "GST/HST and QST registration numbers, excise licence number. Flags not given stay as "
        "they are.",
        [flags](CLI::App& s, set_warehouse_identity& c) {
            warehouse_identity& id = c.identity;
            flags->flags = {
                s.add_option("--legal-name", id.legal_name, "the licensee's legal name"),
                s.add_option("--address", id.address, "its address (\\n between lines)"),
                s.add_option("--gst-hst", id.gst_hst_number,
                             "GST/HST registration number, CRA's format: 123456789RT0001"),
                s.add_option("--qst", id.qst_number,
                             "QST registration number, 1234567890TQ0001 (\"\": none)"),
                s.add_option("--excise-licence", id.excise_licence,
                             "the excise licence number the stamps are issued under")};
        },
        [](const set_warehouse_identity& c, u32) {
            return "the warehouse is now " + c.identity.legal_name + ", GST/HST " +
                   c.identity.gst_hst_number;
        },
        [flags](client::connection& conn, set_warehouse_identity& c) -> int {
            client::response answer;
            const int rc = call_read(
                conn, proto::Body::GetSettings,
                [](flatbuffers::FlatBufferBuilder& b) {
                    return proto::CreateGetSettings(b).Union();
                },
                answer);
            if (rc != exit_done) return rc;
            if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
            const proto::SettingsView* view = answer.get()->reply_as_SettingsView();
            const fb::WarehouseIdentity* now = view != nullptr ? view->identity() : nullptr;
            warehouse_identity& id = c.identity;
            const std::array<std::pair<std::string*, const flatbuffers::String*>, 5> fields = {{
                {&id.legal_name, now != nullptr ? now->legal_name() : nullptr},
                {&id.address, now != nullptr ? now->address() : nullptr},
                {&id.gst_hst_number, now != nullptr ? now->gst_hst_number() : nullptr},
                {&id.qst_number, now != nullptr ? now->qst_number() : nullptr},
                {&id.excise_licence, now != nullptr ? now->excise_licence() : nullptr},
            }};
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const auto& [field, current] = fields[i];
                if (flags->flags[i]->count() == 0) field->assign(current ? current->str() : "");
            }
            typed_line_breaks(id.address);
            return exit_done;
        }};
}

// ---------------------------------------------------------------- §8 physical counts
template <>
spec<record_physical_count> cli<record_physical_count>() {
    return {
        "Record a physical count of a region's stamps: how many were on hand at the close of "
        "a day (SPEC §8). The Stamp Accounting report of a period ending that day shows it "
        "beside the closing balance, with the discrepancy. A recount is recorded again; the "
        "latest of a day is the one reports use.",
        [](CLI::App& s, record_physical_count& c) {
            enum_flag(s, "--region", c.stamp_region, region_names(), "fed, on, qc, ab or mb")
                ->required();
            day_flag(s, "--as-of", c.as_of,
                     "the day whose close was counted, YYYY-MM-DD (today or before)")
                ->required();
            id_flag(s, "--counted", c.counted, "stamps counted");
            s.add_option("--counted-by", c.counted_by,
                         "who counted, when not (only) you: a name or names");
            s.add_option("--notes", c.notes, "notes (where, how, what was found)");
        },
        [](const record_physical_count& c, u32 id) {
            return "recorded physical count " + id_text(id) + ": " + std::to_string(c.counted) +
                   " " + std::string(to_string(c.stamp_region)) + " stamps at the close of " +
                   format_day(c.as_of);
        }};
}

// ---------------------------------------------------------------- §5 calendar, §9 invoices
template <>
spec<schedule_po> cli<schedule_po>() {
    return {"Put a PO on a day, or take it off with --on none (SPEC §5).",
            [](CLI::App& s, schedule_po& c) {
                id_flag(s, "--po", c.po, "PO id");
                day_flag(s, "--on", c.on, "YYYY-MM-DD, or none")->required();
                enum_flag(s, "--mode", c.mode, schedule_mode_names(), mode_help);
            },
            [](const schedule_po& c, u32) {
                return c.on == no_day ? "took PO " + id_text(c.po) + " off the calendar"
                                      : "scheduled PO " + id_text(c.po) + " on " + format_day(c.on);
            }};
}

template <>
spec<add_invoice_fee> cli<add_invoice_fee>() {
    return {"Attach a fee preset to a draft invoice (SPEC §9).",
            [](CLI::App& s, add_invoice_fee& c) {
                id_flag(s, "--invoice", c.invoice, "invoice id");
                id_flag(s, "--preset", c.preset, "fee preset id");
            },
            [](const add_invoice_fee& c, u32) {
                return "added fee preset " + id_text(c.preset) + " to invoice " +
                       id_text(c.invoice);
            }};
}

template <>
spec<remove_invoice_fee> cli<remove_invoice_fee>() {
    return {"Remove a fee from a draft invoice (SPEC §9).",
            [](CLI::App& s, remove_invoice_fee& c) {
                id_flag(s, "--invoice", c.invoice, "invoice id");
                id_flag(s, "--fee", c.fee, "the fee's index on the invoice, from 0");
            },
            [](const remove_invoice_fee& c, u32) {
                return "removed fee " + std::to_string(c.fee) + " from invoice " +
                       id_text(c.invoice);
            }};
}

template <>
spec<edit_invoice> cli<edit_invoice>() {
    return {"Edit a draft invoice's notes and due date (SPEC §9).",
            [](CLI::App& s, edit_invoice& c) {
                id_flag(s, "--invoice", c.invoice, "invoice id");
                s.add_option("--notes", c.notes, "notes");
                day_flag(s, "--due", c.due, "due date, YYYY-MM-DD");
            },
            [](const edit_invoice& c, u32) { return "edited invoice " + id_text(c.invoice); }};
}

template <>
spec<advance_invoice> cli<advance_invoice>() {
    return {"Move an invoice on: Draft → Issued → Paid → Archived (SPEC §9).",
            [](CLI::App& s, advance_invoice& c) {
                id_flag(s, "--invoice", c.invoice, "invoice id");
                enum_flag(s, "--to", c.to, invoice_status_names(), "issued, paid or archived")
                    ->required();
            },
            [](const advance_invoice& c, u32) {
                return "invoice " + id_text(c.invoice) + " now " + std::string(to_string(c.to));
            }};
}

template <>
spec<create_credit_note> cli<create_credit_note>() {
    return {"Credit an issued invoice with a new credit note (SPEC §9).",
            [](CLI::App& s, create_credit_note& c) {
                id_flag(s, "--invoice", c.invoice, "the invoice credited");
                s.add_option_function<std::vector<std::string>>(
                    "--line",
                    [&c](const std::vector<std::string>& all) {
                        for (const std::string& t : all) {
                            const auto [line, units] = parse_pair_arg(t, "--line");
                            c.lines.push_back({line, units});
                        }
                    },
                    "LINE:UNITS credited, line index from 0 (none: the whole invoice)");
                s.add_option("--reason", c.reason, "why");
            },
            [](const create_credit_note& c, u32 id) {
                return "created credit note " + id_text(id) + " for invoice " + id_text(c.invoice);
            }};
}

// ---------------------------------------------------------------- §10 customer requests
template <>
spec<submit_request> cli<submit_request>() {
    return {"Ask for a stamp run of an Inventoried shipment on a weekday with room (SPEC §10).",
            [](CLI::App& s, submit_request& c) {
                id_flag(s, "--shipment", c.shipment, "shipment id");
                lines_flag(s, c.lines, line_help)->required();
                day_flag(s, "--on", c.on, "the day, YYYY-MM-DD")->required();
            },
            [](const submit_request&, u32 id) { return "submitted request " + id_text(id); }};
}

template <>
spec<approve_request> cli<approve_request>() {
    return {"Approve a Pending request: its PO is created and scheduled (SPEC §10).",
            [](CLI::App& s, approve_request& c) {
                id_flag(s, "--request", c.request, "request id");
                s.add_flag("--override-capacity", c.override_capacity,
                           "the day may go past its capacity (recorded)");
            },
            [](const approve_request& c, u32) { return "approved request " + id_text(c.request); }};
}

template <>
spec<reject_request> cli<reject_request>() {
    return {"Reject a Pending request (SPEC §10).",
            [](CLI::App& s, reject_request& c) {
                id_flag(s, "--request", c.request, "request id");
                s.add_option("--reason", c.reason, "why");
            },
            [](const reject_request& c, u32) { return "rejected request " + id_text(c.request); }};
}

}  // namespace stampd::ctl
