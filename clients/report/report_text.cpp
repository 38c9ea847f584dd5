// See report_text.hpp.
#include "clients/report/report_text.hpp"

#include <cstdio>

namespace stampd::report {
namespace {

std::string group_thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::uint64_t magnitude(std::int64_t n) {
    return n < 0 ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
}

// The Windows-1252 byte of a code point in 0x80–0x9F's typographic block, or 0.
unsigned char win1252_special(char32_t cp) {
    switch (cp) {
        case U'\u20AC':
            return 0x80;  // €
        case U'\u2018':
            return 0x91;
        case U'\u2019':
            return 0x92;
        case U'\u201C':
            return 0x93;
        case U'\u201D':
            return 0x94;
        case U'\u2022':
            return 0x95;  // •
        case U'\u2013':
            return 0x96;  // –
        case U'\u2014':
            return 0x97;  // —
        case U'\u2122':
            return 0x99;
        case U'\u2212':
            return '-';  // minus sign
        default:
            return 0;
    }
}

// GCC 12 warns falsely (-Wrestrict) on `"-" + std::string`: signs are appended instead.
std::string with_sign(std::string_view sign, std::string digits) {
    std::string out{sign};
    out += digits;
    return out;
}

}  // namespace

std::string format_count(std::int64_t n) {
    return with_sign(n < 0 ? "-" : "", group_thousands(magnitude(n)));
}

std::string format_signed_count(std::int64_t n) {
    if (n == 0) return "0";
    return with_sign(n < 0 ? "-" : "+", group_thousands(magnitude(n)));
}

std::string format_cents(std::int64_t cents) {
    const std::uint64_t m = magnitude(cents);
    char fraction[4];
    std::snprintf(fraction, sizeof fraction, ".%02u", static_cast<unsigned>(m % 100));
    return with_sign(cents < 0 ? "-$" : "$", group_thousands(m / 100) + fraction);
}

std::string format_decimal(std::int64_t cents) {
    const std::uint64_t m = magnitude(cents);
    char text[32];
    std::snprintf(text, sizeof text, "%s%llu.%02u", cents < 0 ? "-" : "",
                  static_cast<unsigned long long>(m / 100), static_cast<unsigned>(m % 100));
    return text;
}

std::string format_ml(std::uint32_t microlitres) {
    std::string out = std::to_string(microlitres / 1000);
    if (const std::uint32_t rest = microlitres % 1000; rest != 0) {
        char fraction[8];
        std::snprintf(fraction, sizeof fraction, ".%03u", rest);
        std::string f = fraction;
        while (f.back() == '0')
            f.pop_back();
        out += f;
    }
    return out;
}

std::string format_hex64(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
    return text;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (const char c : fields[i]) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
}

std::string to_win1252(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    // Bounded by the input: each pass consumes at least one byte.
    for (std::size_t i = 0; i < utf8.size();) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        std::size_t length = b < 0x80           ? 1
                             : (b >> 5) == 0x6  ? 2
                             : (b >> 4) == 0xE  ? 3
                             : (b >> 3) == 0x1E ? 4
                                                : 0;
        if (length == 0 || i + length > utf8.size()) {
            out += '?';
            ++i;
            continue;
        }
        char32_t cp = length == 1 ? b : b & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += length;
        if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
            out += static_cast<char>(cp);
        } else if (const unsigned char special = win1252_special(cp); special != 0) {
            out += static_cast<char>(special);
        } else {
            out += '?';
        }
    }
    return out;
}

}  // namespace stampd::report
