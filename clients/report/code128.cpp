// See code128.hpp.
#include "clients/report/code128.hpp"

#include <zint.h>

#include <memory>

namespace stampd::report {
namespace {

struct symbol_deleter {
    void operator()(zint_symbol* symbol) const { ZBarcode_Delete(symbol); }
};

}  // namespace

bool encode_code128(std::string_view data, code128_bars& out, std::string& error) {
    out = {};
    const std::unique_ptr<zint_symbol, symbol_deleter> symbol{ZBarcode_Create()};
    if (!symbol) {
        error = "zint: out of memory";
        return false;
    }
    symbol->symbology = BARCODE_CODE128;
    symbol->show_hrt = 0;  // the document prints the text itself, in its own font
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    if (ZBarcode_Encode(symbol.get(), bytes, static_cast<int>(data.size())) >= ZINT_ERROR ||
        ZBarcode_Buffer_Vector(symbol.get(), 0) >= ZINT_ERROR || symbol->vector == nullptr ||
        symbol->width <= 0) {
        error = "cannot print '" + std::string{data} + "' as Code 128: " + symbol->errtxt;
        return false;
    }
    // zint's vector units are a fixed multiple of the module (2 at scale 1): the symbol's
    // width in both gives it.
    const float unit = symbol->vector->width / static_cast<float>(symbol->width);
    out.width = static_cast<float>(symbol->width);
    // Bounded by the symbol: one rectangle a bar, at most a few hundred.
    for (const zint_vector_rect* r = symbol->vector->rectangles; r != nullptr; r = r->next) {
        out.bars.push_back(r->x / unit);
        out.bars.push_back(r->width / unit);
    }
    return true;
}

}  // namespace stampd::report
