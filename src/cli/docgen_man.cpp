// man/asc.1 (roff, man macros): COMMANDS and OPTIONS from the command tree, the written sections
// from help_topics.cpp (the texts `asc help TOPIC` prints).

#include "asc/version.hpp"
#include "docgen.hpp"
#include "help_topics.hpp"

#include <fmt/format.h>

namespace asc::cli::docgen {

namespace {

// The date on the page: the last time its written sections changed meaningfully. A fixed date
// keeps the generated page reproducible (the test compares it byte for byte).
constexpr std::string_view k_manual_date = "2026-11-26";

// Escapes text for roff: backslash, minus signs, non-ASCII code points, and a control character
// ('.' or '\'') at the start of a line.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (line_start && (c == '.' || c == '\'')) {
            out += "\\&";
        }
        line_start = c == '\n';
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            // Decode one UTF-8 sequence into \[uXXXX]; a stray byte becomes '?'.
            std::size_t len = (c & 0xE0U) == 0xC0U   ? 2
                              : (c & 0xF0U) == 0xE0U ? 3
                              : (c & 0xF8U) == 0xF0U ? 4
                                                     : 0;
            if (len == 0 || i + len > text.size()) {
                out += '?';
                ++i;
                continue;
            }
            char32_t cp = c & (len == 2 ? 0x1FU : len == 3 ? 0x0FU : 0x07U);
            for (std::size_t k = 1; k < len; ++k) {
                cp = (cp << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
            }
            out += fmt::format("\\[u{:04X}]", static_cast<std::uint32_t>(cp));
            i += len;
            continue;
        }
        ++i;
    }
    return out;
}

// `at_heading`: right after .SH or .SS, where a paragraph macro would be redundant.
// Escaped text as filled lines of at most 80 bytes (where words allow): long input lines are
// hard to diff and lint tools flag them. roff joins the lines again.
std::string fill(std::string_view text) {
    const std::string escaped = roff(text);
    std::string out;
    std::size_t line_start = 0;
    std::size_t i = 0;
    while (i < escaped.size()) {
        auto end = escaped.find(' ', i);
        if (end == std::string::npos) {
            end = escaped.size();
        }
        const std::size_t line_length = out.size() - line_start; // with its trailing space
        if (line_length > 0 && line_length + (end - i) > 80) {
            out.back() = '\n';
            line_start = out.size();
            if (escaped[i] == '.' || escaped[i] == '\'') {
                out += "\\&";
            }
        }
        out.append(escaped, i, end - i);
        if (end < escaped.size()) {
            out += ' ';
        }
        i = end + 1;
    }
    return out;
}

std::string verbatim(std::string_view lines, bool at_heading = false) {
    std::string out = at_heading ? ".RS 4\n.nf\n" : ".PP\n.RS 4\n.nf\n";
    std::size_t start = 0;
    while (start <= lines.size()) {
        const auto nl = lines.find('\n', start);
        const auto line =
            lines.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        out += line.empty() ? "\\&" : roff(line);
        out += '\n';
        if (nl == std::string_view::npos) {
            break;
        }
        start = nl + 1;
    }
    return out + ".fi\n.RE\n";
}

// The blocks of a section, right after its .SH.
std::string blocks(const std::vector<HelpBlock>& bs) {
    std::string out;
    bool at_heading = true;
    for (const auto& b : bs) {
        switch (b.kind) {
        case HelpBlock::Kind::Paragraph:
            out += (at_heading ? "" : ".PP\n") + fill(b.text) + "\n";
            break;
        case HelpBlock::Kind::Item:
            out += ".TP\n.B " + roff(b.term) + "\n" + fill(b.text) + "\n";
            break;
        case HelpBlock::Kind::Verbatim:
            out += verbatim(b.text, at_heading);
            break;
        }
        at_heading = false;
    }
    return out;
}

std::string upper(std::string text) {
    for (char& c : text) {
        c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return text;
}

std::string option_term(const OptionDoc& o) {
    std::string term;
    for (const auto& s : o.spellings()) {
        term += (term.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(s));
    }
    if (!o.positional.empty()) {
        return fmt::format("\\fI{}\\fR", roff(upper(o.positional)));
    }
    if (o.takes_value) {
        term += fmt::format(" \\fI{}\\fR", roff(o.value_name));
    }
    return term;
}

std::string options(const std::vector<OptionDoc>& opts) {
    std::string out;
    for (const auto& o : opts) {
        out +=
            ".TP\n" + option_term(o) + "\n" + fill(o.description + (o.required ? " (required)" : "")) + "\n";
    }
    return out;
}

// A command's footer: free text, then "Examples:" and indented command lines.
std::string footer(const std::string& text) {
    std::string out;
    std::string paragraph;
    std::string examples;
    bool in_examples = false;
    auto flush = [&] {
        if (!paragraph.empty()) {
            out += ".PP\n" + fill(paragraph) + "\n";
            paragraph.clear();
        }
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto nl = text.find('\n', start);
        const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        start = nl == std::string::npos ? text.size() + 1 : nl + 1;
        if (line == "Examples:") {
            flush();
            in_examples = true;
        } else if (in_examples) {
            const auto first = line.find_first_not_of(' ');
            if (first != std::string::npos) {
                examples += (examples.empty() ? "" : "\n") + line.substr(std::min<std::size_t>(first, 2));
            }
        } else if (line.empty()) {
            flush();
        } else {
            paragraph += (paragraph.empty() ? "" : " ") + line;
        }
    }
    flush();
    if (!examples.empty()) {
        out += ".PP\nExamples:\n" + verbatim(examples);
    }
    return out;
}

std::string usage(const CommandDoc& c) {
    std::string line = fmt::format("\\fBasc {}\\fR", roff(c.joined()));
    if (!c.leaf()) {
        return line + " \\fIcommand\\fR";
    }
    bool has_flags = false;
    for (const auto& o : c.options) {
        if (!o.positional.empty()) {
            line += o.required ? fmt::format(" \\fI{}\\fR", roff(upper(o.positional)))
                               : fmt::format(" [\\fI{}\\fR...]", roff(upper(o.positional)));
        } else {
            has_flags = true;
        }
    }
    return has_flags ? line + " [\\fIflags\\fR]" : line;
}

std::string commands(const CommandDoc& root) {
    std::string out;
    for (const auto* c : flatten(root)) {
        if (c == &root) {
            continue;
        }
        out += fmt::format(".SS \"asc {}\"\n", roff(c->joined()));
        out += usage(*c) + "\n.br\n" + fill(c->description + ".") + "\n";
        if (!c->aliases.empty()) {
            std::string also;
            for (const auto& a : c->aliases) {
                std::vector<std::string> path = c->path;
                path.back() = a;
                std::string joined;
                for (const auto& p : path) {
                    joined += (joined.empty() ? "" : " ") + p;
                }
                also += (also.empty() ? "" : ", ") + fmt::format("\\fBasc {}\\fR", roff(joined));
            }
            out += "Also: " + also + ".\n";
        }
        out += options(c->options);
        out += footer(c->footer);
    }
    return out;
}

std::string synopsis(const CommandDoc& root) {
    std::string out = ".SH SYNOPSIS\n.nf\n\\fBasc\\fR [\\fIglobal flags\\fR] \\fIcommand\\fR [\\fIflags\\fR] "
                      "[\\fIarguments\\fR]\n";
    for (const auto* c : flatten(root)) {
        if (c != &root && c->leaf()) {
            out += usage(*c) + "\n";
        }
    }
    return out + ".fi\n";
}

} // namespace

std::string man_page(const CommandDoc& root) {
    std::string out =
        ".\\\" Generated from asc's command tree by `asc __man` (scripts/regen-docs); do not edit.\n";
    out += fmt::format(".TH ASC 1 {} \"asc {}\" \"User Commands\"\n", k_manual_date, k_version);
    out += ".SH NAME\nasc \\- Amazon seller order operations from the terminal\n";
    out += synopsis(root);
    out += ".SH DESCRIPTION\n" + blocks(man_description());
    out += ".SH COMMANDS\n" + commands(root);
    OptionDoc help;
    help.short_names = {"h"};
    help.long_names = {"help"};
    help.description = "Print the help of asc or of a command (with its examples) and exit.";
    std::vector<OptionDoc> global = root.options;
    global.push_back(help);
    out += ".SH OPTIONS\nThese global flags are accepted before or after the command.\n" + options(global);
    for (const auto& topic : help_topics()) {
        out += fmt::format(".SH {}\n", topic.section) + blocks(topic.blocks);
    }
    out += ".SH SEE ALSO\n" + blocks(man_see_also());
    return out;
}

} // namespace asc::cli::docgen
