// An append-only array of plain values stored in fixed-size chunks: appending never moves what is
// already stored and allocates once per chunk, not once per element, so the confirm path stays
// allocation-free and resident memory follows the element count without a doubling's slack.
// Single-threaded, like all engine state.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace stampd {

template <typename T, std::size_t ChunkShift = 16>
class chunked_vector {
    static_assert(std::is_trivially_copyable_v<T>, "chunks hold plain values");

public:
    static constexpr std::size_t chunk_size = std::size_t{1} << ChunkShift;

    std::size_t size() const { return _size; }
    bool empty() const { return _size == 0; }

    T& operator[](std::size_t i) {
        assert(i < _size);
        return _chunks[i >> ChunkShift][i & (chunk_size - 1)];
    }
    const T& operator[](std::size_t i) const {
        assert(i < _size);
        return _chunks[i >> ChunkShift][i & (chunk_size - 1)];
    }
    const T& back() const { return (*this)[_size - 1]; }

    // Returns the index of the new element.
    std::size_t push_back(const T& value) {
        if ((_size & (chunk_size - 1)) == 0 && (_size >> ChunkShift) == _chunks.size()) {
            // Not value-initialised: a chunk's pages become resident only as they are written.
            _chunks.push_back(std::make_unique_for_overwrite<T[]>(chunk_size));
        }
        const std::size_t i = _size++;
        _chunks[i >> ChunkShift][i & (chunk_size - 1)] = value;
        return i;
    }

    // Appends `count` values that fit in what is left of the last chunk (the caller pads first:
    // state's barcodes never straddle two chunks). One copy instead of a push_back each.
    // Returns the index of the first.
    std::size_t append_in_chunk(const T* values, std::size_t count) {
        const std::size_t used = _size & (chunk_size - 1);
        assert(count <= chunk_size - used || (used == 0 && count <= chunk_size));
        if (count == 0) return _size;
        if (used == 0 && (_size >> ChunkShift) == _chunks.size()) {
            _chunks.push_back(std::make_unique_for_overwrite<T[]>(chunk_size));
        }
        const std::size_t first = _size;
        std::copy_n(values, count, &_chunks[first >> ChunkShift][used]);
        _size += count;
        return first;
    }

    // Drops the elements from `size` on; the chunks stay for reuse.
    void truncate(std::size_t size) {
        assert(size <= _size);
        _size = size;
    }

    // Calls f(const T&) for every element in order.
    template <typename F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < _size; ++i)
            f((*this)[i]);
    }

private:
    std::vector<std::unique_ptr<T[]>> _chunks;
    std::size_t _size = 0;
};

}  // namespace stampd
