// A short identifier held inline (barcodes, SKUs, consignee codes, PO numbers): at most
// constants::code_size_max bytes, so a command carrying one never allocates.
#pragma once

#include <array>
#include <cassert>
#include <cstring>
#include <string_view>

#include "engine/constants.hpp"
#include "engine/types.hpp"

namespace stampd {

class code {
public:
    code() = default;
    // Callers check the size where data enters; longer text is a bug here.
    explicit code(std::string_view text) {
        assert(fits(text));
        _size = static_cast<u8>(text.size());
        std::memcpy(_bytes.data(), text.data(), text.size());
    }

    static bool fits(std::string_view text) { return text.size() <= constants::code_size_max; }

    std::string_view view() const { return {_bytes.data(), _size}; }
    bool empty() const { return _size == 0; }
    std::size_t size() const { return _size; }

    friend bool operator==(const code& a, const code& b) { return a.view() == b.view(); }

private:
    std::array<char, constants::code_size_max> _bytes{};
    u8 _size = 0;
};

}  // namespace stampd
