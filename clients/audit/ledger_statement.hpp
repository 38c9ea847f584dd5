// stamp-audit ledger: one region's stamp ledger (SPEC §8) as a bank statement for a period of
// civil dates (both inclusive) in the warehouse's time zone (or UTC): the opening balance, one
// line per entry with its source (stamp order, or PO and box), user, station, override flag,
// signed quantity and balance after, then the closing balance and the period's figures.
// The lines are the engine's ledger statement; this file picks the period and writes it.
// Pure functions, any thread that owns the state.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/calendar_time.hpp"
#include "engine/ledger_statement.hpp"
#include "engine/state.hpp"

namespace stampd::audit {

enum class statement_format : u8 { text, csv, jsonl };

struct statement_options {
    region stamp_region = region::fed;
    day from = no_day;  // no_day: from the first entry
    day to = no_day;    // inclusive; no_day: to the last
    bool utc = false;   // dates and times in UTC instead of the warehouse's zone
};

// The engine's statement (engine/ledger_statement.hpp) for the period, and how to write its times.
struct statement {
    region stamp_region = region::fed;
    time_zone zone;  // the warehouse's, when not UTC
    bool utc = false;
    day from = no_day, to = no_day;
    ledger_statement body;
};

statement build_statement(const state& s, const statement_options& options);
void print_statement(const statement& st, statement_format format, std::FILE* out);

}  // namespace stampd::audit
