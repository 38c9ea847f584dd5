// Every bound of the engine in one place (STYLE.md, habit 4): each limit is checked where data
// enters (decide) and asserted where it is used (apply). Units come last in the names.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stampd::constants {

// Reference data.
inline constexpr std::size_t code_size_max = 32;  // consignee codes, SKUs, barcodes, PO numbers
inline constexpr std::size_t name_size_max = 128;
inline constexpr std::size_t notes_size_max = 1024;
inline constexpr std::size_t address_size_max = 512;  // a consignee's billing or shipping
inline constexpr std::size_t tax_registration_size_max =
    32;  // "123456789RT0001", "1234567890TQ0001"
// The warehouse's excise licence number (its identity, §2).
inline constexpr std::size_t excise_licence_size_max = 32;
inline constexpr std::uint32_t users_max = 1u << 16;
inline constexpr std::uint32_t consignees_max = 1u << 16;
inline constexpr std::uint32_t products_max = 1u << 20;
inline constexpr std::uint32_t shipments_max = 1u << 22;
inline constexpr std::uint32_t products_per_shipment_max = 1024;
inline constexpr std::uint32_t volume_ul_max = 1'000'000;  // one litre per unit

// Boxes and runs.
inline constexpr std::uint32_t boxes_max = 1u << 28;
inline constexpr std::uint32_t units_per_box_max = 65'535;  // box units are stored in 16 bits
// One receive_boxes command (an advance shipping notice arrives in batches of at most this
// many): 512 boxes with 32-byte barcodes are under 28 KiB on the wire (net::frame_size_max is
// 64 KiB) and in the log's record (1 MiB), and their decision stays a few tens of microseconds.
inline constexpr std::uint32_t boxes_per_batch_max = 512;
inline constexpr std::uint32_t queue_entries_max = 1u << 29;
inline constexpr std::uint32_t production_orders_max = 1u << 24;
inline constexpr std::uint32_t lines_per_po_max = 32;
inline constexpr std::uint32_t line_quantity_max = 10'000'000;

// Stamps.
inline constexpr std::uint32_t bundles_min = 500;  // CRA's minimum per order and region
inline constexpr std::uint32_t bundles_max = 10'000'000;
inline constexpr std::uint32_t stamps_per_bundle_default = 50;
inline constexpr std::uint32_t stamps_per_bundle_max = 10'000;
inline constexpr std::int64_t deposit_cents_per_stamp_max = 100'000;
inline constexpr std::uint32_t stamp_orders_max = 1u << 22;
// One ledger entry holds a 32-bit signed quantity, so one order's stamps stay below 2^31.
inline constexpr std::int64_t stamps_per_order_max = (std::int64_t{1} << 31) - 1;
// Physical counts (§8) kept: a count a day of each region for 35 years.
inline constexpr std::uint32_t physical_counts_max = 1u << 16;
inline constexpr std::int64_t physical_count_stamps_max = 1'000'000'000'000;
// A page of ledger entries (ListLedgerEntries): at most this many, and at most this many entries
// looked at to find them, so that a filter matching few of a long ledger's entries still answers
// in bounded time on the writer thread (the page then ends early, with where to go on).
inline constexpr std::uint32_t ledger_entries_page_max = 500;
inline constexpr std::uint32_t ledger_entries_scanned_max = 65'536;

// Calendar (§5).
inline constexpr std::uint32_t segments_max = 31;  // an auto-split PO's segments
inline constexpr std::uint64_t capacity_units_max = 100'000'000;

// Invoices (§9) and settings (§2).
inline constexpr std::int64_t duty_cents_per_increment_max = 100'000;
inline constexpr std::int32_t tax_rate_max = 100'000;  // 100 %, in thousandths of a percent
inline constexpr std::int64_t fee_cents_max = 100'000'000;
inline constexpr std::uint32_t fee_presets_max = 1024;
inline constexpr std::uint32_t fees_per_invoice_max = 32;
inline constexpr std::uint32_t requests_max = 1u << 22;

// Access and idempotency (§11).
inline constexpr std::size_t token_size_min = 16;
inline constexpr std::size_t token_size_max = 128;
// People's passwords (the plaintext, checked by stampd before hashing) and their Argon2id hashes
// in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", about 100 bytes).
inline constexpr std::size_t password_size_min = 10;
inline constexpr std::size_t password_size_max = 256;
inline constexpr std::size_t password_hash_size_max = 256;
inline constexpr std::uint32_t clients_max = 4096;           // client sessions kept
inline constexpr std::uint32_t replies_per_client_max = 64;  // ≥ requests in flight per client

// One command's decision: cancelling a split parent cancels each open segment.
inline constexpr std::size_t events_per_command_max = segments_max + 4;

static_assert(lines_per_po_max <= 255, "a queue entry stores its line index in 8 bits");
static_assert(units_per_box_max <= 0xFFFF, "box units are stored in 16 bits");
static_assert(static_cast<std::uint64_t>(bundles_max) * stamps_per_bundle_max < (1ull << 62),
              "a stamp order's stamps fit in a signed 64-bit balance");
static_assert(code_size_max <= 255, "codes store their size in 8 bits");

}  // namespace stampd::constants
