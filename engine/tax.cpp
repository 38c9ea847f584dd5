// Sales tax by component: the law's rates and the reading of the one combined rate of old.
#include "engine/tax.hpp"

#include <algorithm>

namespace stampd {
namespace {

bool has_hst(province p) {
    switch (p) {
        case province::on:
        case province::nb:
        case province::nl:
        case province::ns:
        case province::pe:
            return true;
        default:
            return false;
    }
}

}  // namespace

tax_rates default_tax_rates(province p) {
    tax_rates rates{};
    if (p == province::on) {
        rates[index(tax_kind::hst)] = 13'000;
    } else if (has_hst(p)) {
        rates[index(tax_kind::hst)] = 15'000;
    } else {
        rates[index(tax_kind::gst)] = 5'000;
    }
    if (p == province::qc) rates[index(tax_kind::qst)] = 9'975;
    return rates;
}

std::array<tax_rates, province_count> default_tax_rates() {
    std::array<tax_rates, province_count> table{};
    for (std::size_t p = 0; p < province_count; ++p)
        table[p] = default_tax_rates(static_cast<province>(p));
    return table;
}

std::string rate_text(i32 thousandths) {
    std::string out = std::to_string(thousandths / 1000);
    if (i32 fraction = thousandths % 1000; fraction != 0) {
        out += '.';
        for (i32 place = 100; fraction != 0; place /= 10) {
            out += static_cast<char>('0' + fraction / place);
            fraction %= place;
        }
    }
    return out + " %";
}

tax_kind combined_kind(province p) {
    return has_hst(p) ? tax_kind::hst : tax_kind::gst;
}

tax_rates rates_from_basis_points(province p, i32 basis_points) {
    tax_rates rates{};
    rates[index(combined_kind(p))] = basis_points * 10;
    return rates;
}

std::array<i64, tax_kind_count> combined_tax_components(const tax_rates& rates, i64 tax) {
    std::array<i64, tax_kind_count> components{};
    const auto charged = std::ranges::find_if(rates, [](i32 rate) { return rate != 0; });
    components[charged == rates.end() ? 0 : static_cast<std::size_t>(charged - rates.begin())] =
        tax;
    return components;
}

}  // namespace stampd
