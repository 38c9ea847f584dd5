// See readable.hpp.
#include "clients/stampctl/readable.hpp"

#include "engine/calendar_time.hpp"
#include "engine/tax.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

namespace stampd::ctl {
namespace {

bool says_cents(std::string_view name) {
    return name.find("cents") != std::string_view::npos;
}

// An invoice line's money (InvoiceLine in engine/codec/events.fbs) that does not say cents.
bool is_line_duty(std::string_view name) {
    return name == "duty_per_unit" || name == "line_duty";
}

// "amount_cents" → "amount", "duty_cents_per_increment" → "duty_per_increment".
std::string without_cents(std::string name) {
    for (const std::string_view unit : {"_cents", "cents_"}) {
        if (const std::size_t at = name.find(unit); at != std::string::npos) {
            name.erase(at, unit.size());
            return name;
        }
    }
    return name;
}

// The integer a figure holds, if it holds one.
bool integer_of(const json::value& v, std::int64_t& out) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return out = *i, true;
    if (const auto* u = std::get_if<std::uint64_t>(&v.data)) {
        out = static_cast<std::int64_t>(*u);
        return true;
    }
    return false;
}

void walk(json::value& v, bool all_money);

// Tax rates (TaxRates, thousandths of a percent) as "9.975 %"; the settings' list, one per
// province in the schema's order, with each row's province named.
void rates_as_percent(json::value& v, bool per_province) {
    if (json::array* a = v.as_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) {
            rates_as_percent((*a)[i], false);
            json::object* row = (*a)[i].as_object();
            if (per_province && row != nullptr && a->size() == province_count) {
                row->insert(row->begin(),
                            {"province", std::string{to_string(static_cast<province>(i))}});
            }
        }
        return;
    }
    if (json::object* o = v.as_object()) {
        for (json::member& m : *o) {
            std::int64_t rate = 0;
            if (integer_of(m.second, rate)) m.second = rate_text(static_cast<i32>(rate));
        }
    }
}

// A member holding money: its integer as dollars, its rows' figures as dollars, its name plain.
void member_as_money(json::member& m) {
    std::int64_t cents = 0;
    if (integer_of(m.second, cents)) {
        m.second = dollars(cents);
    } else {
        walk(m.second, true);
    }
    m.first = without_cents(std::move(m.first));
}

// all_money: every integer figure below is money (a totals object; a per-region figure under a
// cents name), except what names a region or an id.
void walk(json::value& v, bool all_money) {
    if (json::array* a = v.as_array()) {
        for (json::value& e : *a)
            walk(e, all_money);
        return;
    }
    json::object* o = v.as_object();
    if (o == nullptr) return;
    for (json::member& m : *o) {
        std::int64_t ignored = 0;
        const bool figure = integer_of(m.second, ignored);
        if (says_cents(m.first) || is_line_duty(m.first) ||
            (all_money && figure && m.first != "region")) {
            member_as_money(m);
            // A per-region figure's field is named for stamps; under a cents name it is money.
            if (all_money && m.first == "stamps") m.first = "amount";
        } else if (m.first == "rates" || m.first == "tax_rates") {
            rates_as_percent(m.second, m.first == "tax_rates");
        } else {
            walk(m.second, m.first == "totals" || m.first == "taxes");
        }
    }
}

// The fields of the protocol's views (net/protocol/protocol.fbs) that hold another object's id.
std::optional<referent> referent_of(std::string_view field) {
    static constexpr std::array<std::pair<std::string_view, referent>, 14> fields = {{
        {"po", referent::po},
        {"parent", referent::po},
        {"segments", referent::po},
        {"invoice", referent::invoice},
        {"credit_of", referent::invoice},
        {"consignee", referent::consignee},
        {"shipment", referent::shipment},
        {"product", referent::product},
        {"started_by", referent::user},
        {"verified_by", referent::user},
        {"submitted_by", referent::user},
        {"shipped_by", referent::user},
        {"outbound", referent::outbound},
        {"user", referent::user},
    }};
    for (const auto& [name, kind] : fields)
        if (name == field) return kind;
    return std::nullopt;
}

// An id as "NUMBER (id)", or left as it is.
void name_id(json::value& v, referent kind, const namer& name) {
    std::int64_t id = 0;
    if (!integer_of(v, id) || id <= 0 || id > static_cast<std::int64_t>(UINT32_MAX)) return;
    const std::string number = name(kind, static_cast<std::uint32_t>(id));
    if (!number.empty()) v = number + " (" + std::to_string(id) + ")";
}

void name_references(json::value& v, const namer& name) {
    if (json::array* a = v.as_array()) {
        for (json::value& e : *a)
            name_references(e, name);
        return;
    }
    json::object* o = v.as_object();
    if (o == nullptr) return;
    for (json::member& m : *o) {
        const std::optional<referent> kind = referent_of(m.first);
        if (!kind) {
            name_references(m.second, name);
        } else if (json::array* ids = m.second.as_array()) {
            for (json::value& id : *ids)
                name_id(id, *kind, name);
        } else {
            name_id(m.second, *kind, name);
        }
    }
}

}  // namespace

std::string utc_text(std::int64_t time_us) {
    constexpr std::int64_t us_per_day = 86'400'000'000;
    std::int64_t days = time_us / us_per_day, rest = time_us % us_per_day;
    if (rest < 0) {
        --days;
        rest += us_per_day;
    }
    const std::int64_t seconds = rest / 1'000'000;
    char clock[16];
    std::snprintf(clock, sizeof clock, "%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
    return format_day(static_cast<day>(days)) + " " + clock + " UTC";
}

void instants_as_text(json::value& v) {
    if (json::array* a = v.as_array()) {
        for (json::value& e : *a)
            instants_as_text(e);
        return;
    }
    json::object* o = v.as_object();
    if (o == nullptr) return;
    for (json::member& m : *o) {
        std::int64_t us = 0;
        const bool instant = m.first.size() > 3 && m.first.ends_with("_us");
        if (instant && integer_of(m.second, us)) {
            m.first.resize(m.first.size() - 3);
            m.second = us == 0 ? std::string{"-"} : utc_text(us);
        } else {
            instants_as_text(m.second);
        }
    }
}

std::string name_ids_in(const std::string& text, const namer& name) {
    // The kinds a confirmation mentions, longest first so that none is another's prefix.
    static constexpr std::array<std::pair<std::string_view, referent>, 7> kinds = {{
        {"credit note", referent::invoice},
        {"consignee", referent::consignee},
        {"shipment", referent::shipment},
        {"product", referent::product},
        {"invoice", referent::invoice},
        {"user", referent::user},
        {"PO", referent::po},
    }};
    const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        bool named = false;
        for (const auto& [kind, r] : kinds) {
            if (i > 0 && word_char(text[i - 1])) break;
            if (text.compare(i, kind.size(), kind) != 0) continue;
            std::size_t at = i + kind.size();
            if (at >= text.size() || text[at] != ' ') continue;
            const std::size_t first = ++at;
            while (at < text.size() && digit(text[at]) && at - first < 10)
                ++at;
            if (at == first || (at < text.size() && word_char(text[at]))) continue;
            const std::string id = text.substr(first, at - first);
            const unsigned long long value = std::stoull(id);
            const std::string number =
                value <= UINT32_MAX ? name(r, static_cast<std::uint32_t>(value)) : "";
            // "PO PO-000012" says PO twice: a number that starts with its kind stands alone.
            if (number.empty()) {
                out += std::string{kind} + " " + id;
            } else if (number.starts_with(std::string{kind} + "-")) {
                out += number + " (" + id + ")";
            } else {
                out += std::string{kind} + " " + number + " (" + id + ")";
            }
            i = at;
            named = true;
            break;
        }
        if (!named) out += text[i++];
    }
    return out;
}

void references_by_number(json::value& reply, const namer& name) {
    name_references(reply, name);
}

std::string dollars(std::int64_t cents) {
    const bool negative = cents < 0;
    // Unsigned, so that the most negative figure has a magnitude too.
    const std::uint64_t magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents)
                                             : static_cast<std::uint64_t>(cents);
    const std::string digits = std::to_string(magnitude / 100);
    std::string whole;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) whole += ',';
        whole += digits[i];
    }
    const std::uint64_t part = magnitude % 100;
    return std::string{negative ? "-$" : "$"} + whole + "." + (part < 10 ? "0" : "") +
           std::to_string(part);
}

void money_as_dollars(json::value& v) {
    walk(v, false);
}

void boxes_by_barcode(json::object& run_queue) {
    json::value* items = json::find(run_queue, "items");
    json::value* barcodes = json::find(run_queue, "barcodes");
    if (items == nullptr || barcodes == nullptr || items->as_array() == nullptr ||
        barcodes->as_array() == nullptr ||
        items->as_array()->size() != barcodes->as_array()->size())
        return;
    json::array& rows = *items->as_array();
    json::array& labels = *barcodes->as_array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        json::object* row = rows[i].as_object();
        if (row == nullptr) continue;
        std::erase_if(*row, [](const json::member& m) { return m.first == "box"; });
        row->insert(row->begin(), json::member{"barcode", std::move(labels[i])});
    }
    std::erase_if(run_queue, [](const json::member& m) { return m.first == "barcodes"; });
}

}  // namespace stampd::ctl
