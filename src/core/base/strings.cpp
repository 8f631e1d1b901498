#include "asc/base/strings.hpp"

namespace asc {

std::string trim(std::string_view text) {
    constexpr std::string_view k_space = " \t\r\n\f\v";
    const auto begin = text.find_first_not_of(k_space);
    if (begin == std::string_view::npos) {
        return {};
    }
    const auto end = text.find_last_not_of(k_space);
    return std::string(text.substr(begin, end - begin + 1));
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        std::string item = trim(text.substr(start, comma - start));
        if (!item.empty()) {
            out.push_back(std::move(item));
        }
        start = comma + 1;
    }
    return out;
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        auto items = split_list(std::string_view(v));
        out.insert(out.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    }
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += items[i];
    }
    return out;
}

std::string join_and(const std::vector<std::string>& items) {
    if (items.size() <= 1) {
        return join(items, "");
    }
    const std::vector<std::string> head(items.begin(), items.end() - 1);
    return join(head, ", ") + " and " + items.back();
}

std::string count_noun(long long n, std::string_view singular, std::string_view plural) {
    std::string out = std::to_string(n) + " ";
    if (n == 1) {
        out += singular;
    } else if (!plural.empty()) {
        out += plural;
    } else {
        out += singular;
        out += 's';
    }
    return out;
}

} // namespace asc
