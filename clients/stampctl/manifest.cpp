// The manifest's CSV (manifest.hpp): one pass over the lines, fields split with RFC 4180
// quoting, every error kept with its line and column.
#include "clients/stampctl/manifest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <unordered_map>

#include "engine/constants.hpp"

namespace stampd::ctl {
namespace {

enum column : u8 { col_barcode, col_sku, col_units, col_damaged, column_count };
constexpr std::array<std::string_view, column_count> column_names = {"barcode", "sku", "units",
                                                                     "damaged"};

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// A line's fields: unquoted ones trimmed, quoted ones as written ("" is one quote). Returns why
// the line cannot be split, or "".
std::string split_fields(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    std::size_t at = 0;
    for (;;) {
        std::string field;
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
            ++at;
        if (at < line.size() && line[at] == '"') {
            ++at;
            for (;;) {
                if (at >= line.size()) return "a quoted field has no closing quote";
                if (line[at] == '"') {
                    if (at + 1 < line.size() && line[at + 1] == '"') {
                        field += '"';
                        at += 2;
                        continue;
                    }
                    ++at;
                    break;
                }
                field += line[at++];
            }
            while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
                ++at;
            if (at < line.size() && line[at] != ',') return "text after a quoted field's quote";
        } else {
            const std::size_t comma = std::min(line.find(',', at), line.size());
            field = std::string{trimmed(line.substr(at, comma - at))};
            if (field.find('"') != std::string::npos) return "a quote inside an unquoted field";
            at = comma;
        }
        fields.push_back(std::move(field));
        if (at >= line.size()) return "";
        ++at;  // the comma
    }
}

// What a barcode or SKU may be: 1 to code_size_max bytes, no control characters.
std::string code_problem(std::string_view text) {
    if (text.empty()) return "is empty";
    if (text.size() > constants::code_size_max) {
        return "has " + std::to_string(text.size()) + " bytes, at most " +
               std::to_string(constants::code_size_max);
    }
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) return "holds a control character";
    }
    return "";
}

std::optional<u32> number(std::string_view text) {
    u32 value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

class parser {
public:
    manifest out;

    // Room for `rows` rows at once (a million rows would otherwise rehash and move ~20 times).
    void expect(std::size_t rows) {
        out.rows.reserve(rows);
        _seen.reserve(rows);
    }

    // The header (the first line that is not blank): each column once. False if it is bad.
    bool header(u32 line_number, std::string_view line) {
        _header_line = line_number;
        std::vector<std::string> names;
        if (const std::string why = split_fields(line, names); !why.empty()) {
            return fail_header(why);
        }
        _at.fill(-1);
        for (std::size_t i = 0; i < names.size(); ++i) {
            std::string name = names[i];
            for (char& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const auto known = std::ranges::find(column_names, name);
            if (known == column_names.end())
                return fail_header("unknown column '" + names[i] + "'");
            const auto which = static_cast<std::size_t>(known - column_names.begin());
            if (_at[which] != -1) return fail_header("column '" + name + "' twice");
            _at[which] = static_cast<int>(i);
        }
        for (std::size_t c = 0; c < column_count; ++c) {
            if (_at[c] == -1)
                return fail_header("no column '" + std::string{column_names[c]} + "'");
        }
        _columns = names.size();
        return true;
    }

    void row(u32 line_number, std::string_view line) {
        ++out.data_rows;
        if (const std::string why = split_fields(line, _fields); !why.empty()) {
            return error(line_number, "", "BAD_ROW", why);
        }
        if (_fields.size() != _columns) {
            return error(line_number, "", "BAD_ROW",
                         std::to_string(_fields.size()) + " fields, the header has " +
                             std::to_string(_columns));
        }
        const std::string& barcode = field(col_barcode);
        const std::string& sku = field(col_sku);
        bool good = true;
        if (const std::string why = code_problem(barcode); !why.empty()) {
            error(line_number, "barcode", "BAD_BARCODE", "the barcode " + why);
            good = false;
        }
        if (const std::string why = code_problem(sku); !why.empty()) {
            error(line_number, "sku", "BAD_SKU", "the SKU " + why);
            good = false;
        }
        const std::optional<u32> units = number(field(col_units));
        if (!units || *units == 0 || *units > constants::units_per_box_max) {
            error(line_number, "units", "BAD_UNITS",
                  "units '" + field(col_units) + "': a whole number from 1 to " +
                      std::to_string(constants::units_per_box_max));
            good = false;
        }
        // An empty damaged is none damaged.
        const std::optional<u32> damaged =
            field(col_damaged).empty() ? std::optional<u32>{0} : number(field(col_damaged));
        if (!damaged) {
            error(line_number, "damaged", "BAD_DAMAGED",
                  "damaged '" + field(col_damaged) + "': a whole number from 0 to the units");
            good = false;
        } else if (units && *damaged > *units) {
            error(line_number, "damaged", "BAD_DAMAGED",
                  "damaged " + std::to_string(*damaged) + " is more than the box's " +
                      std::to_string(*units) + " units");
            good = false;
        }
        if (code_problem(barcode).empty()) {
            const auto [first, fresh] = _seen.try_emplace(barcode, line_number);
            if (!fresh) {
                error(
                    line_number, "barcode", "DUPLICATE_BARCODE",
                    "barcode " + barcode + " is on line " + std::to_string(first->second) + " too");
                good = false;
            }
        }
        if (!good) return;
        out.rows.push_back(manifest_row{.line = line_number,
                                        .barcode = code{barcode},
                                        .sku = code{sku},
                                        .units = *units,
                                        .damaged = *damaged});
    }

private:
    const std::string& field(column c) const { return _fields[static_cast<std::size_t>(_at[c])]; }

    bool fail_header(const std::string& why) {
        error(_header_line, "", "BAD_HEADER",
              why + "; the first line must name the columns: " + std::string{manifest_header});
        return false;
    }
    void error(u32 line, std::string column, std::string code, std::string message) {
        out.errors.push_back(manifest_error{.line = line,
                                            .column = std::move(column),
                                            .code = std::move(code),
                                            .message = std::move(message)});
    }

    u32 _header_line = 1;
    std::array<int, column_count> _at{};
    std::size_t _columns = 0;
    std::vector<std::string> _fields;
    std::unordered_map<std::string, u32> _seen;
};

}  // namespace

manifest parse_manifest(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    parser p;
    p.expect(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    u32 line_number = 0;
    bool header_seen = false;
    while (!text.empty()) {
        const std::size_t newline = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(std::min(newline + 1, text.size()));
        ++line_number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (trimmed(line).empty()) continue;
        if (!header_seen) {
            header_seen = true;
            // Rows cannot be read without their columns.
            if (!p.header(line_number, line)) return std::move(p.out);
            continue;
        }
        p.row(line_number, line);
    }
    if (!header_seen) {
        p.out.errors.push_back(
            {1, "", "BAD_HEADER",
             "the file is empty; it must start with " + std::string{manifest_header}});
    } else if (p.out.data_rows == 0) {
        p.out.errors.push_back({1, "", "NO_ROWS", "the file names its columns but holds no box"});
    }
    return std::move(p.out);
}

void sort_errors(std::vector<manifest_error>& errors) {
    const auto rank = [](const std::string& column) {
        const auto at = std::ranges::find(column_names, column);
        return at == column_names.end() ? -1 : static_cast<int>(at - column_names.begin());
    };
    std::stable_sort(errors.begin(), errors.end(),
                     [&](const manifest_error& a, const manifest_error& b) {
                         if (a.line != b.line) return a.line < b.line;
                         return rank(a.column) < rank(b.column);
                     });
}

}  // namespace stampd::ctl
