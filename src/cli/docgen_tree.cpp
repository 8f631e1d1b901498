// Reads the CLI11 tree into CommandDoc values, and the table of option values the completions
// offer.

#include "asc/amazon/cancel_reason.hpp"
#include "asc/config/keys.hpp"
#include "asc/model/status.hpp"
#include "asc/output/order_records.hpp"
#include "asc/output/output.hpp"
#include "asc/store/store.hpp"
#include "cancel_output.hpp"
#include "commands.hpp"
#include "docgen.hpp"
#include "help_topics.hpp"

#include <algorithm>
#include <map>

namespace asc::cli::docgen {

namespace {

bool hidden(const CLI::Option& o) {
    return o.get_group().empty();
}

OptionDoc option_doc(const CLI::Option& o) {
    OptionDoc d;
    d.long_names = o.get_lnames();
    d.short_names = o.get_snames();
    if (o.get_positional() && !o.nonpositional()) {
        d.positional = o.get_name(true);
    }
    d.takes_value = o.get_expected_max() > 0;
    if (d.takes_value) {
        const std::string type = o.get_type_name();
        d.value_name = type.substr(0, type.find(':'));
        if (d.value_name.empty()) {
            d.value_name = "VALUE";
        }
    }
    d.description = o.get_description();
    d.required = o.get_required();
    return d;
}

void read_command(const CLI::App& app, CommandDoc& doc) {
    doc.aliases = app.get_aliases();
    doc.description = app.get_description();
    doc.footer = app.get_footer();
    for (const CLI::Option* o : app.get_options()) {
        if (hidden(*o) || o == app.get_help_ptr()) {
            continue;
        }
        doc.options.push_back(option_doc(*o));
    }
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
        CommandDoc child;
        child.path = doc.path;
        child.path.push_back(sub->get_name());
        read_command(*sub, child);
        doc.commands.push_back(std::move(child));
    }
}

void collect(const CommandDoc& c, std::vector<const CommandDoc*>& out) {
    out.push_back(&c);
    for (const auto& child : c.commands) {
        collect(child, out);
    }
}

std::vector<std::string> names_of(const std::vector<Field>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) {
        out.push_back(f.key);
    }
    return out;
}

// The journal states `cancellations list --state` accepts (journal_state.hpp).
std::vector<std::string> journal_states() {
    std::vector<std::string> out;
    for (const JournalState s : all_journal_states()) {
        out.emplace_back(to_string(s));
    }
    return out;
}

const std::map<std::string, ValueCompletion>& value_table() {
    using K = ValueCompletion::Kind;
    static const std::map<std::string, ValueCompletion> table = [] {
        std::map<std::string, ValueCompletion> t;
        auto words = [&t](const std::string& key, std::vector<std::string> w) {
            t[key] = ValueCompletion{K::Words, std::move(w), {}, {}};
        };
        std::vector<std::string> statuses;
        for (Status s : all_statuses()) {
            statuses.emplace_back(to_string(s));
        }
        std::vector<std::string> reasons;
        for (CancelReason r : all_cancel_reasons()) {
            reasons.emplace_back(to_string(r));
        }
        std::vector<std::string> sorts;
        for (auto key : order_sort_keys()) {
            sorts.emplace_back(key);
        }
        for (auto key : order_sort_keys()) {
            sorts.push_back("-" + std::string(key));
        }
        std::vector<std::string> topics;
        for (const auto& topic : help_topics()) {
            topics.push_back(topic.name);
        }
        words("--tab", {"details", "items", "tracking", "all"});
        words("--output", {"table", "wide", "json", "jsonl", "csv", "tsv", "ids"});
        words("--status", statuses);
        words("--reason", reasons);
        words("--fulfilled-by", {"merchant", "amazon"});
        words("--color", {"auto", "always", "never"});
        words("--sort", sorts);
        words("--state", journal_states());
        words("shell", {"bash", "zsh", "fish"});
        words("topic", topics);
        words("key", setting_key_names()); // asc config show KEY: the settings table
        t["--fields"] = ValueCompletion{K::FieldList, all_field_names(), {}, field_names_by_command()};
        t["--config"] = ValueCompletion{K::Files, {}, {}, {}};
        t["--from"] = ValueCompletion{K::Files, {}, {}, {}};
        t["--profile"] = ValueCompletion{K::Dynamic, {}, "profiles", {}};
        t["id"] = ValueCompletion{K::Dynamic, {}, "order-ids", {}};
        t["--order"] = ValueCompletion{K::Dynamic, {}, "order-ids", {}};
        t["feed_id"] = ValueCompletion{K::Dynamic, {}, "feed-ids", {}};
        t["--feed"] = ValueCompletion{K::Dynamic, {}, "feed-ids", {}};
        return t;
    }();
    return table;
}

} // namespace

std::string OptionDoc::key() const {
    if (!positional.empty()) {
        return positional;
    }
    return long_names.empty() ? "-" + short_names.front() : "--" + long_names.front();
}

std::vector<std::string> OptionDoc::spellings() const {
    std::vector<std::string> out;
    for (const auto& s : short_names) {
        out.push_back("-" + s);
    }
    for (const auto& l : long_names) {
        out.push_back("--" + l);
    }
    return out;
}

std::string CommandDoc::joined() const {
    std::string out;
    for (const auto& p : path) {
        out += out.empty() ? p : " " + p;
    }
    return out;
}

bool CommandDoc::has_positional() const {
    return std::any_of(options.begin(), options.end(),
                       [](const OptionDoc& o) { return !o.positional.empty(); });
}

CommandDoc describe(const CLI::App& root) {
    CommandDoc doc;
    read_command(root, doc);
    return doc;
}

std::vector<const CommandDoc*> flatten(const CommandDoc& root) {
    std::vector<const CommandDoc*> out;
    collect(root, out);
    return out;
}

ValueCompletion value_completion(const OptionDoc& option) {
    const auto& table = value_table();
    const auto it = table.find(option.key());
    if (it == table.end() || (option.positional.empty() && !option.takes_value)) {
        return {};
    }
    return it->second;
}

const std::vector<std::string>& dynamic_kinds() {
    static const std::vector<std::string> kinds{"profiles", "order-ids", "feed-ids"};
    return kinds;
}

std::vector<std::string> all_field_names() {
    std::vector<std::string> out;
    for (const auto* fields :
         {&list_fields(), &item_fields(), &package_fields(), &cancel_fields(), &journal_fields()}) {
        for (const auto& name : names_of(*fields)) {
            if (std::find(out.begin(), out.end(), name) == out.end()) {
                out.push_back(name);
            }
        }
    }
    return out;
}

std::map<std::string, std::vector<std::string>> field_names_by_command() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& c : field_catalog()) {
        // "orders show --tab items" is one tab of "orders show": the command offers every tab's.
        const std::string path = c.command.substr(0, c.command.find(" --"));
        auto& names = out[path];
        if (names.empty()) {
            names.emplace_back("help");
        }
        for (const auto& f : c.fields) {
            if (std::find(names.begin(), names.end(), f.key) == names.end()) {
                names.push_back(f.key);
            }
        }
    }
    return out;
}

} // namespace asc::cli::docgen
