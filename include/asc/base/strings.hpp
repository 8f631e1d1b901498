#pragma once
// Small string helpers every part shares (ASCII only: ids, keys, header names, flag values).

#include <string>
#include <string_view>
#include <vector>

namespace asc {

// Without leading and trailing ASCII white space (space, \t, \r, \n, \f, \v).
std::string trim(std::string_view text);

// ASCII letters lowered or raised; every other byte unchanged (UTF-8 passes through).
std::string lower_ascii(std::string_view text);
std::string upper_ascii(std::string_view text);

// "a, b,,c " -> {"a", "b", "c"}: split on commas, items trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view text);
// The same over repeated flag values: {"a,b", "c"} -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::vector<std::string>& values);

// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// "a", "a and b", "a, b and c".
std::string join_and(const std::vector<std::string>& items);

// "1 order", "2 orders", "0 orders"; `plural` when the word does not just take an "s"
// ("1 entry", "3 entries").
std::string count_noun(long long n, std::string_view singular, std::string_view plural = {});

} // namespace asc
