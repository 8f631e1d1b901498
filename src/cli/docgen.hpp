#pragma once
// The command tree as data, read from the live CLI11 App that run() builds: the shell completions,
// the man page and the help checks all walk it, so a new command or flag appears in each of them
// without being written down twice. Hidden commands (CLI11 group "") are left out.

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

namespace asc::cli::docgen {

struct OptionDoc {
    std::vector<std::string> long_names;  // without "--": {"output"}
    std::vector<std::string> short_names; // without "-": {"o"}
    std::string positional;               // a positional's name ("id"); empty for flags and options
    std::string value_name;               // "TEXT", "INT", ...; empty for flags
    std::string description;
    bool takes_value = false;
    bool required = false;

    // "--output" (or "-o" when there is no long name, or the positional's name).
    [[nodiscard]] std::string key() const;
    // Every spelling on a command line: {"-o", "--output"}.
    [[nodiscard]] std::vector<std::string> spellings() const;
};

struct CommandDoc {
    std::vector<std::string> path; // {"orders", "list"}; empty for the root
    std::vector<std::string> aliases;
    std::string description;
    std::string footer;
    std::vector<OptionDoc> options;   // its own flags, options and positionals (not -h, not inherited)
    std::vector<CommandDoc> commands; // visible subcommands, in the order they were added

    [[nodiscard]] std::string name() const { return path.empty() ? "asc" : path.back(); }
    [[nodiscard]] std::string joined() const; // "orders list" ("" for the root)
    [[nodiscard]] bool leaf() const { return commands.empty(); }
    [[nodiscard]] bool has_positional() const;
};

// Reads the tree under `root` (the root's options are the global flags).
CommandDoc describe(const CLI::App& root);

// Every command of the tree, depth first, the root first.
std::vector<const CommandDoc*> flatten(const CommandDoc& root);

// What a shell offers as the value of an option or a positional, keyed by the option's long name
// (or the positional's name), so that new commands reuse it: --status, --reason, --tab, ...
struct ValueCompletion {
    enum class Kind { None, Words, FieldList, Files, Dynamic };
    Kind kind = Kind::None;
    std::vector<std::string> words; // Words; FieldList: what a command without its own fields offers
    std::string dynamic;            // Dynamic: the KIND of `asc __complete KIND`
    // FieldList: the fields of each command path ("orders list"), so that `--fields` (a global
    // flag) offers only the fields of the command typed before it.
    std::map<std::string, std::vector<std::string>> by_command;
};
ValueCompletion value_completion(const OptionDoc& option);

// The KINDs `asc __complete` serves: profiles, order-ids, feed-ids.
const std::vector<std::string>& dynamic_kinds();

// Every field name --fields accepts in some command (list, items, tracking, cancel, journal).
std::vector<std::string> all_field_names();

// The field names --fields accepts in each command path (field_catalog(): `orders show` has the
// fields of its three tabs), each list starting with "help".
std::map<std::string, std::vector<std::string>> field_names_by_command();

std::string bash_completion(const CommandDoc& root);
std::string zsh_completion(const CommandDoc& root);
std::string fish_completion(const CommandDoc& root);
std::string man_page(const CommandDoc& root);

} // namespace asc::cli::docgen
