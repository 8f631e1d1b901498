#include "suggest.hpp"

#include "asc/output/output.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

namespace asc::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (word.size() >= 3 && c.size() > word.size() && c.compare(0, word.size(), word) == 0) {
            d = std::min<std::size_t>(d, 1); // "can" -> "cancel"
        }
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

namespace {

std::string command_path(const CLI::App& app) {
    std::string path;
    for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
        path = a->get_parent() == nullptr ? "asc" + path : " " + a->get_name() + path;
    }
    return path;
}

std::optional<ParseSuggestion> unknown_command(const CLI::App& app, const std::string& word) {
    const auto subs = app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); });
    if (subs.empty()) {
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto* s : subs) {
        names.push_back(s->get_name());
        for (const auto& alias : s->get_aliases()) {
            names.push_back(alias);
        }
    }
    if (std::find(names.begin(), names.end(), word) != names.end()) {
        return std::nullopt;
    }
    const std::string path = command_path(app);
    ParseSuggestion s;
    if (const auto near = nearest_word(word, names)) {
        s.message = fmt::format("unknown command '{}'; did you mean '{}'?", strip_control(word), *near);
        s.hint = fmt::format("run '{} --help' to see its commands", path);
    } else {
        std::string list;
        for (const auto* sub : subs) {
            list += (list.empty() ? "" : ", ") + sub->get_name();
        }
        s.message = fmt::format("unknown command '{}' for '{}'", strip_control(word), path);
        s.hint = fmt::format("the commands are: {}", list);
    }
    return s;
}

std::optional<ParseSuggestion> unknown_flag(const CLI::App& app, const std::string& arg) {
    const std::string flag = arg.substr(0, arg.find('='));
    std::vector<std::string> names;
    for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
        for (const auto* o : a->get_options()) {
            for (const auto& l : o->get_lnames()) {
                names.push_back("--" + l);
            }
            for (const auto& s : o->get_snames()) {
                names.push_back("-" + s);
            }
        }
    }
    if (std::find(names.begin(), names.end(), flag) != names.end()) {
        return std::nullopt;
    }
    const auto near = flag.size() > 2 ? nearest_word(flag, names) : std::nullopt;
    ParseSuggestion s;
    s.message = fmt::format("unknown flag '{}'{}", strip_control(flag),
                            near ? fmt::format("; did you mean '{}'?", *near) : "");
    s.hint = fmt::format("run '{} --help' to see its flags", command_path(app));
    return s;
}

// "asc orders" alone: name the commands it takes.
std::optional<ParseSuggestion> missing_command(const CLI::App& app) {
    const auto subs = app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); });
    if (subs.empty()) {
        return std::nullopt;
    }
    std::string list;
    for (const auto* sub : subs) {
        list += (list.empty() ? "" : ", ") + sub->get_name();
    }
    const std::string path = command_path(app);
    return ParseSuggestion{fmt::format("'{}' needs a command: {}", path, list),
                           fmt::format("run '{} --help' to see what each does", path)};
}

} // namespace

std::optional<ParseSuggestion> suggest_for_parse_error(const CLI::App& root) {
    const CLI::App* deepest = &root;
    for (auto subs = root.get_subcommands(); !subs.empty(); subs = deepest->get_subcommands()) {
        deepest = subs.front();
    }
    const auto rest = root.remaining(true);
    if (rest.empty()) {
        return missing_command(*deepest);
    }
    if (rest.front() == "--") {
        return std::nullopt;
    }
    const std::string& first = rest.front();
    if (first.size() > 1 && first[0] == '-') {
        return unknown_flag(*deepest, first);
    }
    return unknown_command(*deepest, first);
}

} // namespace asc::cli
