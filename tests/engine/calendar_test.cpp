// SPEC §5: calendar, capacity, urgent ordering and auto-split.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class calendar : public warehouse {
protected:
    shipment_id sh = 0;
    const day monday = day_of(2026, 1, 5);
    const day friday = day_of(2026, 1, 9);
    const day saturday = day_of(2026, 1, 10);
    const day next_monday = day_of(2026, 1, 12);

    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 100, 500);  // 50,000 units
    }

    po_id scheduled_po(u32 units, day on, schedule_mode mode = schedule_mode::strict,
                       bool urgent = false) {
        return expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                           .shipment = sh,
                                                           .lines = {{vape15, region::fed, units}},
                                                           .urgent = urgent,
                                                           .on = on,
                                                           .mode = mode})
            .id;
    }
    u64 load(day on) const {
        const auto it = s.calendar.find(on);
        return it == s.calendar.end() ? 0 : it->second.load;
    }
};

TEST_F(calendar, a_day_load_is_the_units_scheduled_on_it) {
    scheduled_po(5'000, monday);
    scheduled_po(4'000, monday);
    EXPECT_EQ(load(monday), 9'000u);
    EXPECT_EQ(s.calendar.at(monday).run_order.size(), 2u);
}

TEST_F(calendar, scheduling_past_capacity_is_refused_with_the_remaining_figure) {
    scheduled_po(9'000, monday);
    const rejection r = run(supervisor, create_po{.consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 3'001}},
                                                  .on = monday});
    EXPECT_EQ(r.code, rejection_code::capacity_exceeded);
    EXPECT_EQ(r.needed, 3'001);
    EXPECT_EQ(r.available, 3'000);
    EXPECT_EQ(s.production_orders.size(), 1u);  // the PO is not created either
}

TEST_F(calendar, a_supervisor_override_passes_capacity_and_is_recorded) {
    scheduled_po(9'000, monday);
    const po_id po = scheduled_po(4'000, monday, schedule_mode::override_capacity);
    EXPECT_EQ(load(monday), 13'000u);
    EXPECT_TRUE(s.calendar.at(monday).overridden);
    EXPECT_TRUE(s.po_at(po).capacity_overridden);
}

TEST_F(calendar, weekends_are_closed) {
    const rejection r = run(supervisor, create_po{.consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 1}},
                                                  .on = saturday});
    EXPECT_EQ(r.code, rejection_code::day_closed);
    EXPECT_EQ(run(admin, set_capacity{.on = weekday::sunday, .units = 10}).code,
              rejection_code::day_closed);
}

TEST_F(calendar, urgent_orders_come_first_in_a_days_run_order) {
    const po_id first = scheduled_po(1'000, monday);
    const po_id second = scheduled_po(1'000, monday);
    const po_id urgent = scheduled_po(1'000, monday, schedule_mode::strict, true);
    const std::vector<po_id> expected = {urgent, first, second};
    EXPECT_EQ(s.calendar.at(monday).run_order, expected);
}

TEST_F(calendar, an_urgent_order_without_a_day_goes_to_the_first_weekday_with_room) {
    // Today is 2025-12-31 in Toronto (the fixture's clock starts 2026-01-01T00:00Z).
    const day today = local_day(s.settings.zone, now_us);
    ASSERT_EQ(format_day(today), "2025-12-31");
    scheduled_po(12'000, today);               // Wednesday full
    scheduled_po(11'500, day_of(2026, 1, 1));  // Thursday: 500 left
    const po_id urgent =
        expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                    .shipment = sh,
                                                    .lines = {{vape15, region::fed, 600}},
                                                    .urgent = true})
            .id;
    EXPECT_EQ(s.po_at(urgent).scheduled, day_of(2026, 1, 2));  // Friday
    EXPECT_EQ(s.calendar.at(day_of(2026, 1, 2)).run_order.front(), urgent);
}

// Issue 16: among urgent POs, the one scheduled last ran first.
TEST_F(calendar, urgent_orders_run_in_the_order_they_were_scheduled) {
    const po_id first = scheduled_po(1'000, monday);
    const po_id urgent = scheduled_po(1'000, monday, schedule_mode::strict, true);
    const po_id later = scheduled_po(1'000, monday, schedule_mode::strict, true);
    const po_id second = scheduled_po(1'000, monday);
    const std::vector<po_id> expected = {urgent, later, first, second};
    EXPECT_EQ(s.calendar.at(monday).run_order, expected);
    // Moved to another day and back, an urgent PO queues behind the urgent ones there.
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = urgent, .on = friday});
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = urgent, .on = monday});
    const std::vector<po_id> moved = {later, urgent, first, second};
    EXPECT_EQ(s.calendar.at(monday).run_order, moved);
}

// A record logged before issue 16 (behind_urgent false) replays as it ran: newest urgent first.
TEST_F(calendar, an_urgent_po_scheduled_before_first_come_first_served_replays_in_front) {
    const po_id urgent = scheduled_po(1'000, monday, schedule_mode::strict, true);
    const po_id older_rule = scheduled_po(1'000, friday, schedule_mode::strict, true);
    event_list old_record;
    old_record.push(po_scheduled{.po = older_rule,
                                 .on = monday,
                                 .urgent_first = true,
                                 .capacity = s.calendar.at(monday).capacity,
                                 .behind_urgent = false});
    apply(s, old_record[0], context{.lsn = ++lsn, .time_us = now_us});
    const std::vector<po_id> expected = {older_rule, urgent};
    EXPECT_EQ(s.calendar.at(monday).run_order, expected);
    journal.emplace_back(old_record, context{.lsn = lsn, .time_us = now_us});
}

// Issue 16: a day already past was accepted.
TEST_F(calendar, a_day_already_past_is_closed) {
    const day today = local_day(s.settings.zone, now_us);
    const day yesterday = today - 1;
    ASSERT_FALSE(is_weekend(yesterday));
    const rejection r = run(supervisor, create_po{.consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 1}},
                                                  .on = yesterday});
    EXPECT_EQ(r.code, rejection_code::day_closed);
    EXPECT_EQ(r.id, static_cast<u32>(yesterday));
    EXPECT_EQ(r.available, today);
    const po_id po = scheduled_po(10, monday);
    EXPECT_EQ(run(supervisor, schedule_po{.po = po, .on = yesterday}).code,
              rejection_code::day_closed);
    EXPECT_EQ(s.po_at(po).scheduled, monday);
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = po, .on = today});
}

// Issue 16: an urgent PO too big for any day's room stayed off the calendar without a word.
TEST_F(calendar, an_urgent_order_no_day_has_room_for_is_refused_or_split_when_asked) {
    const day today = local_day(s.settings.zone, now_us);
    const rejection r = run(supervisor, create_po{.consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 12'001}},
                                                  .urgent = true});
    EXPECT_EQ(r.code, rejection_code::capacity_exceeded);
    EXPECT_EQ(r.about, subject::day);
    EXPECT_EQ(r.id, static_cast<u32>(today));
    EXPECT_EQ(r.needed, 12'001);
    EXPECT_EQ(r.available, 12'000);
    EXPECT_TRUE(s.production_orders.empty());
    // Asked to split: from today's weekday on, in segments.
    const po_id parent =
        expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                    .shipment = sh,
                                                    .lines = {{vape15, region::fed, 12'001}},
                                                    .urgent = true,
                                                    .mode = schedule_mode::auto_split})
            .id;
    ASSERT_EQ(s.po_at(parent).segments.size(), 2u);
    EXPECT_EQ(s.po_at(s.po_at(parent).segments[0]).scheduled, today);
}

TEST_F(calendar, auto_split_fills_consecutive_weekdays_with_their_remaining_capacity) {
    // Seed 000: 30,000 units with a cap of 12,000 on empty days → 12,000 / 12,000 / 6,000.
    const po_id parent = scheduled_po(30'000, friday, schedule_mode::auto_split);
    const production_order& p = s.po_at(parent);
    ASSERT_EQ(p.segments.size(), 3u);
    const std::vector<day> days = {friday, next_monday, next_monday + 1};  // the weekend skipped
    const std::vector<u32> units = {12'000, 12'000, 6'000};
    for (std::size_t i = 0; i < 3; ++i) {
        const production_order& seg = s.po_at(p.segments[i]);
        EXPECT_EQ(seg.scheduled, days[i]);
        EXPECT_EQ(seg.lines.at(0).quantity, units[i]);
        EXPECT_EQ(seg.parent, parent);
        EXPECT_EQ(seg.number.view(), std::string{p.number.view()} + "-" + std::to_string(i + 1));
    }
    EXPECT_EQ(p.scheduled, no_day);
    EXPECT_EQ(availability(s, sh, vape15), 50'000 - 30'000);  // counted once, not twice
}

TEST_F(calendar, auto_split_takes_what_each_day_has_left_and_fills_lines_in_order) {
    scheduled_po(7'000, monday);
    const po_id parent =
        expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                    .shipment = sh,
                                                    .lines = {{vape15, region::fed, 4'000},
                                                              {vape15, region::on, 9'000}},
                                                    .on = monday,
                                                    .mode = schedule_mode::auto_split})
            .id;
    const production_order& p = s.po_at(parent);
    ASSERT_EQ(p.segments.size(), 2u);
    const production_order& first = s.po_at(p.segments[0]);
    ASSERT_EQ(first.lines.size(), 2u);  // 5,000: all 4,000 FED, then 1,000 ON
    EXPECT_EQ(first.lines[0].quantity, 4'000u);
    EXPECT_EQ(first.lines[1].stamp_region, region::on);
    EXPECT_EQ(first.lines[1].quantity, 1'000u);
    EXPECT_EQ(s.po_at(p.segments[1]).lines.at(0).quantity, 8'000u);
    EXPECT_EQ(load(monday), 12'000u);
}

TEST_F(calendar, each_segment_runs_and_the_parent_completes_with_the_last) {
    add_stamps(region::fed, 1'000);
    const po_id parent = scheduled_po(24'500, monday, schedule_mode::auto_split);
    const std::vector<po_id> segments = s.po_at(parent).segments;
    ASSERT_EQ(segments.size(), 3u);
    EXPECT_EQ(run(stamper, start_run{.po = parent}).code, rejection_code::split_parent);
    for (const po_id seg : segments) {
        start(seg);
        confirm_all(seg);
        EXPECT_EQ(s.po_at(parent).status, po_status::open);
        verify(seg);
    }
    EXPECT_EQ(s.po_at(parent).status, po_status::completed);
    EXPECT_EQ(balance(region::fed), 50'000 - 24'500);
    for (const po_id seg : segments)
        EXPECT_NE(s.po_at(seg).invoice, id_none);
}

TEST_F(calendar, cancelling_the_parent_cancels_every_segment_not_completed) {
    add_stamps(region::fed, 1'000);
    const po_id parent = scheduled_po(20'000, monday, schedule_mode::auto_split);
    const std::vector<po_id> segments = s.po_at(parent).segments;
    ASSERT_EQ(segments.size(), 2u);
    start(segments[0]);
    confirm_all(segments[0]);
    verify(segments[0]);
    start(segments[1]);
    expect_ok<box_confirmed>(
        stamper, confirm_box{.po = segments[1], .box = run_queue(s, segments[1]).at(0).box});
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = parent, .reason = "order withdrawn"});
    EXPECT_EQ(s.po_at(segments[0]).status, po_status::completed);
    EXPECT_EQ(s.po_at(segments[1]).status, po_status::cancelled);
    EXPECT_EQ(s.po_at(parent).status, po_status::cancelled);
    EXPECT_EQ(balance(region::fed), 50'000 - 12'000);  // the open segment refunded in full
    EXPECT_EQ(availability(s, sh, vape15), 50'000 - 12'000);
    EXPECT_EQ(load(monday + 1), 0u);
}

TEST_F(calendar, a_capacity_change_applies_to_days_not_yet_planned) {
    scheduled_po(10'000, monday);
    expect_ok<capacity_set>(admin, set_capacity{.on = weekday::monday, .units = 8'000});
    EXPECT_EQ(s.calendar.at(monday).capacity, 12'000u);
    scheduled_po(2'000, monday);  // the planned day keeps 12,000
    EXPECT_EQ(run(supervisor, create_po{.consignee = norwood,
                                        .shipment = sh,
                                        .lines = {{vape15, region::fed, 8'001}},
                                        .on = next_monday})
                  .code,
              rejection_code::capacity_exceeded);
}

TEST_F(calendar, rescheduling_moves_the_units_and_can_unschedule) {
    const po_id po = scheduled_po(12'000, monday);
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = po, .on = friday});
    EXPECT_EQ(load(monday), 0u);
    EXPECT_EQ(load(friday), 12'000u);
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = po, .on = friday});  // own units free
    expect_ok<po_scheduled>(supervisor, schedule_po{.po = po, .on = no_day});
    EXPECT_EQ(load(friday), 0u);
    EXPECT_EQ(s.po_at(po).scheduled, no_day);
}

TEST_F(calendar, more_units_on_a_full_day_need_an_override) {
    const po_id po = scheduled_po(12'000, monday);
    const rejection r =
        run(supervisor, edit_po_lines{.po = po, .lines = {{vape15, region::fed, 12'001}}});
    EXPECT_EQ(r.code, rejection_code::capacity_exceeded);
    EXPECT_EQ(r.available, 0);
    expect_ok<po_lines_edited>(supervisor, edit_po_lines{.po = po,
                                                         .lines = {{vape15, region::fed, 12'001}},
                                                         .override_capacity = true});
    EXPECT_EQ(load(monday), 12'001u);
    EXPECT_TRUE(s.calendar.at(monday).overridden);
}

TEST_F(calendar, local_days_follow_the_zone_and_daylight_saving) {
    const time_zone toronto;
    // 2026-03-08 is the second Sunday of March: 02:00 EST becomes 03:00 EDT (07:00Z).
    const i64 before = start_of_day_us(toronto, day_of(2026, 3, 8)) + 1 * 3'600'000'000LL;
    EXPECT_FALSE(in_dst(toronto, before));
    EXPECT_TRUE(in_dst(toronto, before + 2 * 3'600'000'000LL));
    // 03:30Z on 2026-07-01 is still June 30 in Toronto (EDT, UTC−4).
    const i64 summer =
        i64{day_of(2026, 7, 1)} * 86'400'000'000LL + 3 * 3'600'000'000LL + 1'800'000'000LL;
    EXPECT_EQ(format_day(local_day(toronto, summer)), "2026-06-30");
    EXPECT_EQ(format_day(local_day(time_zone{"UTC", 0, false}, summer)), "2026-07-01");
    EXPECT_EQ(parse_day("2026-02-30"), no_day);
    EXPECT_EQ(weekday_of(day_of(2026, 1, 5)), weekday::monday);
}

// Issue 16: zones are IANA names, read from the system's tz database. America/Regina keeps
// standard time all year; the fixed North American rule put it on daylight time.
TEST_F(calendar, zones_are_iana_names_and_regina_has_no_daylight_time) {
    const time_zone toronto;
    const time_zone regina{"America/Regina", -360, true};  // the fallback fields: not used
    // 05:30Z on 2026-07-01: 23:30 on June 30 in Regina (CST), 01:30 on July 1 in Toronto (EDT).
    const i64 hour = 3'600'000'000LL;
    const i64 t = i64{day_of(2026, 7, 1)} * 24 * hour + 5 * hour + hour / 2;
    EXPECT_EQ(format_day(local_day(regina, t)), "2026-06-30");
    EXPECT_EQ(utc_offset_minutes_at(regina, t), -360);
    EXPECT_FALSE(in_dst(regina, t));
    EXPECT_EQ(format_day(local_day(toronto, t)), "2026-07-01");
    EXPECT_EQ(utc_offset_minutes_at(toronto, t), -240);
    EXPECT_EQ(utc_offset_minutes_at(time_zone{.name = "America/St_Johns"}, t), -150);
    EXPECT_EQ(start_of_day_us(regina, day_of(2026, 7, 1)),
              i64{day_of(2026, 7, 1)} * 24 * hour + 6 * hour);
    // set_time_zone takes a name the database knows and fills the rest from it.
    const auto set = expect_ok<time_zone_set>(
        admin, set_time_zone{.zone = time_zone{"America/Regina", 0, true}});
    EXPECT_EQ(set.zone.name, "America/Regina");
    EXPECT_EQ(set.zone.utc_offset_minutes, -360);
    EXPECT_FALSE(set.zone.north_american_dst);
    EXPECT_EQ(s.settings.zone, set.zone);
    const rejection unknown =
        run(admin, set_time_zone{.zone = time_zone{.name = "America/Nowhere"}});
    EXPECT_EQ(unknown.code, rejection_code::invalid_argument);
    EXPECT_EQ(unknown.about, subject::time_zone);
    // A name the database does not know (a record older than the check) falls back to the
    // fields it was set with.
    EXPECT_EQ(utc_offset_minutes_at(time_zone{"Custom/Old", -300, true}, t), -240);
    EXPECT_EQ(utc_offset_minutes_at(time_zone{"Custom/Old", -360, false}, t), -360);
}

}  // namespace
}  // namespace stampd::testing
