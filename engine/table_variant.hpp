// Turns a table's rows into a type list (engine/command_table.hpp, engine/event_table.hpp):
// `table_of<std::variant, A, B, C, table_end>` is `std::variant<A, B, C>`. An X-macro row
// expands to `Type,`; the table_end after the last row takes the trailing comma.
#pragma once

#include <variant>

namespace stampd {

struct table_end {};

namespace detail {

template <typename Done, typename... Rest>
struct drop_table_end;
template <template <typename...> class Into, typename... Done>
struct drop_table_end<Into<Done...>, table_end> {
    using type = Into<Done...>;
};
template <template <typename...> class Into, typename... Done, typename Next, typename... Rest>
struct drop_table_end<Into<Done...>, Next, Rest...> {
    using type = typename drop_table_end<Into<Done..., Next>, Rest...>::type;
};

}  // namespace detail

template <template <typename...> class Into, typename... Rows>
using table_of = typename detail::drop_table_end<Into<>, Rows...>::type;

template <typename... Rows>
using table_variant = table_of<std::variant, Rows...>;

}  // namespace stampd
