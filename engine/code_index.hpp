// An open-addressing hash index from a code (barcode, SKU, key) to a dense id, for the tables
// that can grow to millions of rows: it stores only 4 bytes a slot and reads the code back from
// the table itself, so a box costs its barcode once. Single-threaded, like all engine state.
#pragma once

#include <cassert>
#include <cstddef>
#include <string_view>
#include <vector>

#include <xxhash.h>

#include "engine/types.hpp"

namespace stampd {

class code_index {
public:
    // code_of(id) returns the code stored for id.
    template <typename CodeOf>
    u32 find(std::string_view key, CodeOf&& code_of) const {
        if (_slots.empty()) return id_none;
        const std::size_t mask = _slots.size() - 1;
        for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
            const u32 id = _slots[i];
            if (id == id_none) return id_none;
            if (code_of(id) == key) return id;
        }
    }

    // The key must not be present yet.
    template <typename CodeOf>
    void insert(std::string_view key, u32 id, CodeOf&& code_of) {
        assert(id != id_none);
        if ((_count + 1) * 4 > _slots.size() * 3) grow(code_of);
        place(key, id);
        ++_count;
    }

    // Makes room for `count` keys at once (a snapshot being loaded knows how many).
    template <typename CodeOf>
    void reserve(std::size_t count, CodeOf&& code_of) {
        std::size_t slots = 64;
        while (count * 4 > slots * 3)
            slots *= 2;
        if (slots > _slots.size()) grow_to(slots, code_of);
    }

    std::size_t size() const { return _count; }
    std::size_t memory_bytes() const { return _slots.capacity() * sizeof(u32); }

private:
    static u64 hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

    void place(std::string_view key, u32 id) {
        const std::size_t mask = _slots.size() - 1;
        std::size_t i = hash(key) & mask;
        while (_slots[i] != id_none)
            i = (i + 1) & mask;
        _slots[i] = id;
    }

    template <typename CodeOf>
    void grow(CodeOf&& code_of) {
        grow_to(_slots.empty() ? 64 : _slots.size() * 2, code_of);
    }

    template <typename CodeOf>
    void grow_to(std::size_t slots, CodeOf&& code_of) {
        std::vector<u32> old = std::move(_slots);
        _slots.assign(slots, id_none);
        for (const u32 id : old) {
            if (id != id_none) place(code_of(id), id);
        }
    }

    std::vector<u32> _slots;  // a power of two in size; id_none marks an empty slot
    std::size_t _count = 0;
};

}  // namespace stampd
