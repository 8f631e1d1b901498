// The fish completion script, generated from the command tree with the tables of
// docgen_shells.hpp; values that change come from `asc __complete`.

#include "docgen.hpp"
#include "docgen_shells.hpp"

#include <fmt/format.h>

namespace asc::cli::docgen {

namespace {

using namespace shells;

// ---------------------------------------------------------------------------------------------
// fish

// __asc_fields: the fields --fields accepts in the command typed so far (every command's before a
// command is typed; "help" alone for a command without fields), as __asc_list candidates.
std::string fish_fields_function(const Tables& t) {
    const ValueCompletion* vc = nullptr;
    for (const auto& [key, entry] : t.values) {
        if (entry.second.kind == Kind::FieldList) {
            vc = &entry.second;
        }
    }
    if (vc == nullptr) {
        return {};
    }
    std::string out = "# __asc_fields: the fields --fields accepts in the command typed so far.\n"
                      "function __asc_fields\n    switch (__asc_path)\n";
    for (const auto& [path, names] : vc->by_command) {
        out += fmt::format("        case {}\n            __asc_list {}\n", fish_sq(path), join(names));
    }
    out += fmt::format("        case ''\n            __asc_list {}\n", join(vc->words));
    return out + "        case '*'\n            __asc_list help\n    end\nend\n\n";
}

std::string fish_functions(const Tables& t) {
    std::string out =
        "# __asc_child PATH WORD: prints the command WORD names under PATH (aliases resolved).\n"
        "function __asc_child\n    switch \"$argv[1]:$argv[2]\"\n";
    for (const auto* c : t.commands) {
        for (const auto& [word, child] : Tables::children(*c)) {
            out += fmt::format("        case {}\n            echo {}\n", fish_sq(c->joined() + ":" + word),
                               fish_sq(child->joined()));
        }
    }
    out += "        case '*'\n            return 1\n    end\nend\n\n";

    out += "# __asc_takes_value PATH FLAG: succeeds when FLAG takes a value in the command PATH.\n"
           "function __asc_takes_value\n";
    if (!t.global_value_spellings.empty()) {
        out += fmt::format("    switch $argv[2]\n        case {}\n            return 0\n    end\n",
                           join(t.global_value_spellings));
    }
    if (!t.command_value_spellings.empty()) {
        std::vector<std::string> quoted;
        for (const auto& s : t.command_value_spellings) {
            quoted.push_back(fish_sq(s));
        }
        out +=
            fmt::format("    switch \"$argv[1]:$argv[2]\"\n        case {}\n            return 0\n    end\n",
                        join(quoted));
    }
    out += "    return 1\nend\n\n";
    return out + fish_fields_function(t);
}

constexpr std::string_view k_fish_helpers =
    R"SH(# __asc_path: the command path of the words typed so far ("orders list").
function __asc_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*' -
            case '-*'
                __asc_takes_value "$cmdpath" $w; and set skip 1
            case '*'
                set -l next (__asc_child "$cmdpath" $w); and set cmdpath $next
        end
    end
    echo $cmdpath
end

function __asc_at
    set -l p (__asc_path)
    test "$p" = "$argv[1]"
end

# __asc_dynamic KIND: asks asc itself (profiles from the config, ids from the local store; never
# the network).
function __asc_dynamic
    set -l words (commandline -opc)
    set -l args
    for i in (seq 2 (count $words))
        switch $words[$i]
            case --profile --config
                set -l j (math $i + 1)
                test $j -le (count $words); and set -a args $words[$i] $words[$j]
            case '--profile=*' '--config=*'
                set -a args $words[$i]
        end
    end
    set -l cur (commandline -ct | string replace -r -- '^--[^=]*=' '')
    command $words[1] $args __complete $argv[1] "$cur" 2>/dev/null
end

# __asc_list WORDS...: the last item of a comma-separated list.
function __asc_list
    set -l cur (commandline -ct | string replace -r -- '^--[^=]*=' '')
    set -l prefix (string match -r -- '^.*,' $cur)
    for w in $argv
        echo "$prefix$w" # quoted: an empty list (no comma yet) is an empty string
    end
end

complete -c asc -f
)SH";

std::string fish_value_args(const ValueCompletion& vc) {
    switch (vc.kind) {
    case Kind::Words:
        return fmt::format(" -x -a {}", fish_sq(join(vc.words)));
    case Kind::FieldList:
        return " -x -a '(__asc_fields)'";
    case Kind::Files:
        return " -r -F";
    case Kind::Dynamic:
        return fmt::format(" -x -a {}", fish_sq("(__asc_dynamic " + vc.dynamic + ")"));
    case Kind::None:
        break;
    }
    return " -x";
}

std::string fish_option(const OptionDoc& o, const std::string& condition) {
    std::string line = "complete -c asc";
    if (!condition.empty()) {
        line += " -n " + fish_sq(condition);
    }
    for (const auto& s : o.short_names) {
        line += " -s " + s;
    }
    for (const auto& l : o.long_names) {
        line += " -l " + l;
    }
    if (o.takes_value) {
        line += fish_value_args(value_completion(o));
    }
    return line + " -d " + fish_sq(first_line(o.description)) + "\n";
}

} // namespace

std::string fish_completion(const CommandDoc& root) {
    const Tables t(root);
    std::string out =
        header("#", "fish",
               "Install in ~/.config/fish/completions/asc.fish (or fish's vendor_completions.d),\n"
               "# or: asc completion fish | source");
    out += fish_functions(t);
    out += k_fish_helpers;
    out += "\n# Global flags (accepted before or after the command)\n";
    for (const auto& o : root.options) {
        if (o.positional.empty()) {
            out += fish_option(o, "");
        }
    }
    out += "complete -c asc -s h -l help -d 'Print help and exit'\n";
    for (const auto* c : t.commands) {
        const std::string at = fmt::format("__asc_at \"{}\"", c->joined());
        std::string block;
        for (const auto& child : c->commands) {
            block += fmt::format("complete -c asc -n {} -a {} -d {}\n", fish_sq(at), fish_sq(child.name()),
                                 fish_sq(first_line(child.description)));
        }
        if (c != t.root) {
            for (const auto& o : c->options) {
                if (o.positional.empty()) {
                    block += fish_option(o, at);
                } else if (const auto vc = value_completion(o); vc.kind != Kind::None) {
                    block += fmt::format("complete -c asc -n {}{}\n", fish_sq(at), fish_value_args(vc));
                }
            }
        }
        if (!block.empty()) {
            out += fmt::format("\n# asc{}\n", c->path.empty() ? "" : " " + c->joined()) + block;
        }
    }
    return out;
}

} // namespace asc::cli::docgen
