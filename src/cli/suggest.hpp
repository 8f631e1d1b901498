#pragma once
// "Did you mean": the nearest command or flag to a mistyped one.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc::cli {

// Levenshtein distance (insertions, deletions, substitutions; bytes).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is close enough to be a typo (at most 2 edits, or a
// third of the word's length for long words, or a prefix of at least 3 characters); ties go to
// the first candidate.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

struct ParseSuggestion {
    std::string message; // "unknown command 'shwo'; did you mean 'show'?"
    std::string hint;    // "run 'asc orders --help' to see its commands"
};

// After CLI11 failed to parse: when the first word it could not place is an unknown subcommand
// of the deepest command parsed (or an unknown flag), the message naming it and the nearest
// known one; when a command group was given no command, the commands it takes. nullopt for other
// parse errors (a missing value, a failed validation...).
std::optional<ParseSuggestion> suggest_for_parse_error(const CLI::App& root);

} // namespace asc::cli
