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

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
    const auto b = static_cast<unsigned char>(text[at]);
    const std::size_t length = b < 0x80           ? 1
                               : (b >> 5) == 0x6  ? 2
                               : (b >> 4) == 0xE  ? 3
                               : (b >> 3) == 0x1E ? 4
                                                  : 0;
    if (length == 0 || at + length > text.size()) return 0;
    char32_t cp = length == 1 ? b : b & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and what lies past U+10FFFF are not UTF-8.
    constexpr char32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
    return length;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    // Bounded by the input: each pass consumes at least one byte.
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++i;
            continue;
        }
        const auto b = static_cast<unsigned char>(text[i]);
        // Control characters would print as boxes: a tab or a newline is a space here.
        out += length == 1 && b < 0x20 ? ' ' : text[i];
        out.append(text.substr(i + 1, length - 1));
        i += length;
    }
    return out;
}

}  // namespace stampd::report
