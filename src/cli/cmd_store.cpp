// asc store info | purge: the local store's state, and removal of buyers' personal data by age.

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <memory>

namespace asc::cli {

namespace {

// "cancel: 300 orders, run 12 of ops@host-b (pid 4242, started 2026-11-26T21:00:00Z), running".
std::string claim_text(const ClaimHolder& h) {
    const std::string what = count_noun(h.rows, h.journal == "ship" ? "package" : "order");
    if (h.journal == "ship") {
        // order ship does not claim: its runs take turns under the ship lock (shown above).
        return fmt::format("ship: {} in flight (order ship runs one at a time, under the ship lock)", what);
    }
    if (h.run.id == 0) {
        return fmt::format("cancel: {} in flight without a run (written before schema 9): `asc cancellations "
                           "resume` completes them",
                           what);
    }
    if (!h.run.alive) {
        return fmt::format("cancel: {}, run {} of {} (not running any more: `asc cancellations resume` from any "
                           "host takes them over)",
                           what, h.run.id, h.run.run_by);
    }
    return fmt::format("cancel: {}, run {} of {} (pid {}, started {}), running", what, h.run.id, h.run.run_by,
                       h.run.pid, format_rfc3339(h.run.started_at));
}

Record claim_record(const ClaimHolder& h) {
    Record c = Record::object();
    c["journal"] = h.journal;
    c["in_flight"] = h.rows;
    c["run_id"] = h.run.id == 0 ? Record(nullptr) : Record(h.run.id);
    c["run_by"] = h.run.run_by.empty() ? Record(nullptr) : Record(h.run.run_by);
    c["pid"] = h.run.pid == 0 ? Record(nullptr) : Record(h.run.pid);
    c["started_at"] = h.run.pid == 0 ? Record(nullptr) : Record(format_rfc3339(h.run.started_at));
    c["running"] = h.run.alive;
    return c;
}

// The lines only a PostgreSQL store has: where it is, the server, who holds its locks and claims.
void print_postgres_info(Context& ctx, const StoreInfo& info) {
    ctx.out << fmt::format("backend         postgresql (server {})\n", info.server_version);
    ctx.out << fmt::format("database        {}\n", info.location);
    ctx.out << fmt::format("account schema  {}\n", info.account_schema);
    if (info.lock_holders.empty()) {
        ctx.out << "locks           none held (no sync or shipment confirmation running)\n";
    }
    for (const auto& h : info.lock_holders) {
        ctx.out << fmt::format("lock held       {}\n", h);
    }
    if (info.claim_holders.empty()) {
        ctx.out << "claims          none (no order in flight)\n";
    }
    for (const auto& h : info.claim_holders) {
        ctx.out << fmt::format("claims          {}\n", claim_text(h));
    }
}

void run_info(Context& ctx) {
    const StoreInfo info = ctx.store().info();
    const Timestamp now = now_seconds();
    Record r = Record::object();
    r["backend"] = info.backend;
    r["path"] = info.location;
    r["size_bytes"] = info.file_size;
    r["schema_version"] = info.schema_version;
    r["orders"] = info.orders;
    r["orders_with_personal_data"] = info.orders_with_pii;
    r["orders_from_report"] = info.orders_from_report;
    r["journal_entries"] = info.journal_entries;
    Record marks = Record::array();
    for (const auto& m : info.marks) {
        Record mark = Record::object();
        mark["marketplace_id"] = m.key;
        mark["synced_through"] = format_rfc3339(m.mark);
        mark["synced_at"] = format_rfc3339(m.synced_at);
        marks.push_back(std::move(mark));
    }
    r["last_sync"] = std::move(marks);
    if (info.backend == "postgresql") {
        r["server_version"] = info.server_version;
        r["account_schema"] = info.account_schema;
        Record holders = Record::array();
        for (const auto& h : info.lock_holders) {
            holders.push_back(h);
        }
        r["lock_holders"] = std::move(holders);
        Record claims = Record::array();
        for (const auto& h : info.claim_holders) {
            claims.push_back(claim_record(h));
        }
        r["claim_holders"] = std::move(claims);
    }

    const Format format = ctx.format();
    if (format == Format::Json || format == Format::Jsonl) {
        ctx.out << (format == Format::Json ? r.dump(2) : r.dump()) << '\n';
        return;
    }
    if (info.backend == "postgresql") {
        print_postgres_info(ctx, info);
    } else {
        ctx.out << fmt::format("path            {}\n", info.location);
        ctx.out << fmt::format("size            {:.1f} MiB\n",
                               static_cast<double>(info.file_size) / (1024.0 * 1024.0));
    }
    ctx.out << fmt::format("schema          {}\n", info.schema_version);
    ctx.out << fmt::format("orders          {}\n", info.orders);
    if (info.orders_from_report > 0) {
        // Read only from an order report (the first sync): no order item ids, packages or buyer
        // until searchOrders sees them change; order show and cancel read them from Amazon.
        ctx.out << fmt::format("from a report   {} orders (items without ids, no packages or buyer; "
                               "`asc order show ID` reads one whole)\n",
                               info.orders_from_report);
    }
    ctx.out << fmt::format("personal data   {} orders{}\n", info.orders_with_pii,
                           ctx.settings().store_pii ? "" : " (store_pii is off)");
    ctx.out << fmt::format("journal         {} entries\n", info.journal_entries);
    if (info.marks.empty()) {
        ctx.out << "last sync       never (run `asc orders sync`)\n";
    }
    for (const auto& m : info.marks) {
        ctx.out << fmt::format("last sync       {}  {} (complete through {})\n", m.key,
                               ctx.stdout_is_terminal() ? format_relative(m.synced_at, now)
                                                        : format_rfc3339(m.synced_at),
                               format_rfc3339(m.mark));
    }
}

void run_purge(Context& ctx, const std::string& older_than) {
    if (older_than.empty()) {
        throw Error(ErrorKind::Usage, "nothing to purge: --pii-older-than is required",
                    "e.g. asc store purge --pii-older-than 30d (Amazon asks for deletion within 30 days "
                    "after delivery)");
    }
    const Timestamp cutoff = now_seconds() - parse_duration(older_than);
    const auto n = ctx.store().purge_pii(cutoff);
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("removed buyer names, emails and addresses from {} orders not updated since {}\n", n,
                               format_rfc3339(cutoff));
    }
}

void run_migrate(Context& ctx, const std::string& from) {
    const Settings& s = ctx.settings();
    if (!is_postgres_store(s.store_path.native())) {
        throw Error(ErrorKind::Usage, "asc store migrate copies into a PostgreSQL store, and this profile's store is a file",
                    "set the profile's store (or ASC_STORE) to the postgresql:// URI first, then run it again");
    }
    if (is_postgres_store(from) || !std::filesystem::is_regular_file(from)) {
        throw Error(ErrorKind::Usage, fmt::format("no SQLite store at {}", redact_store_setting(from)),
                    "--from names the SQLite file to copy, e.g. ~/.local/share/asc/default.db");
    }
    StoreOptions options;
    options.store_pii = s.store_pii;
    Store source = Store::open(from, options);
    const StoreInfo copied = ctx.store().copy_from(source);
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("copied {} orders, {} journal entries and {} sync marks from {} into {}\n", copied.orders,
                               copied.journal_entries, copied.marks.size(), from, copied.location);
    }
}

} // namespace

void setup_store(CLI::App& app, Context& ctx) {
    auto* store = app.add_subcommand("store", "The local copy of the orders: info, purge and migrate");
    store->require_subcommand(1);
    auto* info = store->add_subcommand("info", "Print the store's path, size, order count and last sync");
    info->footer("A PostgreSQL store also shows its server, who holds its locks, and who holds claims: the runs of\n"
                 "`order cancel` (on any host) with orders in flight, how many, since when, and whether they still run.\n"
                 "Examples:\n  asc store info\n  asc store info -o json");
    info->callback([&ctx] { run_info(ctx); });

    auto older = std::make_shared<std::string>();
    auto* purge = store->add_subcommand("purge", "Remove buyers' personal data from orders older than a duration");
    purge->add_option("--pii-older-than", *older, "Duration since the order's last update, e.g. 30d")->required();
    purge->footer("Examples:\n  asc store purge --pii-older-than 30d\n"
                  "  0 3 * * * asc -q store purge --pii-older-than 30d   # crontab");
    purge->callback([older, &ctx] { run_purge(ctx, *older); });

    auto from = std::make_shared<std::string>();
    auto* migrate = store->add_subcommand("migrate", "Copy an SQLite store into this profile's PostgreSQL store, once");
    migrate->add_option("--from", *from, "The SQLite store file to copy")->required();
    migrate->footer("The profile's store (or ASC_STORE) must be the postgresql:// URI, and empty: orders (with their\n"
                    "from-report flags), sync marks (with the time each was synced), backfill windows and the\n"
                    "cancellation journal are copied as they are, in one transaction, and counted.\n\n"
                    "Examples:\n  asc store migrate --from ~/.local/share/asc/default.db   # store = \"postgresql://asc@db/asc\"");
    migrate->callback([from, &ctx] { run_migrate(ctx, *from); });
}

} // namespace asc::cli
