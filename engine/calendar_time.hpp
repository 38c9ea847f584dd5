// Civil dates in the warehouse's time zone (SPEC §1, §5). The zone is an IANA name
// (America/Regina), resolved in the system's tz database (tzdata) through Howard Hinnant's date
// library, which reads /usr/share/zoneinfo once, on first use; after that these are pure
// functions of their arguments, on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/types.hpp"

namespace stampd {

// Days since 1970-01-01 (a Thursday).
using day = i32;
inline constexpr day no_day = INT32_MIN;

enum class weekday : u8 { monday, tuesday, wednesday, thursday, friday, saturday, sunday };

weekday weekday_of(day d);
std::string_view to_string(weekday w);  // "Monday"
inline bool is_weekend(day d) {
    return weekday_of(d) >= weekday::saturday;
}

// The day of a civil date; month 1–12.
day day_of(int year, unsigned month, unsigned day_of_month);
// "2026-03-09" ↔ day; parse returns no_day on anything else.
std::string format_day(day d);
day parse_day(std::string_view text);

struct time_zone {
    std::string name = "America/Toronto";  // IANA
    // Before zones were names, the setting was a standard offset and whether the North American
    // daylight-saving rule applies; records and snapshots still hold them. They are used only for
    // a name the tz database does not know (a log older than set_time_zone's check, read on a
    // machine without tzdata). set_time_zone fills them from the database.
    i32 utc_offset_minutes = -300;
    bool north_american_dst = true;
    bool operator==(const time_zone&) const = default;
};

// The zone's standard offset and whether it observes daylight time in the year of `time_us`
// (the fallback fields of a time_zone set now), from the tz database; nullopt for an unknown name.
std::optional<time_zone> time_zone_named(std::string_view name, i64 time_us);

// Minutes east of UTC in force in the zone at the UTC instant (daylight time included).
i32 utc_offset_minutes_at(const time_zone& zone, i64 time_us);
// Whether daylight-saving time is in force at the UTC instant.
bool in_dst(const time_zone& zone, i64 time_us);
// The civil date, in the zone, of a UTC instant.
day local_day(const time_zone& zone, i64 time_us);
// The UTC instant at which a local civil date begins (for periods given as dates).
i64 start_of_day_us(const time_zone& zone, day d);

}  // namespace stampd
