// How reports write figures: money from integer cents ("$1,234.56", "-$0.50"), counts with
// thousands separators ("42,150"), basis points as percent ("13.00 %"), microlitres as mL,
// CSV fields (RFC 4180: every field quoted, quotes doubled), and UTF-8 text turned into the
// Windows-1252 bytes of the PDF's standard fonts. Pure functions; any thread.
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

// Windows-1252 for the PDF's base-14 fonts: Latin-1 letters (Québec, Montréal) and the
// typographic signs those fonts hold map across; anything else becomes '?'.
std::string to_win1252(std::string_view utf8);

}  // namespace stampd::report
