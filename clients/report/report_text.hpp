// How reports write figures: money from integer cents ("$1,234.56", "-$0.50"), counts with
// thousands separators ("42,150"), basis points as percent ("13.00 %"), microlitres as mL,
// CSV fields (RFC 4180: every field quoted, quotes doubled), and text made valid UTF-8 for the
// PDF's embedded Unicode font. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampd::report {

std::string format_count(std::int64_t n);
std::string format_signed_count(std::int64_t n);   // "+37,500", "-4,200", "0"
std::string format_cents(std::int64_t cents);      // "$1,234.56"
std::string format_decimal(std::int64_t cents);    // "1234.56", for CSV and JSON
std::string format_ml(std::uint32_t microlitres);  // "15", "2.5": millilitres
std::string format_hex64(std::uint64_t value);     // "0x0123456789abcdef"

// One CSV record: fields quoted, separated by commas, ended by CRLF (RFC 4180).
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// The length of the UTF-8 sequence at `at` (1–4), or 0 when it is not one (a stray or cut
// byte, an overlong form, a surrogate).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// `text` as valid UTF-8: each byte that is not part of a sequence becomes U+FFFD, and a control
// character (tab, newline) a space. What the PDF's font draws.
std::string valid_utf8(std::string_view text);

}  // namespace stampd::report
