#pragma once
// What the bash, zsh and fish completion generators share: quoting, the tables read from the
// command tree, the generated-file header.

#include "docgen.hpp"

#include <fmt/format.h>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace asc::cli::docgen::shells {

// Definitions in a header: these are small, and only docgen_shells.cpp and docgen_fish.cpp
// include it (inline keeps one definition).

using Kind = ValueCompletion::Kind;

inline std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// 'text' for bash and zsh.
inline std::string sq(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

// 'text' for fish, where \ and ' are escaped inside single quotes.
inline std::string fish_sq(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\\' || c == '\'') {
            out += '\\';
        }
        out += c;
    }
    return out + "'";
}

inline std::string join(const std::vector<std::string>& words, const std::string& sep = " ") {
    std::string out;
    for (const auto& w : words) {
        out += out.empty() ? w : sep + w;
    }
    return out;
}

struct Flag {
    std::vector<std::string> spellings;
    std::string description;
};

// The tables every script needs, read once from the tree.
struct Tables {
    const CommandDoc* root = nullptr;
    std::vector<const CommandDoc*> commands;
    std::vector<Flag> global_flags;                  // the root's options, -h/--help, everywhere
    std::vector<std::string> global_value_spellings; // global options that take a value
    // "path:spelling" of command options that take a value.
    std::vector<std::string> command_value_spellings;
    // key -> every spelling of the options with that key, and what to offer.
    std::map<std::string, std::pair<std::set<std::string>, ValueCompletion>> values;

    explicit Tables(const CommandDoc& r) : root(&r), commands(flatten(r)) {
        for (const auto& o : r.options) {
            add_option("", o, true);
        }
        global_flags.push_back({{"-h", "--help"}, "Print help and exit"});
        for (const auto* c : commands) {
            if (c == root) {
                continue;
            }
            for (const auto& o : c->options) {
                add_option(c->joined(), o, false);
            }
        }
    }

    void add_option(const std::string& path, const OptionDoc& o, bool global) {
        const ValueCompletion vc = value_completion(o);
        if (vc.kind != Kind::None) {
            auto& entry = values[o.key()];
            entry.second = vc;
            for (const auto& s : o.positional.empty() ? o.spellings() : std::vector<std::string>{o.key()}) {
                entry.first.insert(s);
            }
        }
        if (!o.positional.empty()) {
            return;
        }
        if (global) {
            global_flags.push_back({o.spellings(), first_line(o.description)});
        }
        if (o.takes_value) {
            for (const auto& s : o.spellings()) {
                if (global) {
                    global_value_spellings.push_back(s);
                } else {
                    command_value_spellings.push_back(path + ":" + s);
                }
            }
        }
    }

    // The child of `c` each word names (its name and aliases).
    static std::vector<std::pair<std::string, const CommandDoc*>> children(const CommandDoc& c) {
        std::vector<std::pair<std::string, const CommandDoc*>> out;
        for (const auto& child : c.commands) {
            out.emplace_back(child.name(), &child);
            for (const auto& a : child.aliases) {
                out.emplace_back(a, &child);
            }
        }
        return out;
    }

    static std::string positional_key(const CommandDoc& c) {
        for (const auto& o : c.options) {
            if (!o.positional.empty()) {
                return o.key();
            }
        }
        return {};
    }

    static std::vector<Flag> own_flags(const CommandDoc& c) {
        std::vector<Flag> out;
        for (const auto& o : c.options) {
            if (o.positional.empty()) {
                out.push_back({o.spellings(), first_line(o.description)});
            }
        }
        return out;
    }
};

inline std::string header(const std::string& comment, const std::string& shell, const std::string& install) {
    return fmt::format(
        "{0} {1} completion for asc. Generated from asc's command tree by `asc completion {1}`\n"
        "{0} (scripts/regen-docs writes completions/); do not edit.\n"
        "{0} {2}\n\n",
        comment, shell, install);
}

} // namespace asc::cli::docgen::shells
