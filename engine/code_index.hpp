// An open-addressing hash index from a code (barcode, SKU, key) to a dense id, for the tables
// that can grow to millions of rows: it stores only 4 bytes a slot and reads the code back from
// the table itself, so a box costs its barcode once. Ids fit 29 bits (constants::boxes_max is
// 2^28): a slot's top 3 bits hold 3 bits of its key's hash, so a probe reads a code back (a cache
// miss into the table) for one in 8 of the slots that are not its key — a miss, the common case
// of receiving, probes ~8 slots at 3/4 full. Single-threaded, like all engine state.
#pragma once

#include <cassert>
#include <cstddef>
#include <string_view>
#include <vector>

#include <xxhash.h>

#include "engine/constants.hpp"
#include "engine/types.hpp"

namespace stampd {

class code_index {
public:
    // code_of(id) returns the code stored for id.
    template <typename CodeOf>
    u32 find(std::string_view key, CodeOf&& code_of) const {
        if (_slots.empty()) return id_none;
        const std::size_t mask = _slots.size() - 1;
        const u64 h = hash(key);
        const u32 tag = tag_of(h);
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const u32 slot = _slots[i];
            if (slot == id_none) return id_none;
            if ((slot & ~id_mask) == tag && code_of(slot & id_mask) == key) return slot & id_mask;
        }
    }

    // The key must not be present yet.
    template <typename CodeOf>
    void insert(std::string_view key, u32 id, CodeOf&& code_of) {
        assert(id != id_none && id <= id_mask);
        if ((_count + 1) * 4 > _slots.size() * 3) grow(code_of);
        place(key, id);
        _dense = _dense && id == _count + 1;
        ++_count;
    }

    // Ids _count+1..count indexed at once, for a table whose ids are 1..count and whose codes
    // were stored without being indexed (a replay, which decides nothing and so looks nothing
    // up): one pass over the codes in order instead of one cache miss a key.
    template <typename CodeOf>
    void index_up_to(std::size_t count, CodeOf&& code_of) {
        assert(_dense && count >= _count);
        if (count == _count) return;
        std::size_t slots = _slots.empty() ? 64 : _slots.size();
        while (count * 4 > slots * 3)
            slots *= 2;
        const std::size_t first = _count + 1;
        _count = count;
        if (slots > _slots.size()) {
            grow_to(slots, code_of);  // every id, 1..count
        } else {
            place_dense(first, count, code_of);
        }
    }

    std::size_t size() const { return _count; }
    std::size_t memory_bytes() const { return _slots.capacity() * sizeof(u32); }

private:
    static constexpr u32 id_bits = 29;
    static_assert(constants::boxes_max < (u32{1} << id_bits), "ids leave the tag's bits free");
    static constexpr u32 id_mask = (u32{1} << id_bits) - 1;
    static u64 hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }
    // The hash's top 3 bits, where a slot keeps them (the slot's index uses its low bits).
    static u32 tag_of(u64 h) { return static_cast<u32>(h >> 61) << id_bits; }

    void place(std::string_view key, u32 id) {
        const u64 h = hash(key);
        const std::size_t mask = _slots.size() - 1;
        std::size_t i = h & mask;
        while (_slots[i] != id_none)
            i = (i + 1) & mask;
        _slots[i] = id | tag_of(h);
    }

    template <typename CodeOf>
    void grow(CodeOf&& code_of) {
        grow_to(_slots.empty() ? 64 : _slots.size() * 2, code_of);
    }

    // Every key placed again: in id order when the ids are dense (place_dense), else in slot
    // order.
    template <typename CodeOf>
    void grow_to(std::size_t slots, CodeOf&& code_of) {
        std::vector<u32> old = std::move(_slots);
        _slots.assign(slots, id_none);
        if (_dense) {
            old = {};
            place_dense(1, _count, code_of);
            return;
        }
        for (const u32 slot : old) {
            if (slot != id_none) place(code_of(slot & id_mask), slot & id_mask);
        }
    }

    // Ids first..last placed, in id order: the codes come from their table in sequence rather
    // than one cache miss each, and each key's slot is prefetched `ahead` keys before it is
    // probed, so the misses on the slots overlap instead of following one another.
    template <typename CodeOf>
    void place_dense(std::size_t first, std::size_t last, CodeOf&& code_of) {
        constexpr std::size_t ahead = 16;  // a power of two
        const std::size_t mask = _slots.size() - 1;
        u64 hashes[ahead] = {};
        for (std::size_t id = first; id <= last + ahead; ++id) {
            if (id >= first + ahead) {
                const std::size_t placed = id - ahead;
                const u64 h = hashes[placed % ahead];
                std::size_t i = h & mask;
                while (_slots[i] != id_none)
                    i = (i + 1) & mask;
                _slots[i] = static_cast<u32>(placed) | tag_of(h);
            }
            if (id <= last) {
                const u64 h = hash(code_of(static_cast<u32>(id)));
                hashes[id % ahead] = h;
                __builtin_prefetch(&_slots[h & mask], 1);
            }
        }
    }

    std::vector<u32> _slots;  // a power of two in size; id_none marks an empty slot
    std::size_t _count = 0;
    bool _dense = true;  // the ids inserted are 1.._count, in that order
};

}  // namespace stampd
