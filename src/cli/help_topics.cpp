// The texts of `asc help TOPIC` and of the man page's written sections (one copy of each).

#include "help_topics.hpp"

#include "asc/amazon/ship_confirm.hpp"
#include "asc/config/keys.hpp"
#include "commands.hpp"

#include <cctype>
#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

namespace {

using Kind = HelpBlock::Kind;

HelpBlock para(std::string text) {
    return {Kind::Paragraph, "", std::move(text)};
}
HelpBlock item(std::string term, std::string text) {
    return {Kind::Item, std::move(term), std::move(text)};
}
HelpBlock verbatim(std::string lines) {
    return {Kind::Verbatim, "", std::move(lines)};
}

HelpTopic formats_topic() {
    return {
        "formats",
        "OUTPUT FORMATS",
        "-o table|wide|json|jsonl|csv|tsv|ids, --fields, --jq, terminals and pipes",
        {
            para("-o/--output picks the format of the data on stdout. --fields a,b picks and orders the "
                 "columns (every format; a wrong name exits 2 and lists the valid ones); --no-headers drops "
                 "the header row of table, csv and tsv."),
            item("table", "The default. On a terminal: aligned columns under a header, statuses in color, "
                          "amounts right-aligned, times relative (\"3 hours ago\"), fitted to the width of "
                          "the terminal: the least useful columns are left out first (stderr says which, "
                          "once), then free text such as titles is cut with an ellipsis; ids, statuses, "
                          "amounts, dates and reasons are never cut. Long batch ids show their last part. "
                          "In a pipe or a file the default becomes tsv without a header and with RFC 3339 "
                          "times, so cut, sort and awk work; an explicit -o table (or -o wide, or --color "
                          "always) draws the table there too, fitted to COLUMNS or 80 columns, colored with "
                          "--color always or CLICOLOR_FORCE=1 (for less -R). The reports (asc report ...) "
                          "keep the table in a pipe, without colors and under a title line, so that cron "
                          "mails them readable."),
            item("wide", "A table of every field of the command, nothing left out or cut (lines may be "
                         "longer than the terminal)."),
            item("json", "One JSON document: an array of records for lists, an object for one order."),
            item("jsonl", "One JSON record per line, written as each page arrives; money is two keys, "
                          "<name>_amount (a decimal string) and <name>_currency."),
            item("csv", "RFC 4180 with a header of the field names. Money is two columns, "
                        "<name>_amount (a plain decimal such as -3.99, which a spreadsheet or awk can sum) "
                        "and <name>_currency; --fields total selects both. A text cell that starts with "
                        "=, +, - or @ gets a leading ' so that spreadsheets do not run it as a formula; "
                        "numbers and amounts are never changed."),
            item("tsv", "Tab-separated with a header of the field names, money as in csv; tabs, newlines "
                        "and backslashes inside values are written as \\t, \\n and \\\\."),
            item("ids", "One order id per line, for pipes into asc order cancel --from -."),
            para("Every machine format has stable snake_case keys and times in RFC 3339 UTC "
                 "(2026-11-01T10:00:00Z); json has money as {\"amount\":\"19.99\",\"currency\":\"USD\"}: a "
                 "decimal string, never a float. Text from Amazon has control characters removed."),
            para("asc order show draws, on a terminal, one titled section per tab (Order and Shipping "
                 "Details, Order Items, Tracking), with times relative and absolute and the items as one "
                 "block each when their table would not fit. In a pipe its default output is sections: a "
                 "line [details], [items N] or [tracking N], then one key<TAB>value line per value (nested "
                 "keys joined with _, money as _amount and _currency, empty values left out), then an empty "
                 "line; --tab picks one tab. -o json is one object."),
            para("--jq EXPR runs the JSON output through a jq program (libjq, as gh --jq does): the output "
                 "format becomes json and each result is printed on its own line, strings without quotes. "
                 "An invalid program exits 2 with jq's message. The output is the program's only input: "
                 "input, inputs, debug, stderr, import, include, env and $ENV (it holds the credentials) are not "
                 "supported (exit 2); a program "
                 "runs in a child process with a memory budget, so one that fails or recurses without end "
                 "exits 2 as well."),
            verbatim("asc orders list --status unshipped --jq '.[].order_id'\n"
                     "asc order show 112-1234567-1234567 --jq '.details.ship_to.city'"),
            para("Data goes to stdout. Progress, warnings and summaries go to stderr; progress only when "
                 "stderr is a terminal, on one line that is cleared when done, and never with -q."),
        }};
}

HelpTopic fields_topic() {
    HelpTopic topic{"fields", "FIELDS", "each command's fields: meaning, JSON type, table header", {}};
    topic.blocks.push_back(
        para("Each field has one name everywhere: the JSON key, the CSV/TSV column (money as <name>_amount "
             "and <name>_currency) and the --fields name. A table's header is the name in capitals with "
             "spaces, or the short label given here. asc COMMAND --fields help lists one command's fields."));
    for (const auto& c : field_catalog()) {
        topic.blocks.push_back(para(fmt::format("asc {}:", c.command)));
        for (const auto& f : c.fields) {
            const std::string header = table_header(f);
            std::string upper = f.key;
            for (auto& ch : upper) {
                ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            }
            topic.blocks.push_back(item(f.key, fmt::format("{} ({}{})", f.help, json_type(f.kind),
                                                           header == upper ? "" : "; table header " + header)));
        }
    }
    return topic;
}

HelpTopic exit_codes_topic() {
    return {
        "exit-codes",
        "EXIT STATUS",
        "what each exit status means, for scripts and cron",
        {
            item("0", "Success, also an empty list or an order that is already canceled."),
            item("1", "Unexpected error (a bug: please report it with the command that was run)."),
            item("2", "Usage or bad input: an unknown command or flag, a malformed order id, an unknown "
                      "status, reason or field, --yes missing off a terminal, an invalid --jq program."),
            item("3", "Not found: an unknown order or feed id."),
            item("4", "Authentication failed: refresh token revoked, client secret expired, access denied."),
            item("5", "Refused by the guard: the order's state forbids the action (only Unshipped orders "
                      "you fulfill can be canceled)."),
            item("6", "A batch partly failed: some orders were canceled, others failed, were refused or "
                      "were not found; the result rows say which."),
            item("7", "Declined: you answered no at a confirmation prompt; nothing was sent."),
            item("75", "Temporary failure after retries: network, throttling, Amazon 5xx, malformed "
                       "answers, a feed still processing, orders still in flight in another run (a shared "
                       "PostgreSQL store). Running the same command later is safe."),
            item("78", "Configuration missing or unsafe: no credentials, an unknown profile, a malformed "
                       "config file, a secret file readable by others."),
            item("130", "Interrupted: Ctrl-C, or Ctrl-D (end of input) at a prompt. At a prompt nothing "
                        "was sent yet."),
        }};
}

// The ASC_* variables of the settings table (asc/config/keys.hpp), then the others.
HelpTopic environment_topic() {
    std::vector<HelpBlock> blocks{para("Flags override environment variables, which override the profile in the config "
                                       "file, which overrides the defaults.")};
    for (const auto& key : setting_keys()) {
        if (!key.env.empty()) {
            blocks.push_back(item(std::string(key.env), setting_env_text(key)));
        }
    }
    for (auto& block : std::vector<HelpBlock>{
             item("ASC_FORCE_TTY", "Set: behave as if stdout and stderr were terminals (for tests and "
                                   "screenshots)."),
             item("NO_COLOR", "Set: no colors (wins over everything but --color always)."),
             item("CLICOLOR_FORCE", "Set and not 0: colors even in a pipe (of a table asked for with -o table)."),
             item("TERM", "dumb: no colors."),
             item("COLUMNS", "The width tables are fitted to; default the terminal's (80 in a pipe)."),
             item("ASC_PAGER, PAGER", "The pager of long tables on a terminal (ASC_PAGER first); default "
                                      "less -FRX. Empty or cat: none. --no-pager, or pager = false in the "
                                      "config, turns it off; never in a pipe or for machine formats."),
             item("XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME",
                  "Where the config file, the store and the token cache live; default ~/.config, "
                  "~/.local/share and ~/.cache."),
             item("HTTPS_PROXY, NO_PROXY", "Read by libcurl (lower-case https_proxy and no_proxy too)."),
         }) {
        blocks.push_back(std::move(block));
    }
    return {"environment", "ENVIRONMENT", "ASC_* variables, colors, width, XDG directories", std::move(blocks)};
}

HelpTopic config_topic() {
    return {
        "config",
        "FILES",
        "the config file, profiles, credentials, the store",
        {
            item("$XDG_CONFIG_HOME/asc/config.toml",
                 "The config file (TOML; ~/.config/asc/config.toml by default): profiles of credentials, "
                 "region, marketplaces and endpoints. asc config init writes a profile (asking on a terminal, "
                 "else from flags and the environment) with its secrets in "
                 "$XDG_CONFIG_HOME/asc/secrets/ (mode 0600) and tries the credentials; asc config list shows "
                 "the profiles, asc config use NAME makes one the default, asc config check tries "
                 "everything, and asc config show prints the effective settings and where each comes "
                 "from, secrets masked."),
            item("$XDG_DATA_HOME/asc/PROFILE.db",
                 "The local store of a profile (SQLite, mode 0600): orders for --cached and the reports, "
                 "sync marks, and the cancellation journal. Buyer names and addresses are kept only with "
                 "store_pii = true and are removed by asc store purge."),
            item("$XDG_CACHE_HOME/asc/",
                 "The cached LWA access token (valid one hour, mode 0600), and rate-limits/PROFILE@HOST: "
                 "the rate-limit token buckets (tokens, last refill, the rate Amazon announced), kept "
                 "between runs so that back-to-back commands never spend a 429 to relearn them."),
            para("A profile, chosen with --profile, ASC_PROFILE or default_profile:"),
            verbatim("default_profile = \"us\"\n"
                     "\n"
                     "[profiles.us]\n"
                     "region = \"na\"                       # na, eu or fe\n"
                     "marketplace_ids = [\"ATVPDKIKX0DER\"]\n"
                     "seller_id = \"A1EXAMPLE\"             # Seller Central: Merchant Token\n"
                     "client_id = \"amzn1.application-oa2-client.0123456789\"\n"
                     "client_secret_file = \"~/.config/asc/us.secret\"\n"
                     "refresh_token_file = \"~/.config/asc/us.refresh\"\n"
                     "# endpoint, lwa_endpoint: overrides (the simulator)\n"
                     "# store = \"/path/to/us.db\", store_pii = false"),
            para("Secrets (client_secret, refresh_token, or the files named by client_secret_file and "
                 "refresh_token_file) must be readable by their owner alone: asc refuses a file that group "
                 "or others can read and exits 78 with the chmod 600 command to run."),
        }};
}

HelpTopic commerce_topic() {
    return {
        "commerce",
        "MAGENTO",
        "what a cancellation does to the linked Magento order, and why it is not complete",
        {
            para(
                "With a [profiles.NAME.commerce] section (or ASC_COMMERCE_URL and ASC_COMMERCE_TOKEN), each "
                "order Amazon confirms canceled has its linked Magento order (the one whose ext_order_id, or "
                "increment_id with link_field = \"increment_id\", is the Amazon order id) closed out the way "
                "Amazon Sales Channel does: asc reads it (state, status, each item's quantities) and, with "
                "on_cancel = \"auto\" (the default):"),
            item("nothing invoiced",
                 "cancels it (POST /V1/orders/ID/cancel): state canceled; action canceled. "
                 "Magento answering false means it could not, and the step fails."),
            item("invoiced",
                 "an offline credit memo of every refundable item, back to stock, nobody notified "
                 "(POST /V1/order/ID/refund): state closed; action refunded, with the credit memo "
                 "id. Partly invoiced: the rest is canceled first."),
            item("canceled or closed", "nothing; action nothing_to_do."),
            item("shipped, on hold, payment review, complete",
                 "nothing: the step fails with the reason (Amazon refuses to cancel a shipped order too; "
                 "release a hold in Magento, then asc cancellations resume)."),
            para("Then one history comment naming the Amazon order, the reason and asc, not notified to the "
                 "customer, carrying the order's status after the action. on_cancel = \"comment\" adds only "
                 "that comment (action comment_only), for shops that close their orders themselves."),
            para(
                "The state complete cannot be reached: Magento's REST API reaches it only by shipping. A "
                "comment never changes the state, Magento 2.4.7 and later refuse a status that does not "
                "belong "
                "to the order's current state (magento/magento2#38659), and a comment without a status "
                "blanks it. For the label Amazon Sales Channel shows, assign a custom status (e.g. "
                "amazon_canceled, labelled Complete) to the states closed and canceled in Stores > Settings "
                "> "
                "Order Status and set cancel_status; when it does not belong to the state the order ended in "
                "the step exits 78 naming that state."),
            para("Exactly once: a cancel or a credit memo whose answer was lost is never sent again blindly. "
                 "The attempted action is journaled, and asc cancellations resume reads the order again and "
                 "decides from its quantities and state, so the same items are never refunded twice. "
                 "asc cancellations list shows commerce_state, commerce_action and commerce_creditmemo_id; "
                 "asc order show shows the Magento order's state and status."),
            para(
                "The integration's token needs Sales > Operations > Orders > Actions > View, Cancel, Comment "
                "and Credit Memos (Magento_Sales::actions_view, ::cancel, ::comment, ::creditmemo); a "
                "missing one exits 4 naming it."),
            verbatim("[profiles.us.commerce]\n"
                     "base_url = \"https://shop.example.com\"\n"
                     "access_token_file = \"~/.config/asc/magento.token\"\n"
                     "on_cancel = \"auto\"                  # or \"comment\"\n"
                     "# cancel_status = \"amazon_canceled\" # assigned to the states closed and canceled"),
        }};
}

HelpTopic examples_topic() {
    return {"examples",
            "EXAMPLES",
            "a batch-cancel script and cron reports",
            {
                para("Cancel every unshipped order of a SKU that ran out of stock: look at the plan first, "
                     "then send it, then collect what failed to try again later."),
                verbatim("#!/bin/sh\n"
                         "set -eu\n"
                         "asc -q orders sync\n"
                         "asc orders list --cached --status unshipped --fulfilled-by merchant \\\n"
                         "    --sku MUG-RED-11OZ --all -o ids > ids.txt\n"
                         "asc order cancel --from ids.txt --reason NoInventory --dry-run -o csv > plan.csv\n"
                         "rc=0\n"
                         "asc order cancel --from ids.txt --reason NoInventory --yes -o jsonl > result.jsonl "
                         "|| rc=$?\n"
                         "case $rc in\n"
                         "  0) ;;\n"
                         "  6) asc cancellations list --since 1h --state failed,refused --jq '.[].order_id' "
                         "> retry.txt ;;\n"
                         "  *) exit \"$rc\" ;;\n"
                         "esac"),
                para("A crontab: keep the store fresh, and mail a report of late orders every morning (cron "
                     "has no terminal, so there are no colors and no progress; only errors reach stderr, "
                     "which cron mails):"),
                verbatim("*/15 * * * * asc -q orders sync\n"
                         "15 6 * * * asc -q report late --within 24h -o csv > \"$HOME/reports/late-$(date "
                         "+\\%F).csv\""),
            }};
}

HelpTopic carriers_topic() {
    std::string codes;
    for (const std::string_view code : amazon_carrier_codes()) {
        codes += codes.empty() ? "" : ", ";
        codes += code;
    }
    return {"carriers",
            "CARRIERS",
            "the carrier codes `order ship --carrier` takes (Amazon's list)",
            {
                para("`asc order ship --carrier CODE` takes one of Amazon's carrier codes (the CarrierCode list of "
                     "Amazon's feed schemas), in any case, with or without spaces, dashes or underscores: fedex, "
                     "royal-mail, DHL_GLOBAL_MAIL. A typo is refused with the close matches (exit 2). A carrier that "
                     "is not on the list ships as Other with --carrier-name NAME."),
                para(codes + "."),
            }};
}

} // namespace

const std::vector<HelpTopic>& help_topics() {
    static const std::vector<HelpTopic> topics{formats_topic(), fields_topic(),    exit_codes_topic(), environment_topic(),
                                               config_topic(),  commerce_topic(), carriers_topic(), examples_topic()};
    return topics;
}

const HelpTopic* find_help_topic(const std::string& name) {
    for (const auto& t : help_topics()) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

const std::vector<HelpBlock>& man_description() {
    static const std::vector<HelpBlock> blocks{
        para(
            "asc does from a terminal what the Amazon Order Details screen of Magento's Amazon Sales Channel "
            "does, and more: list orders with filters, show an order's details, items and tracking, cancel "
            "Unshipped orders with one of Amazon's reasons (one or thousands at once), and keep a local "
            "SQLite copy of the orders for instant queries and cron reports."),
        para(
            "It talks to Amazon's Selling Partner API (Orders v2026-01-01, Feeds 2021-06-30) with a Login "
            "with Amazon refresh token, paces itself to Amazon's rate limits and retries temporary failures. "
            "asc-sim, a local simulator of that API, lets you try everything without an Amazon account."),
        para("Global flags may come before or after the command. Times (T) are RFC 3339 "
             "(2026-11-01T10:00:00Z), a date (2026-11-01, midnight UTC) or a duration back from now (90m, "
             "24h, "
             "7d, 2w). Statuses are accepted in any case and in Amazon's spelling (unshipped, UNSHIPPED, "
             "partially-shipped)."),
    };
    return blocks;
}

const std::vector<HelpBlock>& man_see_also() {
    static const std::vector<HelpBlock> blocks{
        para("jq(1), crontab(5), sqlite3(1); asc help TOPIC for the topics of this page; the Selling Partner "
             "API documentation at https://developer-docs.amazon.com/sp-api/."),
    };
    return blocks;
}

namespace {

// Words of `text` in lines of at most `width` columns, each starting with `indent` spaces (the
// first with `first_indent`). Counts bytes: the topics are ASCII.
std::string wrap(const std::string& text, std::size_t width, std::size_t first_indent, std::size_t indent) {
    std::string out(first_indent, ' ');
    std::size_t column = first_indent;
    bool line_empty = true;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t end = text.find(' ', i);
        const std::string word = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? text.size() : end + 1;
        if (word.empty()) {
            continue;
        }
        if (!line_empty && column + 1 + word.size() > width) {
            out += '\n';
            out.append(indent, ' ');
            column = indent;
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_empty = false;
    }
    return out + '\n';
}

} // namespace

void print_help_topic(std::ostream& out, const HelpTopic& topic, std::size_t width) {
    constexpr std::size_t k_term_column = 24;
    out << topic.section << "\n\n";
    for (std::size_t i = 0; i < topic.blocks.size(); ++i) {
        const HelpBlock& b = topic.blocks[i];
        // A blank line after a run of items, as after every paragraph.
        if (i > 0 && topic.blocks[i - 1].kind == Kind::Item && b.kind != Kind::Item) {
            out << '\n';
        }
        switch (b.kind) {
        case Kind::Paragraph:
            out << wrap(b.text, width, 2, 2) << '\n';
            break;
        case Kind::Item:
            if (b.term.size() + 4 < k_term_column) {
                std::string line = wrap(b.text, width, k_term_column, k_term_column);
                line.replace(2, b.term.size(), b.term);
                out << line;
            } else {
                out << "  " << b.term << '\n' << wrap(b.text, width, k_term_column, k_term_column);
            }
            break;
        case Kind::Verbatim: {
            std::size_t start = 0;
            while (start <= b.text.size()) {
                const auto nl = b.text.find('\n', start);
                const std::string line =
                    b.text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
                out << (line.empty() ? "" : "    ") << line << '\n';
                if (nl == std::string::npos) {
                    break;
                }
                start = nl + 1;
            }
            out << '\n';
            break;
        }
        }
    }
}

} // namespace asc::cli
