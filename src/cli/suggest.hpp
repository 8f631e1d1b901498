#pragma once
// "Did you mean": the nearest command, flag or value to a mistyped one, and the one path every
// command-line (usage) error takes to become "asc: error: WHAT" + "hint: HOW" + exit 2.

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

// Every CLI11 parse error as a message and a hint in asc's words: unknown commands and flags (with
// the nearest known one), a missing argument, a value that is not a number or not one of the
// choices, flags that exclude each other, a stray argument. The caller prints them as
// "asc: error: ..." and exits 2.
ParseSuggestion usage_error_for(const CLI::ParseError& e, const CLI::App& root);

// A CLI11 check that the value is one of `choices` (any case with `ignore_case`, and then the
// value becomes the choice's spelling). A wrong value fails with "'item' is not a valid value;
// did you mean 'items'?" or, when nothing is near, the list of choices.
CLI::Validator one_of(std::vector<std::string> choices, bool ignore_case = true);

} // namespace asc::cli
