// bash and zsh completion scripts (fish: docgen_fish.cpp), generated from the command tree. Each script
// carries the same small tables (which word names which subcommand, which flags take a value, the flags and
// subcommands of each command, the values of each option) and the same walk over the words
// typed so far; values that change (profiles, order ids, feed ids) come from `asc __complete`.

#include "docgen_shells.hpp"

#include "docgen.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

namespace asc::cli::docgen {

namespace {

using namespace shells;

// ---------------------------------------------------------------------------------------------
// The parts bash and zsh share: same case tables, same walk.

std::string sh_child_function(const Tables& t) {
    std::string out = "# __asc_child PATH WORD: sets REPLY to the command WORD names under PATH (aliases\n"
                      "# resolved); fails when WORD names none.\n"
                      "__asc_child() {\n    case \"$1:$2\" in\n";
    for (const auto* c : t.commands) {
        for (const auto& [word, child] : Tables::children(*c)) {
            out +=
                fmt::format("        {}) REPLY={} ;;\n", sq(c->joined() + ":" + word), sq(child->joined()));
        }
    }
    return out + "        *) return 1 ;;\n    esac\n}\n\n";
}

std::string sh_takes_value_function(const Tables& t) {
    std::string out = "# __asc_takes_value PATH FLAG: succeeds when FLAG takes a value in the command PATH.\n"
                      "__asc_takes_value() {\n";
    if (!t.global_value_spellings.empty()) {
        out += fmt::format("    case \"$2\" in\n        {}) return 0 ;;\n    esac\n",
                           join(t.global_value_spellings, "|"));
    }
    if (!t.command_value_spellings.empty()) {
        out += "    case \"$1:$2\" in\n";
        for (const auto& s : t.command_value_spellings) {
            out += fmt::format("        {}) return 0 ;;\n", sq(s));
        }
        out += "    esac\n";
    }
    return out + "    return 1\n}\n\n";
}

std::string sh_positional_function(const Tables& t) {
    std::string out = "# __asc_positional PATH: sets REPLY to what the arguments of the command PATH are.\n"
                      "__asc_positional() {\n    case \"$1\" in\n";
    for (const auto* c : t.commands) {
        if (const auto key = Tables::positional_key(*c); !key.empty()) {
            out += fmt::format("        {}) REPLY={} ;;\n", sq(c->joined()), key);
        }
    }
    return out + "        *) REPLY= ;;\n    esac\n}\n\n";
}

// The FieldList (--fields) entry of the value table, if any.
const ValueCompletion* field_list(const Tables& t) {
    for (const auto& [key, entry] : t.values) {
        if (entry.second.kind == Kind::FieldList) {
            return &entry.second;
        }
    }
    return nullptr;
}

// __asc_fields PATH: the fields of the command PATH (every command's before a command is typed;
// "help" alone for a command without fields).
std::string sh_fields_function(const Tables& t) {
    const ValueCompletion* vc = field_list(t);
    if (vc == nullptr) {
        return {};
    }
    std::string out = "# __asc_fields PATH: sets REPLY to the fields --fields accepts in the command PATH.\n"
                      "__asc_fields() {\n    case \"$1\" in\n";
    for (const auto& [path, names] : vc->by_command) {
        out += fmt::format("        {}) REPLY={} ;;\n", sq(path), sq(join(names)));
    }
    out += fmt::format("        '') REPLY={} ;;\n", sq(join(vc->words)));
    return out + "        *) REPLY=help ;;\n    esac\n}\n\n";
}

// The walk over words[first..current-1]: sets cmdpath and __asc_args (--profile and --config as
// typed, for `asc __complete`). `first` is 1 in bash (0-based words) and 2 in zsh.
std::string sh_walk(int first) {
    return fmt::format("    local cmdpath= REPLY= i w\n"
                       "    __asc_args=()\n"
                       "    for ((i = {}; i < cword; i++)); do\n"
                       "        w=${{words[i]}}\n"
                       "        case $w in\n"
                       "            --profile=* | --config=*) __asc_args+=(\"$w\") ;;\n"
                       "            --*=* | - | =) ;;\n"
                       "            -*)\n"
                       "                if __asc_takes_value \"$cmdpath\" \"$w\"; then\n"
                       "                    ((i++))\n"
                       "                    [[ ${{words[i]-}} == = ]] && ((i++))\n"
                       "                    case $w in --profile | --config) __asc_args+=(\"$w\" "
                       "\"${{words[i]-}}\") ;; esac\n"
                       "                fi\n"
                       "                ;;\n"
                       "            *) __asc_child \"$cmdpath\" \"$w\" && cmdpath=$REPLY ;;\n"
                       "        esac\n"
                       "    done\n",
                       first);
}

// ---------------------------------------------------------------------------------------------
// bash

std::string bash_values_function(const Tables& t) {
    std::string out = "# __asc_values KEY CUR: completes the value of the flag or argument KEY.\n"
                      "__asc_values() {\n    local cur=$2\n    case \"$1\" in\n";
    for (const auto& [key, entry] : t.values) {
        const auto& [spellings, vc] = entry;
        std::string action;
        switch (vc.kind) {
        case Kind::Words:
            action = fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))", sq(join(vc.words)));
            break;
        case Kind::FieldList: // cmdpath: _asc's local, the command typed so far
            action = "__asc_fields \"$cmdpath\"; __asc_list \"$REPLY\" \"$cur\"";
            break;
        case Kind::Files:
            action = "__asc_files";
            break;
        case Kind::Dynamic:
            action = fmt::format("__asc_dynamic {} \"$cur\"", vc.dynamic);
            break;
        case Kind::None:
            continue;
        }
        out += fmt::format("        {}) {} ;;\n", join({spellings.begin(), spellings.end()}, " | "), action);
    }
    return out + "    esac\n}\n\n";
}

std::string bash_lists_function(const Tables& t) {
    std::string out = "# __asc_commands PATH: sets REPLY to the subcommands of PATH.\n"
                      "__asc_commands() {\n    case \"$1\" in\n";
    for (const auto* c : t.commands) {
        std::vector<std::string> names;
        for (const auto& child : c->commands) {
            names.push_back(child.name());
        }
        if (!names.empty()) {
            out += fmt::format("        {}) REPLY={} ;;\n", sq(c->joined()), sq(join(names)));
        }
    }
    out += "        *) REPLY= ;;\n    esac\n}\n\n";

    std::vector<std::string> globals;
    for (const auto& f : t.global_flags) {
        globals.insert(globals.end(), f.spellings.begin(), f.spellings.end());
    }
    out += "# __asc_flags PATH: sets REPLY to the flags of PATH (global flags included).\n"
           "__asc_flags() {\n";
    out += fmt::format("    REPLY={}\n    case \"$1\" in\n", sq(join(globals)));
    for (const auto* c : t.commands) {
        std::vector<std::string> own;
        for (const auto& f : Tables::own_flags(*c)) {
            own.insert(own.end(), f.spellings.begin(), f.spellings.end());
        }
        if (c != t.root && !own.empty()) {
            out += fmt::format("        {}) REPLY+={} ;;\n", sq(c->joined()), sq(" " + join(own)));
        }
    }
    return out + "    esac\n}\n\n";
}

constexpr std::string_view k_bash_helpers = R"SH(__asc_files() {
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

# __asc_list WORDS CUR: completes the last item of a comma-separated list.
__asc_list() {
    local prefix= w
    [[ $2 == *,* ]] && prefix=${2%,*},
    COMPREPLY=()
    for w in $(compgen -W "$1" -- "${2##*,}"); do COMPREPLY+=("$prefix$w"); done
    compopt -o nospace 2>/dev/null
}

# __asc_dynamic KIND CUR: asks asc itself (profiles from the config, ids from the local store;
# never the network).
__asc_dynamic() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${words[0]}" "${__asc_args[@]}" __complete "$1" "$2" 2>/dev/null)" -- "$2"))
}

_asc() {
    local cur prev words cword split=false
    local -a __asc_args
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        COMPREPLY=()
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${words[cword]}
        prev=${words[cword - 1]}
        if [[ $cur == = ]]; then
            cur=
            split=true
        elif [[ $prev == = ]]; then
            prev=${words[cword - 2]}
            split=true
        fi
    fi
)SH";

constexpr std::string_view k_bash_main =
    R"SH(    if [[ $split == true ]] || { [[ $prev == -* ]] && __asc_takes_value "$cmdpath" "$prev"; }; then
        __asc_values "$prev" "$cur"
        return
    fi
    if [[ $cur == -* ]]; then
        __asc_flags "$cmdpath"
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        return
    fi
    __asc_commands "$cmdpath"
    if [[ -n $REPLY ]]; then
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        return
    fi
    __asc_positional "$cmdpath"
    [[ -n $REPLY ]] && __asc_values "$REPLY" "$cur"
    return 0
}

complete -F _asc asc
)SH";

// ---------------------------------------------------------------------------------------------
// zsh

std::string zsh_entry(const std::string& name, const std::string& description) {
    std::string escaped;
    for (char c : name) {
        if (c == ':') {
            escaped += '\\';
        }
        escaped += c;
    }
    return sq(escaped + ":" + description);
}

std::string zsh_lists_function(const Tables& t) {
    std::string out = "# __asc_commands PATH: sets reply to the subcommands of PATH as name:description.\n"
                      "__asc_commands() {\n    case \"$1\" in\n";
    for (const auto* c : t.commands) {
        if (c->commands.empty()) {
            continue;
        }
        out += fmt::format("        {})\n            reply=(\n", sq(c->joined()));
        for (const auto& child : c->commands) {
            out +=
                fmt::format("                {}\n", zsh_entry(child.name(), first_line(child.description)));
        }
        out += "            ) ;;\n";
    }
    out += "        *) reply=() ;;\n    esac\n}\n\n";

    out += "# __asc_flags PATH: sets reply to the flags of PATH (global flags included).\n"
           "__asc_flags() {\n    reply=(\n";
    for (const auto& f : t.global_flags) {
        for (const auto& s : f.spellings) {
            out += fmt::format("        {}\n", zsh_entry(s, f.description));
        }
    }
    out += "    )\n    case \"$1\" in\n";
    for (const auto* c : t.commands) {
        const auto own = Tables::own_flags(*c);
        if (c == t.root || own.empty()) {
            continue;
        }
        out += fmt::format("        {})\n            reply+=(\n", sq(c->joined()));
        for (const auto& f : own) {
            for (const auto& s : f.spellings) {
                out += fmt::format("                {}\n", zsh_entry(s, f.description));
            }
        }
        out += "            ) ;;\n";
    }
    return out + "    esac\n}\n\n";
}

std::string zsh_values_function(const Tables& t) {
    std::string out = "# __asc_values KEY: completes the value of the flag or argument KEY.\n"
                      "__asc_values() {\n    case \"$1\" in\n";
    for (const auto& [key, entry] : t.values) {
        const auto& [spellings, vc] = entry;
        std::string action;
        switch (vc.kind) {
        case Kind::Words:
            action = fmt::format("compadd -- {}", join(vc.words));
            break;
        case Kind::FieldList: // cmdpath: _asc's local, the command typed so far
            action = "__asc_fields \"$cmdpath\"; compset -P '*,'; compadd -S '' -q -- ${=REPLY}";
            break;
        case Kind::Files:
            action = "_files";
            break;
        case Kind::Dynamic:
            action = fmt::format("__asc_dynamic {}", vc.dynamic);
            break;
        case Kind::None:
            continue;
        }
        out += fmt::format("        {}) {} ;;\n", join({spellings.begin(), spellings.end()}, " | "), action);
    }
    return out + "        *) _message 'value' ;;\n    esac\n}\n\n";
}

constexpr std::string_view k_zsh_helpers =
    R"SH(# __asc_dynamic KIND: asks asc itself (profiles from the config, ids from the local store;
# never the network).
__asc_dynamic() {
    local -a values
    values=(${(f)"$(${words[1]} "${__asc_args[@]}" __complete $1 "$PREFIX" 2>/dev/null)"})
    compadd -a values
}

_asc() {
    local cword=$CURRENT cur=${words[CURRENT]} prev=${words[CURRENT-1]}
    local -a reply __asc_args
)SH";

constexpr std::string_view k_zsh_main = R"SH(    if [[ $cur == -*=* ]]; then
        local flag=${cur%%=*}
        compset -P '*='
        __asc_values "$flag"
        return
    fi
    if [[ $prev == -* ]] && __asc_takes_value "$cmdpath" "$prev"; then
        __asc_values "$prev"
        return
    fi
    if [[ $cur == -* ]]; then
        __asc_flags "$cmdpath"
        _describe -t options 'flag' reply
        return
    fi
    __asc_commands "$cmdpath"
    if (( $#reply )); then
        _describe -t commands 'command' reply
        return
    fi
    __asc_positional "$cmdpath"
    [[ -n $REPLY ]] && __asc_values "$REPLY"
}

if [[ $funcstack[1] == _asc ]]; then
    _asc "$@"
else
    compdef _asc asc
fi
)SH";

} // namespace

std::string bash_completion(const CommandDoc& root) {
    const Tables t(root);
    std::string out =
        header("#", "bash",
               "Install as /usr/share/bash-completion/completions/asc, or: source <(asc completion bash)");
    out += sh_child_function(t) + sh_takes_value_function(t) + bash_lists_function(t) +
           sh_positional_function(t) + sh_fields_function(t) + bash_values_function(t);
    out += k_bash_helpers;
    out += sh_walk(1);
    out += k_bash_main;
    return out;
}

std::string zsh_completion(const CommandDoc& root) {
    const Tables t(root);
    std::string out = "#compdef asc\n";
    out += header("#", "zsh",
                  "Install as _asc in a directory of $fpath (/usr/share/zsh/vendor-completions), or\n"
                  "# after compinit: source <(asc completion zsh)");
    out += sh_child_function(t) + sh_takes_value_function(t) + zsh_lists_function(t) +
           sh_positional_function(t) + sh_fields_function(t) + zsh_values_function(t);
    out += k_zsh_helpers;
    out += sh_walk(2);
    out += k_zsh_main;
    return out;
}

} // namespace asc::cli::docgen
