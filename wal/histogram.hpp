// A histogram for the metrics: fixed upper bounds, counts kept in relaxed atomics. One thread
// observes (the committer, the snapshotter); any thread reads. A read between two updates may
// see a count without its sum: each figure is right on its own, as Prometheus expects of a
// scrape.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace stampd::wal {

template <std::size_t N>
class histogram {
public:
    // Upper bounds, inclusive and increasing, in the unit observed (µs, records); a last bucket
    // without a bound (+Inf) takes the rest.
    explicit constexpr histogram(const std::array<std::uint64_t, N>& bounds) : _bounds(bounds) {}

    void observe(std::uint64_t value) {
        std::size_t i = 0;
        while (i < N && value > _bounds[i])
            ++i;
        _counts[i].fetch_add(1, std::memory_order_relaxed);
        _sum.fetch_add(value, std::memory_order_relaxed);
    }

    struct figures {
        std::array<std::uint64_t, N> bounds;
        std::array<std::uint64_t, N + 1> counts;  // per bucket, not cumulative; [N]: over all
        std::uint64_t sum = 0;
    };
    figures read() const {
        figures f{.bounds = _bounds, .counts = {}};
        for (std::size_t i = 0; i <= N; ++i)
            f.counts[i] = _counts[i].load(std::memory_order_relaxed);
        f.sum = _sum.load(std::memory_order_relaxed);
        return f;
    }

private:
    std::array<std::uint64_t, N> _bounds;
    std::array<std::atomic<std::uint64_t>, N + 1> _counts{};
    std::atomic<std::uint64_t> _sum{0};
};

// A commit's time (LMDB's write transaction with its sync), in µs: 50 µs to 10 s.
using commit_time_histogram = histogram<17>;
inline constexpr std::array<std::uint64_t, 17> commit_time_bounds_us = {
    50,     100,     250,     500,     1'000,     2'500,     5'000,     10'000,    25'000,
    50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
// Records a commit holds: 1 to 1,048,576, by powers of 4.
using group_size_histogram = histogram<11>;
inline constexpr std::array<std::uint64_t, 11> group_size_bounds = {
    1, 4, 16, 64, 256, 1'024, 4'096, 16'384, 65'536, 262'144, 1'048'576};

}  // namespace stampd::wal
