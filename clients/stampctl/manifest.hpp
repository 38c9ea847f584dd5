// An advance shipping notice as `stampctl import-shipment` reads it: CSV (RFC 4180 quoting, LF
// or CRLF, an optional UTF-8 byte order mark), a header naming the columns barcode, sku, units
// and damaged (in any order, each once), then one box a row. parse_manifest checks what the file
// alone can say — the header, each field's syntax and range, a barcode given twice — and keeps
// every error with its line and column; the references (SKUs, barcodes already received) are
// checked against stampd by import_shipment.cpp. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/code.hpp"
#include "engine/types.hpp"

namespace stampd::ctl {

struct manifest_row {
    u32 line = 0;  // 1 is the header
    code barcode;
    code sku;
    u32 units = 0;
    u32 damaged = 0;
};

// One bad row (or header): where, which column ("" for the whole row), a code a script can
// match (BAD_BARCODE, UNKNOWN_SKU, ...) and one line a person can act on, with the figures.
struct manifest_error {
    u32 line = 0;
    std::string column;
    std::string code;
    std::string message;
};

struct manifest {
    std::vector<manifest_row> rows;  // the rows with no error of their own, in file order
    std::vector<manifest_error> errors;
    u32 data_rows = 0;  // rows after the header, blank lines not counted
};

inline constexpr std::string_view manifest_header = "barcode,sku,units,damaged";

manifest parse_manifest(std::string_view text);

// Sorts errors by line, then column order (barcode, sku, units, damaged).
void sort_errors(std::vector<manifest_error>& errors);

}  // namespace stampd::ctl
