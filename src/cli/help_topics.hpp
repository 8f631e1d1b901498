#pragma once
// The written documentation: `asc help TOPIC` prints a topic as text and the man page prints the
// same blocks as roff (EXIT STATUS, ENVIRONMENT, OUTPUT FORMATS, FILES, EXAMPLES...), so the two
// cannot drift. Texts live in help_topics.cpp only.

#include <iosfwd>
#include <string>
#include <vector>

namespace asc::cli {

// One block of a topic: a paragraph, a term with its explanation, or verbatim lines.
struct HelpBlock {
    enum class Kind { Paragraph, Item, Verbatim };
    Kind kind;
    std::string term; // Item only: "ASC_PROFILE", "0", "json"
    std::string text; // Paragraph and Item: one paragraph, no line breaks; Verbatim: lines
};

struct HelpTopic {
    std::string name;    // what `asc help NAME` takes: "exit-codes"
    std::string section; // its man page section: "EXIT STATUS"
    std::string summary; // one line for the topic list
    std::vector<HelpBlock> blocks;
};

// The topics of `asc help`, in man page order: formats, exit-codes, environment, config, examples.
const std::vector<HelpTopic>& help_topics();
const HelpTopic* find_help_topic(const std::string& name);

// Written sections of the man page that are no help topic.
const std::vector<HelpBlock>& man_description();
const std::vector<HelpBlock>& man_see_also();

// A topic as text for a terminal: paragraphs wrapped to `width` columns.
void print_help_topic(std::ostream& out, const HelpTopic& topic, std::size_t width = 80);

} // namespace asc::cli
