// A report's period: civil dates in the warehouse's time zone (SPEC §1), from the first day to
// the last, both included, given as --from/--to, --month 2026-03 or --quarter 2026Q1.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "engine/calendar_time.hpp"

namespace stampd::report {

struct period {
    day first = no_day;
    day last = no_day;  // included
    std::string label;  // "2026Q1", "2026-03", or "2026-01-05 to 2026-02-10"

    bool bounded() const { return first != no_day; }
    // [begin, end) in UTC microseconds, the days' starts in the zone.
    i64 begin_us(const time_zone& zone) const;
    i64 end_us(const time_zone& zone) const;
};

// From the command line's pieces (at most one of the three forms; none: all time). On a bad
// value returns false with `error` saying which option and what it expects.
bool parse_period(std::string_view from, std::string_view to, std::string_view month,
                  std::string_view quarter, period& out, std::string& error);

// "2026-03-09 14:05:12" in the zone (local time), for statements.
std::string format_local_time(const time_zone& zone, i64 time_us);
// "2026-03-09T19:05:12.123456Z", for machine-readable output.
std::string format_utc_time(i64 time_us);

}  // namespace stampd::report
