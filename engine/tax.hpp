// Sales tax by component (SPEC §9): the rates the law sets, which a fresh warehouse starts with,
// and how the single combined rate of logs and snapshots written before components is read.
#pragma once

#include <string>

#include "engine/types.hpp"

namespace stampd {

// GST 5 % everywhere; HST instead of GST in ON (13 %) and NB, NL, NS, PE (15 %); QST 9.975 % in
// QC on top of GST. PST starts at 0: whether a province's PST applies to these goods, and at what
// rate, is for the admin to set.
tax_rates default_tax_rates(province p);
std::array<tax_rates, province_count> default_tax_rates();

// A rate as a person writes it: 9975 → "9.975 %", 13000 → "13 %".
std::string rate_text(i32 thousandths_of_a_percent);

// Before components a province had one rate in basis points (1 = 0.01 %): it was the province's
// HST where it has one and its GST elsewhere.
tax_kind combined_kind(province p);
tax_rates rates_from_basis_points(province p, i32 basis_points);
// An amount of combined tax, as components: all of it on the one component the rates charge.
std::array<i64, tax_kind_count> combined_tax_components(const tax_rates& rates, i64 tax);

}  // namespace stampd
