// A strict JSON reader for the stampctl tests: does `--json` output parse, and what does it hold?
// Recursive descent over RFC 8259 (objects, arrays, strings with every escape, numbers, literals),
// producing the clients' own json::value. Test code only; single thread.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "clients/lib/json.hpp"

namespace stampd::testing {

class json_reader {
public:
    explicit json_reader(std::string_view text) : _text(text) {}

    // The one value `text` holds (surrounding whitespace allowed), or nothing.
    std::optional<json::value> parse() {
        json::value v;
        if (!value(v, 0)) return std::nullopt;
        space();
        if (_at != _text.size()) return std::nullopt;
        return v;
    }

private:
    static constexpr int depth_max = 64;

    void space() {
        while (_at < _text.size() && (_text[_at] == ' ' || _text[_at] == '\t' ||
                                      _text[_at] == '\n' || _text[_at] == '\r'))
            ++_at;
    }
    bool eat(char c) {
        space();
        if (_at < _text.size() && _text[_at] == c) {
            ++_at;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (_text.substr(_at, word.size()) != word) return false;
        _at += word.size();
        return true;
    }

    bool value(json::value& out, int depth) {
        if (depth > depth_max) return false;
        space();
        if (_at >= _text.size()) return false;
        const char c = _text[_at];
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            std::string s;
            if (!string(s)) return false;
            out = std::move(s);
            return true;
        }
        if (literal("true")) return out = true, true;
        if (literal("false")) return out = false, true;
        if (literal("null")) return out = nullptr, true;
        return number(out);
    }

    bool object(json::value& out, int depth) {
        ++_at;
        json::object o;
        if (eat('}')) return out = std::move(o), true;
        do {
            space();
            std::string key;
            if (!string(key) || !eat(':')) return false;
            json::value v;
            if (!value(v, depth + 1)) return false;
            o.emplace_back(std::move(key), std::move(v));
        } while (eat(','));
        if (!eat('}')) return false;
        out = std::move(o);
        return true;
    }

    bool array(json::value& out, int depth) {
        ++_at;
        json::array a;
        if (eat(']')) return out = std::move(a), true;
        do {
            json::value v;
            if (!value(v, depth + 1)) return false;
            a.push_back(std::move(v));
        } while (eat(','));
        if (!eat(']')) return false;
        out = std::move(a);
        return true;
    }

    bool string(std::string& out) {
        if (_at >= _text.size() || _text[_at] != '"') return false;
        ++_at;
        while (_at < _text.size()) {
            const char c = _text[_at++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return false;  // must be escaped
            if (c != '\\') {
                out += c;
                continue;
            }
            if (_at >= _text.size()) return false;
            const char e = _text[_at++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    if (_at + 4 > _text.size()) return false;
                    const unsigned code =
                        std::stoul(std::string(_text.substr(_at, 4)), nullptr, 16);
                    _at += 4;
                    if (code >= 0x80) return false;  // the writer only escapes ASCII controls
                    out += static_cast<char>(code);
                    break;
                }
                default:
                    return false;
            }
        }
        return false;
    }

    bool number(json::value& out) {
        const std::size_t begin = _at;
        if (_at < _text.size() && _text[_at] == '-') ++_at;
        while (_at < _text.size() &&
               (std::isdigit(static_cast<unsigned char>(_text[_at])) || _text[_at] == '.'))
            ++_at;
        const std::string digits(_text.substr(begin, _at - begin));
        if (digits.empty() || digits == "-") return false;
        if (digits.find('.') != std::string::npos) {
            out = std::stod(digits);
        } else if (digits.front() == '-') {
            out = static_cast<std::int64_t>(std::stoll(digits));
        } else {
            out = static_cast<std::uint64_t>(std::stoull(digits));
        }
        return true;
    }

    std::string_view _text;
    std::size_t _at = 0;
};

}  // namespace stampd::testing
