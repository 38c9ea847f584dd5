// A small JSON value and writer for the command-line clients (`--json`): objects keep their
// keys in insertion order, strings are escaped per RFC 8259 (quotes, backslash, control
// characters as \uXXXX; other bytes, UTF-8 included, pass through). No parser: clients only
// ever write JSON. Plain values; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace stampd::json {

struct value;
using array = std::vector<value>;
using member = std::pair<std::string, value>;
using object = std::vector<member>;

struct value {
    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, array,
                 object>
        data = nullptr;

    value() = default;
    value(std::nullptr_t) {}
    value(bool b) : data(b) {}
    value(std::int64_t i) : data(i) {}
    value(std::uint64_t u) : data(u) {}
    value(double d) : data(d) {}
    value(std::string s) : data(std::move(s)) {}
    value(std::string_view s) : data(std::string(s)) {}
    value(const char* s) : data(std::string(s)) {}
    value(array a) : data(std::move(a)) {}
    value(object o) : data(std::move(o)) {}

    bool is_null() const { return std::holds_alternative<std::nullptr_t>(data); }
    const object* as_object() const { return std::get_if<object>(&data); }
    object* as_object() { return std::get_if<object>(&data); }
    const array* as_array() const { return std::get_if<array>(&data); }
    array* as_array() { return std::get_if<array>(&data); }
    const std::string* as_string() const { return std::get_if<std::string>(&data); }
    bool is_scalar() const { return as_object() == nullptr && as_array() == nullptr; }
};

// The member `key` of an object, or nullptr.
inline const value* find(const object& o, std::string_view key) {
    for (const member& m : o)
        if (m.first == key) return &m.second;
    return nullptr;
}
inline value* find(object& o, std::string_view key) {
    for (member& m : o)
        if (m.first == key) return &m.second;
    return nullptr;
}

// The text of a JSON string literal, quotes included.
inline void write_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 15];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// Compact JSON, one line.
inline void write(std::string& out, const value& v) {
    struct visitor {
        std::string& out;
        void operator()(std::nullptr_t) const { out += "null"; }
        void operator()(bool b) const { out += b ? "true" : "false"; }
        void operator()(std::int64_t i) const { out += std::to_string(i); }
        void operator()(std::uint64_t u) const { out += std::to_string(u); }
        void operator()(double d) const { out += std::to_string(d); }
        void operator()(const std::string& s) const { write_string(out, s); }
        void operator()(const array& a) const {
            out += '[';
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (i > 0) out += ',';
                write(out, a[i]);
            }
            out += ']';
        }
        void operator()(const object& o) const {
            out += '{';
            for (std::size_t i = 0; i < o.size(); ++i) {
                if (i > 0) out += ',';
                write_string(out, o[i].first);
                out += ':';
                write(out, o[i].second);
            }
            out += '}';
        }
    };
    std::visit(visitor{out}, v.data);
}

inline std::string to_string(const value& v) {
    std::string out;
    write(out, v);
    return out;
}

}  // namespace stampd::json
