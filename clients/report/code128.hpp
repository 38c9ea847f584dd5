// A barcode as Code 128 bars (zint): what a packing list prints so that a scanner at the dock
// reads the box's barcode back. Pure function; any thread (zint keeps no global state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stampd::report {

struct code128_bars {
    std::vector<float> bars;  // pairs of (left edge, width), in modules from the symbol's start
    float width = 0;          // the symbol's width in modules, quiet zones excluded
};

// False with zint's reason in `error` when `data` cannot be encoded (empty, too long).
bool encode_code128(std::string_view data, code128_bars& out, std::string& error);

}  // namespace stampd::report
