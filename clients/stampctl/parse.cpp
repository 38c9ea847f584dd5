// Command-line values → engine values (stampctl.hpp): enum names, dates, codes, role lists,
// PO lines. Errors are CLI::ValidationError, which main() turns into exit code 2.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "clients/stampctl/stampctl.hpp"

namespace stampd::ctl {
namespace {

// CLI11's own refusal shows its internals ("Check XX value in {ab->0,…} FAILED"); a person reads
// "unknown province 'XX' (one of ab, bc, …)".
CLI::CheckedTransformer readable(CLI::CheckedTransformer t, const std::string& what,
                                 const std::string& choices) {
    const CLI::Validator original = t;
    t.operation([original, what, choices](std::string& value) -> std::string {
        const std::string typed = value;
        if (original(value).empty()) return {};
        value = typed;
        return "unknown " + what + " '" + typed + "' (one of " + choices + ")";
    });
    return t;
}

template <typename E, std::size_t N>
CLI::CheckedTransformer names(const char* what,
                              const std::array<std::pair<const char*, E>, N>& table) {
    std::map<std::string, int> m;
    std::string choices;
    for (const auto& [name, value] : table) {
        m.emplace(name, static_cast<int>(value));
        choices += (choices.empty() ? "" : ", ") + std::string{name};
    }
    return readable(CLI::CheckedTransformer(m, CLI::ignore_case), what, choices);
}

u32 parse_u32(const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        const unsigned long long v = std::stoull(text, &used);
        if (used == text.size() && v <= UINT32_MAX && text.front() != '-') {
            return static_cast<u32>(v);
        }
    } catch (const std::exception&) {
    }
    throw CLI::ValidationError(what, "'" + text + "' is not a number");
}

}  // namespace

CLI::CheckedTransformer region_names() {
    return names<region, 5>("region", {{{"fed", region::fed},
                                        {"on", region::on},
                                        {"qc", region::qc},
                                        {"ab", region::ab},
                                        {"mb", region::mb}}});
}

CLI::CheckedTransformer province_names() {
    std::map<std::string, int> m;
    std::string choices;
    for (std::size_t p = 0; p < province_count; ++p) {
        std::string name{to_string(static_cast<province>(p))};
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        choices += (choices.empty() ? "" : ", ") + name;
        m.emplace(name, static_cast<int>(p));
    }
    return readable(CLI::CheckedTransformer(m, CLI::ignore_case), "province", choices);
}

CLI::CheckedTransformer tax_kind_names() {
    return names<tax_kind, 4>("tax kind", {{{"gst", tax_kind::gst},
                                            {"hst", tax_kind::hst},
                                            {"qst", tax_kind::qst},
                                            {"pst", tax_kind::pst}}});
}

void typed_line_breaks(std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool escape = text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n';
        out += escape ? '\n' : text[i];
        i += escape ? 1 : 0;
    }
    text = std::move(out);
}

i32 parse_percent_arg(const std::string& text) {
    std::string_view t = text;
    if (!t.empty() && t.back() == '%') t.remove_suffix(1);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    const std::size_t point = t.find('.');
    const std::string_view whole = t.substr(0, point);
    const std::string_view fraction = point == std::string_view::npos ? "" : t.substr(point + 1);
    const auto digits = [](std::string_view d) {
        return std::ranges::all_of(d, [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    if (whole.empty() || whole.size() > 3 || !digits(whole) || !digits(fraction) ||
        (point != std::string_view::npos && fraction.empty())) {
        throw CLI::ValidationError("--percent", "'" + text + "' is not a percentage (9.975)");
    }
    if (fraction.size() > 3) {
        throw CLI::ValidationError("--percent", "'" + text +
                                                    "' has more than three decimals: rates are "
                                                    "kept to a thousandth of a percent");
    }
    i32 value = 0;
    for (char ch : whole)
        value = value * 10 + (ch - '0');
    for (std::size_t i = 0; i < 3; ++i)
        value = value * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    if (value > constants::tax_rate_max)
        throw CLI::ValidationError("--percent", "'" + text + "' is above 100 %");
    return value;
}

CLI::CheckedTransformer weekday_names() {
    return names<weekday, 5>("weekday", {{{"monday", weekday::monday},
                                          {"tuesday", weekday::tuesday},
                                          {"wednesday", weekday::wednesday},
                                          {"thursday", weekday::thursday},
                                          {"friday", weekday::friday}}});
}

CLI::CheckedTransformer fee_kind_names() {
    return names<fee_kind, 2>("fee kind",
                              {{{"per-unit", fee_kind::per_unit}, {"flat", fee_kind::flat}}});
}

CLI::CheckedTransformer invoice_status_names() {
    return names<invoice_status, 4>("invoice status", {{{"draft", invoice_status::draft},
                                                        {"issued", invoice_status::issued},
                                                        {"paid", invoice_status::paid},
                                                        {"archived", invoice_status::archived}}});
}

CLI::CheckedTransformer review_action_names() {
    return names<review_action, 3>("review action",
                                   {{{"approve", review_action::approve},
                                     {"reject", review_action::reject},
                                     {"request-changes", review_action::request_changes}}});
}

CLI::CheckedTransformer schedule_mode_names() {
    return names<schedule_mode, 3>("mode", {{{"strict", schedule_mode::strict},
                                             {"override", schedule_mode::override_capacity},
                                             {"auto-split", schedule_mode::auto_split}}});
}

CLI::CheckedTransformer box_action_names() {
    return names<box_action, 3>("action", {{{"confirm", box_action::confirm},
                                            {"skip", box_action::skip},
                                            {"override", box_action::override_shortage}}});
}

CLI::CheckedTransformer stamp_order_status_names() {
    return names<stamp_order_status, 6>(
        "stamp order status", {{{"admin-review", stamp_order_status::admin_review},
                                {"approved", stamp_order_status::approved},
                                {"ordered", stamp_order_status::ordered},
                                {"received", stamp_order_status::received},
                                {"rejected", stamp_order_status::rejected},
                                {"changes-requested", stamp_order_status::changes_requested}}});
}

CLI::CheckedTransformer ledger_kind_names() {
    return names<ledger_kind, 5>("ledger kind", {{{"receipt", ledger_kind::receipt},
                                                  {"usage", ledger_kind::usage},
                                                  {"adjust-verify", ledger_kind::adjust_verify},
                                                  {"refund-verify", ledger_kind::refund_verify},
                                                  {"refund-cancel", ledger_kind::refund_cancel}}});
}

CLI::CheckedTransformer request_status_names() {
    return names<request_status, 3>("request status", {{{"pending", request_status::pending},
                                                        {"approved", request_status::approved},
                                                        {"rejected", request_status::rejected}}});
}

CLI::CheckedTransformer po_status_names() {
    return names<po_status, 5>("PO status",
                               {{{"open", po_status::open},
                                 {"in-production", po_status::in_production},
                                 {"pending-verification", po_status::pending_verification},
                                 {"completed", po_status::completed},
                                 {"cancelled", po_status::cancelled}}});
}

CLI::CheckedTransformer shipment_status_names() {
    return names<shipment_status, 3>("shipment status",
                                     {{{"expected", shipment_status::expected},
                                       {"receiving", shipment_status::receiving},
                                       {"inventoried", shipment_status::inventoried}}});
}

CLI::CheckedTransformer outbound_status_names() {
    return names<outbound_status, 2>("outbound status",
                                     {{{"ready-to-ship", outbound_status::ready_to_ship},
                                       {"shipped", outbound_status::shipped}}});
}

CLI::CheckedTransformer reference_kind_names() {
    return names<proto::ReferenceKind, 5>("reference kind",
                                          {{{"users", proto::ReferenceKind::Users},
                                            {"consignees", proto::ReferenceKind::Consignees},
                                            {"products", proto::ReferenceKind::Products},
                                            {"shipments", proto::ReferenceKind::Shipments},
                                            {"fee-presets", proto::ReferenceKind::FeePresets}}});
}

u32 parse_id_arg(const std::string& text, const char* what) {
    return parse_u32(text, what);
}

day parse_day_arg(const std::string& text) {
    if (text == "none") return no_day;
    const day d = parse_day(text);
    if (d == no_day) throw CLI::ValidationError("date", "'" + text + "' is not YYYY-MM-DD");
    return d;
}

code parse_code_arg(const std::string& text, const char* what) {
    if (!code::fits(text)) {
        throw CLI::ValidationError(what, "at most " + std::to_string(constants::code_size_max) +
                                             " bytes, not " + std::to_string(text.size()));
    }
    return code{text};
}

role_set parse_roles_arg(const std::string& text) {
    role_set roles = 0;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(',', begin), text.size());
        std::string name = text.substr(begin, end - begin);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto r = parse_role(name);
        if (!r) throw CLI::ValidationError("--roles", "no role '" + name + "'");
        roles |= role_bit(*r);
        begin = end + 1;
    }
    return roles;
}

line_input parse_line_arg(const std::string& text) {
    const std::size_t a = text.find(':');
    const std::size_t b = a == std::string::npos ? a : text.find(':', a + 1);
    if (b == std::string::npos) {
        throw CLI::ValidationError("--line", "'" + text + "' is not PRODUCT:REGION:QTY");
    }
    std::string region_name = text.substr(a + 1, b - a - 1);
    for (char& c : region_name)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto r = parse_region(region_name);
    if (!r) throw CLI::ValidationError("--line", "no region '" + region_name + "'");
    return line_input{.product = parse_u32(text.substr(0, a), "--line product"),
                      .stamp_region = *r,
                      .quantity = parse_u32(text.substr(b + 1), "--line quantity")};
}

box_input parse_box_arg(const std::string& text) {
    // The barcode is what comes before the last three colons: a barcode may hold colons.
    std::array<std::size_t, 3> colons{};
    std::size_t end = text.size();
    for (std::size_t i = 0; i < colons.size(); ++i) {
        const std::size_t colon = end == 0 ? std::string::npos : text.rfind(':', end - 1);
        if (colon == std::string::npos || colon == 0) {
            throw CLI::ValidationError("--box",
                                       "'" + text + "' is not BARCODE:PRODUCT:UNITS:DAMAGED");
        }
        colons[colons.size() - 1 - i] = colon;
        end = colon;
    }
    const auto field = [&](std::size_t i) {
        const std::size_t from = colons[i] + 1;
        const std::size_t to = i + 1 < colons.size() ? colons[i + 1] : text.size();
        return text.substr(from, to - from);
    };
    return box_input{.barcode = parse_code_arg(text.substr(0, colons[0]), "--box barcode"),
                     .product = parse_u32(field(0), "--box product"),
                     .units = parse_u32(field(1), "--box units"),
                     .damaged = parse_u32(field(2), "--box damaged")};
}

std::pair<u32, u32> parse_pair_arg(const std::string& text, const char* what) {
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos) {
        throw CLI::ValidationError(what, "'" + text + "' is not A:B");
    }
    return {parse_u32(text.substr(0, colon), what), parse_u32(text.substr(colon + 1), what)};
}

}  // namespace stampd::ctl
