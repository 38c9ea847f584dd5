// stamp-scan's latency histogram: log-linear buckets of nanoseconds (128 per power of two, so a
// reported percentile is within 1 % of the true value), fixed size, no allocation after
// construction. One per load thread; merged at the end. Not thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

namespace stampd::scan {

class latency_histogram {
public:
    static constexpr unsigned sub_bits = 7;  // 128 sub-buckets per power of two
    static constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
    static constexpr unsigned magnitude_max = 40;  // values up to 2^48 ns (~3 days)
    static constexpr std::size_t bucket_count = (magnitude_max + 2) * sub_count;

    latency_histogram() : _counts(bucket_count, 0) {}

    void record(std::uint64_t value_ns) {
        const std::size_t i = index(value_ns);
        assert(i < _counts.size());
        ++_counts[i];
        ++_total;
    }

    void merge(const latency_histogram& other) {
        for (std::size_t i = 0; i < bucket_count; ++i)
            _counts[i] += other._counts[i];
        _total += other._total;
    }

    std::uint64_t count() const { return _total; }

    // The value at quantile q (0 < q ≤ 1): the middle of the bucket holding rank ceil(q·count).
    std::uint64_t quantile_ns(double q) const {
        if (_total == 0) return 0;
        const auto rank = std::max<std::uint64_t>(
            1, static_cast<std::uint64_t>(q * static_cast<double>(_total) + 0.999999));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < bucket_count; ++i) {
            seen += _counts[i];
            if (seen >= rank) return middle(i);
        }
        return middle(bucket_count - 1);
    }

private:
    static std::size_t index(std::uint64_t v) {
        const unsigned msb = v == 0 ? 0 : 63 - static_cast<unsigned>(std::countl_zero(v));
        unsigned m = msb > sub_bits ? msb - sub_bits : 0;
        if (m > magnitude_max) {
            m = magnitude_max;
            v = (2 * sub_count - 1) << m;  // clamp: the largest bucket
        }
        return std::size_t{m} * sub_count + (v >> m);
    }
    static std::uint64_t middle(std::size_t i) {
        const std::size_t m = i < 2 * sub_count ? 0 : i / sub_count - 1;
        const std::uint64_t top = i - m * sub_count;
        return (top << m) + ((std::uint64_t{1} << m) >> 1);
    }

    std::vector<std::uint64_t> _counts;
    std::uint64_t _total = 0;
};

}  // namespace stampd::scan
