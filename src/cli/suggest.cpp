#include "suggest.hpp"

#include "asc/base/strings.hpp"
#include "asc/output/output.hpp"

#include <algorithm>
#include <cctype>
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

namespace {

const CLI::App& deepest_command(const CLI::App& root) {
    const CLI::App* deepest = &root;
    for (auto subs = root.get_subcommands(); !subs.empty(); subs = deepest->get_subcommands()) {
        deepest = subs.front();
    }
    return *deepest;
}

// The option of `app` (or of a parent: the global flags) that CLI11 calls `name` in its messages
// ("--limit", "-o,--output", "id"); nullptr when there is none.
const CLI::Option* find_option(const CLI::App& app, std::string_view name) {
    for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
        for (const CLI::Option* o : a->get_options()) {
            if (o->get_name() == name || o->check_name(std::string(name))) {
                return o;
            }
        }
    }
    return nullptr;
}

// "--limit" for a flag, "ID" for a positional argument.
std::string option_label(const CLI::Option* o, std::string_view fallback) {
    if (o == nullptr) {
        return std::string(fallback);
    }
    if (o->get_lnames().empty() && o->get_snames().empty()) {
        std::string upper = o->get_name();
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        return upper;
    }
    return o->get_lnames().empty() ? "-" + o->get_snames().front() : "--" + o->get_lnames().front();
}

std::string what_a_type_is(const CLI::Option* o) {
    const std::string type = o == nullptr ? "" : o->get_type_name();
    if (type == "INT" || type == "UINT") {
        return "a whole number";
    }
    if (type == "FLOAT") {
        return "a number";
    }
    return type.empty() ? "a different value" : type;
}

std::string after(std::string_view text, std::string_view marker) {
    const auto at = text.find(marker);
    return at == std::string_view::npos ? std::string(text) : std::string(text.substr(at + marker.size()));
}

ParseSuggestion conversion_error(const CLI::App& app, const std::string& text, const std::string& help) {
    // "Could not convert: --limit = abc"
    const std::string rest = after(text, "Could not convert: ");
    const auto eq = rest.find(" = ");
    const std::string name = rest.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : rest.substr(eq + 3);
    const CLI::Option* o = find_option(app, name);
    return {fmt::format("{} expects {}, not '{}'", option_label(o, name), what_a_type_is(o), strip_control(value)),
            help};
}

ParseSuggestion required_error(const CLI::App& app, const std::string& text, const std::string& path,
                               const std::string& help) {
    // "id is required", "--reason is required", "A subcommand is required"
    const std::string name = text.substr(0, text.find(" is required"));
    const CLI::Option* o = find_option(app, name);
    const std::string label = option_label(o, name);
    if (o != nullptr && o->get_lnames().empty() && o->get_snames().empty()) {
        return {fmt::format("'{}' needs {}", path, label), fmt::format("usage: {} {}; {}", path, label, help)};
    }
    return {fmt::format("{} is required", label), help};
}

ParseSuggestion excludes_error(const std::string& text, const std::string& help) {
    // "--limit excludes --all"
    const auto at = text.find(" excludes ");
    if (at == std::string::npos) {
        return {text, help};
    }
    return {fmt::format("{} and {} cannot be used together", text.substr(0, at), text.substr(at + 10)),
            "give one of them; " + help};
}

} // namespace

ParseSuggestion usage_error_for(const CLI::ParseError& e, const CLI::App& root) {
    const CLI::App& app = deepest_command(root);
    const std::string path = command_path(app);
    const std::string help = fmt::format("run '{} --help' to see its arguments and flags", path);
    const std::string text = e.what();
    // By type: get_name() is not always the error's name (ExtrasError carries the command's).
    auto is = [&e]<typename T>(const T*) { return dynamic_cast<const T*>(&e) != nullptr; };
    if (is(static_cast<const CLI::ConversionError*>(nullptr)) && text.starts_with("Could not convert: ")) {
        return conversion_error(app, text, help);
    }
    if (is(static_cast<const CLI::RequiredError*>(nullptr)) && text != "A subcommand is required" &&
        text.ends_with(" is required")) {
        return required_error(app, text, path, help);
    }
    if (is(static_cast<const CLI::ExcludesError*>(nullptr))) {
        return excludes_error(text, help);
    }
    if (auto s = suggest_for_parse_error(root)) {
        return *s;
    }
    if (is(static_cast<const CLI::ExtrasError*>(nullptr))) {
        const auto rest = root.remaining(true);
        const std::string word = rest.empty() ? after(text, ": ") : rest.front();
        return {fmt::format("unexpected argument '{}' for '{}'", strip_control(word), path),
                fmt::format("'{}' takes no more arguments; {}", path, help)};
    }
    if (is(static_cast<const CLI::ArgumentMismatch*>(nullptr))) {
        // "--limit: 1 required INT missing"
        const std::string flag = text.substr(0, text.find(':'));
        const CLI::Option* o = find_option(app, flag);
        return {fmt::format("{} needs a value", option_label(o, flag)), help};
    }
    if (is(static_cast<const CLI::ValidationError*>(nullptr))) {
        // "--output: 'yaml' is not a valid value; ..." (our checks), "--jq: invalid jq program: ..."
        const std::string flag = text.substr(0, text.find(':'));
        const CLI::Option* o = find_option(app, flag);
        const std::string what = strip_control(after(text, ": "));
        if (flag == "--jq") {
            return {what, "quote the program in single quotes; `asc help formats` has examples"};
        }
        return {fmt::format("{}: {}", option_label(o, flag), what), help};
    }
    return {strip_control(text), help};
}

CLI::Validator one_of(std::vector<std::string> choices, bool ignore_case) {
    auto lower = [](const std::string& t) { return lower_ascii(t); };
    std::string list;
    for (const auto& c : choices) {
        list += (list.empty() ? "" : ", ") + c;
    }
    auto check = [choices, ignore_case, lower, list](std::string& value) -> std::string {
        for (const auto& c : choices) {
            if (value == c || (ignore_case && lower(value) == lower(c))) {
                value = c;
                return {};
            }
        }
        const std::string shown = strip_control(value);
        if (const auto near = nearest_word(ignore_case ? lower(value) : value, choices)) {
            return fmt::format("'{}' is not a valid value; did you mean '{}'? (the choices: {})", shown, *near, list);
        }
        return fmt::format("'{}' is not a valid value; the choices: {}", shown, list);
    };
    CLI::Validator v(check, "{" + list + "}", "one_of");
    return v;
}

} // namespace asc::cli
