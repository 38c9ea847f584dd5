// Civil dates in the warehouse's time zone (SPEC §1, §5), computed without a time-zone
// database: the engine does no I/O, so the zone is a setting holding its standard UTC offset and
// whether it follows the North American daylight-saving rule (second Sunday of March 02:00 to
// first Sunday of November 02:00, local). Pure functions.
#pragma once

#include <string>

#include "engine/types.hpp"

namespace stampd {

// Days since 1970-01-01 (a Thursday).
using day = i32;
inline constexpr day no_day = INT32_MIN;

enum class weekday : u8 { monday, tuesday, wednesday, thursday, friday, saturday, sunday };

weekday weekday_of(day d);
inline bool is_weekend(day d) {
    return weekday_of(d) >= weekday::saturday;
}

// The day of a civil date; month 1–12.
day day_of(int year, unsigned month, unsigned day_of_month);
// "2026-03-09" ↔ day; parse returns no_day on anything else.
std::string format_day(day d);
day parse_day(std::string_view text);

struct time_zone {
    std::string name = "America/Toronto";
    i32 utc_offset_minutes = -300;  // standard time
    bool north_american_dst = true;
    bool operator==(const time_zone&) const = default;
};

// Whether daylight-saving time is in force at the UTC instant.
bool in_dst(const time_zone& zone, i64 time_us);
// The civil date, in the zone, of a UTC instant.
day local_day(const time_zone& zone, i64 time_us);
// The UTC instant at which a local civil date begins (for periods given as dates).
i64 start_of_day_us(const time_zone& zone, day d);

}  // namespace stampd
