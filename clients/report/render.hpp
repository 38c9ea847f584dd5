// Writing reports out: stamp accounting, invoice documents and outbound manifests, as CSV
// (UTF-8, header row, stable columns, ISO dates, every field quoted), JSON (one object) or PDF.
// Every output states what it was computed from (provenance). One thread.
#pragma once

#include <string>
#include <vector>

#include "clients/lib/json.hpp"
#include "clients/report/report_source.hpp"
#include "clients/report/stamp_accounting.hpp"
#include "engine/state.hpp"

namespace stampd::report {

enum class format { csv, json, pdf };

// "Computed from LSN 1–1234, chain 0x… at LSN 1234 (snapshot at LSN 1000, 234 records after it)".
std::string describe(const provenance& from);

// The same as a JSON object (`computed_from`): to_lsn, chain, state_digest (null when not
// computed), snapshot_lsn, replayed_records, log_end_lsn.
json::object provenance_json(const provenance& from);

bool render_stamp_accounting(const stamp_accounting& report, format how, const std::string& path,
                             std::string& error);
// `warehouse`: who issues the documents (a name and address line), printed at their head.
bool render_invoices(const state& s, const provenance& from, const std::vector<invoice_id>& ids,
                     const std::string& warehouse, format how, const std::string& path,
                     std::string& error);
bool render_outbound(const state& s, const provenance& from, const std::vector<outbound_id>& ids,
                     const std::string& warehouse, format how, const std::string& path,
                     std::string& error);

// A PDF goes to a named file, never to standard output ("-").
bool pdf_path_ok(const std::string& path, std::string& error);

// Writes `bytes` to `path` ("-": standard output), through a temporary file renamed into place
// so a reader never sees half a report — unless `path` exists and is not a regular file (a
// device, a pipe), which is written in place.
bool replaced_by_rename(const std::string& path);  // missing, or a regular file
bool write_output(const std::string& path, const std::string& bytes, std::string& error);

}  // namespace stampd::report
