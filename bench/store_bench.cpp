// Store benchmark: loads N generated orders through Store::upsert_page in pages of 100 (the sync
// path), then times the cached listing and the reports. Prints figures, not pass/fail.
//
//   asc_bench_store [--orders N] [--batch B] [--runs R] [--store PATH] [--keep] [--seed S] [--pragma SQL]
//                   [--no-bulk]
//
// --batch sets the orders per upsert_page transaction (default 100, a searchOrders page);
// --no-bulk loads without Store::begin_bulk_write (the small cache and every index kept up to
// date, as a live `orders list --all` writes through);
// --pragma runs extra SQL on the loading connection after the bulk-write settings (for
// experiments); --keep keeps the store.
//
// Targets from the issue: `orders list --cached --status Unshipped --limit 50` under 50 ms and
// `report summary` under 1 s at 1,000,000 orders.

#include "asc/store/store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <random>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <vector>

namespace {

using namespace asc;
using Clock = std::chrono::steady_clock;

struct Args {
    std::size_t orders = 1'000'000;
    int runs = 20;
    std::size_t batch = 100; // orders per upsert_page transaction (a searchOrders page is 100)
    std::filesystem::path store;
    bool keep = false;
    std::uint64_t seed = 42;
    std::string pragma; // extra SQL run on the loading connection (experiments)
    bool no_bulk = false; // load as a live listing does: small cache, indexes kept up to date
};

[[noreturn]] void usage() {
    fmt::print(
        stderr,
        "usage: asc_bench_store [--orders N] [--batch B] [--runs R] [--store PATH] [--keep] [--seed S] "
        "[--pragma SQL] [--no-bulk]\n");
    std::exit(2);
}

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
            }
            return argv[++i];
        };
        if (arg == "--orders") {
            a.orders = std::stoull(value());
        } else if (arg == "--batch") {
            a.batch = std::max<std::size_t>(1, std::stoull(value()));
        } else if (arg == "--runs") {
            a.runs = std::max(1, std::stoi(value()));
        } else if (arg == "--store") {
            a.store = value();
        } else if (arg == "--keep") {
            a.keep = true;
        } else if (arg == "--no-bulk") {
            a.no_bulk = true;
        } else if (arg == "--pragma") {
            a.pragma = value();
        } else if (arg == "--seed") {
            a.seed = std::stoull(value());
        } else {
            usage();
        }
    }
    return a;
}

struct Market {
    const char* id;
    const char* name;
    const char* currency;
    int weight;
};
constexpr std::array k_markets{
    Market{"ATVPDKIKX0DER", "Amazon.com", "USD", 60},    Market{"A2EUQ1WTGCTBG2", "Amazon.ca", "CAD", 10},
    Market{"A1AM78C64UM0Y8", "Amazon.com.mx", "MXN", 5}, Market{"A1F83G8C2ARO7P", "Amazon.co.uk", "GBP", 10},
    Market{"A1PA6795UKMFR9", "Amazon.de", "EUR", 10},    Market{"A1VC38T7YXB528", "Amazon.co.jp", "JPY", 5},
};

// Deterministic synthetic orders: the i-th order is always the same for a seed. Purchase dates
// spread over two years, increasing with i; no personal data.
class Generator {
  public:
    Generator(std::uint64_t seed, std::size_t total) : m_seed(seed), m_total(total) {}

    Order make(std::size_t i) {
        std::mt19937_64 rng(m_seed * 1'000'003 + i);
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
        const Market& m = market(pick(100));
        Order o;
        o.order_id = fmt::format("{:03}-{:07}-{:07}", 100 + i % 900, i % 10'000'000, (i * 7919) % 10'000'000);
        const int s = pick(1000);
        o.status = s < 780   ? Status::Shipped
                   : s < 860 ? Status::Unshipped
                   : s < 920 ? Status::Canceled
                   : s < 950 ? Status::Pending
                   : s < 980 ? Status::PartiallyShipped
                   : s < 995 ? Status::PendingAvailability
                             : Status::Unfulfillable;
        o.fulfilled_by = pick(100) < 40 ? FulfilledBy::Amazon : FulfilledBy::Merchant;
        const std::int64_t span = 2 * 365 * 86400;
        const std::int64_t purchase =
            k_end - span +
            static_cast<std::int64_t>(static_cast<double>(i) /
                                      static_cast<double>(std::max<std::size_t>(m_total, 1)) *
                                      static_cast<double>(span)) +
            pick(600);
        o.purchase_date = at(purchase);
        o.last_updated = at(purchase + pick(10 * 86400));
        o.marketplace_id = m.id;
        o.marketplace_name = m.name;
        o.sales_channel = m.name;
        o.ship_service_level = pick(5) == 0 ? "Expedited" : "Standard";
        if (o.fulfilled_by == FulfilledBy::Merchant) {
            o.ship_by = {at(purchase + 86400), at(purchase + 2 * 86400)};
        }
        o.deliver_by = {at(purchase + 3 * 86400), at(purchase + 7 * 86400)};
        o.is_prime = pick(3) == 0;
        o.is_business = pick(20) == 0;
        o.seller_order_id = fmt::format("S{}", i);
        Address a;
        a.state = "ST";
        a.country_code = "US";
        o.ship_to = a;
        const int digits = currency_digits(m.currency);
        const std::int64_t unit = digits == 0 ? 100 : 1;
        std::int64_t total = 0;
        const int n_items = 1 + (pick(10) < 7 ? 0 : pick(3));
        for (int k = 0; k < n_items; ++k) {
            OrderItem it;
            it.order_item_id = fmt::format("{:014}", i * 4 + static_cast<std::size_t>(k));
            const int sku = pick(5000);
            it.sku = fmt::format("SKU-{:05}", sku);
            it.asin = fmt::format("B0{:08}", sku * 13 % 100'000'000);
            it.title = fmt::format("Product {} with a title of ordinary length", sku);
            it.condition = "NEW";
            it.quantity_ordered = 1 + pick(3);
            const bool shipped =
                o.status == Status::Shipped || (o.status == Status::PartiallyShipped && k == 0);
            it.quantity_shipped = shipped ? it.quantity_ordered : 0;
            it.quantity_unshipped = it.quantity_ordered - it.quantity_shipped;
            const std::int64_t price = (199 + pick(20000)) * unit;
            it.unit_price = Money{price, digits, m.currency};
            it.item_total = Money{price * it.quantity_ordered, digits, m.currency};
            it.tax = Money{price * it.quantity_ordered / 12, digits, m.currency};
            it.proceeds_total = it.item_total->plus(*it.tax);
            total += it.proceeds_total->minor;
            o.items.push_back(std::move(it));
        }
        if (o.status != Status::Pending && o.status != Status::PendingAvailability) {
            o.total = Money{total, digits, m.currency};
            o.total_breakdown = {{"ITEM", Money{total - total / 13, digits, m.currency}},
                                 {"TAX", Money{total / 13, digits, m.currency}}};
        }
        if (o.fulfilled_by == FulfilledBy::Merchant &&
            (o.status == Status::Shipped || o.status == Status::PartiallyShipped)) {
            Package p;
            p.reference_id = "1";
            p.carrier = "UPS";
            p.shipping_service = "Ground";
            p.tracking_number = fmt::format("1Z{:016}", i);
            p.ship_time = at(purchase + 86400);
            p.status = "DELIVERED";
            p.items.push_back({o.items[0].order_item_id, o.items[0].quantity_shipped});
            o.packages.push_back(std::move(p));
        }
        return o;
    }

    static constexpr std::int64_t k_end = 1793491200; // 2026-11-01

  private:
    static Timestamp at(std::int64_t s) { return Timestamp{std::chrono::seconds{s}}; }
    static const Market& market(int r) {
        for (const auto& m : k_markets) {
            if (r < m.weight) {
                return m;
            }
            r -= m.weight;
        }
        return k_markets[0];
    }
    std::uint64_t m_seed;
    std::size_t m_total;
};

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Runs `f` `runs` times and prints the median, min and max wall time and the rows of the last run.
void measure(std::string_view what, int runs, const std::function<std::size_t()>& f) {
    std::vector<double> t;
    std::size_t rows = 0;
    for (int r = 0; r < runs; ++r) {
        const auto start = Clock::now();
        rows = f();
        t.push_back(ms_since(start));
    }
    std::sort(t.begin(), t.end());
    const auto n = t.size();
    const double median = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    fmt::print("  {:<46} median {:9.2f} ms  (min {:.2f}, max {:.2f}; {} rows)\n", what, median, t.front(),
               t.back(), rows);
}

// This process's CPU time (user + system) and bytes written so far.
struct Usage {
    double cpu_s = 0;
    double written_mib = 0;
    Usage operator-(const Usage& o) const { return {cpu_s - o.cpu_s, written_mib - o.written_mib}; }
};
Usage rusage_now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {secs(ru.ru_utime) + secs(ru.ru_stime), static_cast<double>(ru.ru_oublock) * 512.0 / 1048576.0};
}

long peak_rss_kib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) try {
    Args args = parse_args(argc, argv);
    std::filesystem::path tmp_dir;
    if (args.store.empty()) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "asc-bench-store-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            fmt::print(stderr, "cannot create a temporary directory\n");
            return 1;
        }
        tmp_dir = tmpl;
        args.store = tmp_dir / "bench.db";
    }
    {
        // Name the backend the figures are of: an SQLite file, or a PostgreSQL server.
        Store probe = Store::open(args.store);
        const auto info = probe.info();
        const std::string backend = probe.backend() == "postgresql"
                                        ? fmt::format("PostgreSQL {}", info.server_version)
                                        : fmt::format("SQLite {}", sqlite3_libversion());
        fmt::print("asc store benchmark: {} orders into {} ({})\n", args.orders, info.location, backend);
    }

    // Load: pages of 100 through upsert_page, the sync path.
    Generator gen(args.seed, args.orders);
    {
        Store store = Store::open(args.store);
        const std::vector<std::string> keys{k_markets[0].id};
        std::vector<Order> page;
        page.reserve(args.batch);
        UpsertCounts counts;
        const Usage before = rusage_now();
        const auto start = Clock::now();
        // As a sync does: a page cache sized for the store, and (into an empty store) the
        // secondary indexes built once at the end, inside the timed load.
        if (!args.no_bulk) {
            store.begin_bulk_write();
        }
        if (!args.pragma.empty() && store.handle() != nullptr) { // after the bulk settings, to try others
            sqlite3_exec(store.handle(), args.pragma.c_str(), nullptr, nullptr, nullptr);
        }
        for (std::size_t i = 0; i < args.orders; ++i) {
            page.push_back(gen.make(i));
            if (page.size() == args.batch || i + 1 == args.orders) {
                Timestamp mark = page.front().last_updated;
                for (const auto& o : page) {
                    mark = std::max(mark, o.last_updated);
                }
                counts += store.upsert_page(page, keys, mark);
                page.clear();
            }
        }
        const Usage before_indexes = rusage_now();
        const auto index_start = Clock::now();
        store.end_bulk_write();
        const double index_secs = ms_since(index_start) / 1000.0;
        const Usage index_used = rusage_now() - before_indexes;
        const double secs = ms_since(start) / 1000.0;
        const Usage used = rusage_now() - before;
        fmt::print("load (generate + upsert_page x{})      {:.1f} s, {:.0f} orders/s ({} new, {} updated)\n",
                   args.batch, secs, static_cast<double>(args.orders) / secs, counts.inserted, counts.updated);
        // CPU time is this process's own: on a shared machine the wall time also counts the
        // others' load. Written: what the kernel was asked to write (WAL, checkpoints, index sort).
        fmt::print("load CPU                                {:.1f} s ({:.1f} us/order), {:.0f} MiB written\n",
                   used.cpu_s, used.cpu_s / static_cast<double>(args.orders) * 1e6, used.written_mib);
        fmt::print("  of which the index build              {:.1f} s, CPU {:.1f} s, {:.0f} MiB written\n", index_secs,
                   index_used.cpu_s, index_used.written_mib);

        // Idempotence at scale: re-upserting a slice is all "unchanged".
        std::vector<Order> again;
        for (std::size_t i = 0; i < std::min<std::size_t>(args.orders, 10'000); ++i) {
            again.push_back(gen.make(i));
        }
        const auto re_start = Clock::now();
        const auto re = store.upsert_orders(again);
        fmt::print("re-upsert {} unchanged orders           {:.1f} ms ({} unchanged)\n", again.size(),
                   ms_since(re_start), re.unchanged);
        if (store.handle() != nullptr) { // SQLite; --store may be a postgresql:// URI
            sqlite3_exec(store.handle(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
        }
        const auto info = store.info();
        if (info.file_size == 0) {
            fmt::print("store size                              - (a server's database)\n");
        } else {
            fmt::print("store size                              {:.1f} MiB, {:.1f} KiB per 1,000 orders\n",
                       static_cast<double>(info.file_size) / 1048576.0,
                       static_cast<double>(info.file_size) / 1024.0 /
                           (static_cast<double>(args.orders) / 1000.0));
        }
        fmt::print("peak RSS after load                     {:.1f} MiB\n",
                   static_cast<double>(peak_rss_kib()) / 1024.0);
    }

    OrderFilter unshipped;
    unshipped.statuses = {Status::Unshipped};
    unshipped.limit = 50;
    OrderFilter by_sku;
    by_sku.sku = "SKU-01234";
    by_sku.limit = 50;
    OrderFilter all_newest;
    all_newest.limit = 50;
    const Timestamp now{std::chrono::seconds{Generator::k_end}};

    auto count_rows = [](Store& s, const OrderFilter& f) {
        std::size_t n = 0;
        s.query_orders(f, [&](Order&&) {
            ++n;
            return true;
        });
        return n;
    };

    {
        Store store = Store::open(args.store);
        fmt::print("\nwarm connection ({} runs each)\n", args.runs);
        measure("query: --status Unshipped --limit 50", args.runs,
                [&] { return count_rows(store, unshipped); });
        measure("query: --limit 50 (newest first)", args.runs, [&] { return count_rows(store, all_newest); });
        measure("query: --sku SKU-01234 --limit 50", args.runs, [&] { return count_rows(store, by_sku); });
        measure("report summary (all orders)", args.runs, [&] {
            return static_cast<std::size_t>(store.report_summary(std::nullopt, std::nullopt).orders);
        });
        measure("report summary --since 7d", args.runs, [&] {
            return static_cast<std::size_t>(
                store.report_summary(now - std::chrono::days(7), std::nullopt).orders);
        });
        measure("report late --within 24h", args.runs, [&] {
            std::size_t rows = 0;
            store.report_late(now, std::chrono::hours(24), [&](Order&&) {
                ++rows;
                return true;
            });
            return rows;
        });
        measure("store info", args.runs, [&] { return static_cast<std::size_t>(store.info().orders); });
    }
    {
        fmt::print("\nfresh connection per run, as a CLI process sees it (open + query)\n");
        measure("open + query: --status Unshipped --limit 50", args.runs, [&] {
            Store s = Store::open(args.store);
            return count_rows(s, unshipped);
        });
        measure("open + report summary", args.runs, [&] {
            Store s = Store::open(args.store);
            return static_cast<std::size_t>(s.report_summary(std::nullopt, std::nullopt).orders);
        });
    }
    fmt::print("\npeak RSS                                {:.1f} MiB\n",
               static_cast<double>(peak_rss_kib()) / 1024.0);

    if (!tmp_dir.empty() && !args.keep) {
        std::filesystem::remove_all(tmp_dir);
    } else {
        fmt::print("store kept at {}\n", args.store.string());
    }
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "asc_bench_store: {}\n", e.what());
    return 1;
}
