// The ship service in memory that does not grow with the batch: run_chunked() plans and journals a
// chunk of the packages at a time (every package of an order in one chunk), sends each through the
// API or into the feed being filled (sent when full, ship_feed.cpp), and keeps each package's
// result in an unlinked temporary file (the Spill) until every feed's report is in; the rows are
// then read back in input order (include/asc/ship/ship.hpp).

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/ship/ship.hpp"
#include "asc/ship/ship_requests.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>

namespace asc {

// The result of each package of a chunked run, as a record in a temporary file found again by the
// package's index: the id of its journal row (the row is read back from the journal once the run
// is over), or, for a package without one (a dry run, an order Amazon does not know, ...), its row.
// Records start on 8-byte boundaries, so that 4 bytes a package find them in a file of up to 32 GiB.
class ShipService::Spill {
  public:
    struct Record {
        std::int64_t journal_id = 0;
        ShipRow row;
    };

    explicit Spill(std::size_t packages) : m_file("ship-plan"), m_at(packages, 0) {}

    void write(std::size_t package, std::int64_t journal_id, const ShipRow& row) {
        m_out.clear();
        put(std::uint32_t{0});
        put(journal_id);
        put(static_cast<std::uint8_t>(row.outcome));
        for (const std::string* s : {&row.order_id, &row.package_ref, &row.carrier, &row.tracking_number, &row.items,
                                     &row.via, &row.feed_id, &row.result_code, &row.message}) {
            put(static_cast<std::uint32_t>(s->size()));
            m_out.append(*s);
        }
        const auto length = static_cast<std::uint32_t>(m_out.size());
        std::memcpy(m_out.data(), &length, sizeof length);
        m_out.resize((m_out.size() + k_align - 1) / k_align * k_align, '\0');
        if (m_file.size() / k_align >= std::numeric_limits<std::uint32_t>::max()) {
            throw Error(ErrorKind::Internal, "the ship results outgrew their temporary file (32 GiB)",
                        "what was sent is journaled: `asc shipments list` shows it; split the input into runs");
        }
        m_at[package] = static_cast<std::uint32_t>(m_file.size() / k_align);
        m_file.write(m_out);
    }

    // The record of `package` (written).
    Record read(std::size_t package) {
        m_file.flush();
        const std::uint64_t at = std::uint64_t{m_at[package]} * k_align;
        std::string_view head = load(at, sizeof(std::uint32_t));
        const auto length = get<std::uint32_t>(head);
        std::string_view bytes = load(at, length);
        bytes.remove_prefix(sizeof(std::uint32_t));
        Record r;
        r.journal_id = get<std::int64_t>(bytes);
        r.row.outcome = static_cast<ShipOutcome>(get<std::uint8_t>(bytes));
        for (std::string* s : {&r.row.order_id, &r.row.package_ref, &r.row.carrier, &r.row.tracking_number,
                               &r.row.items, &r.row.via, &r.row.feed_id, &r.row.result_code, &r.row.message}) {
            const auto n = get<std::uint32_t>(bytes);
            s->assign(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
        return r;
    }

  private:
    static constexpr std::uint64_t k_align = 8;

    template <class T> void put(T v) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &v, sizeof(T));
        m_out.append(bytes, sizeof(T));
    }
    template <class T> static T get(std::string_view& bytes) {
        T v;
        std::memcpy(&v, bytes.data(), sizeof(T));
        bytes.remove_prefix(sizeof(T));
        return v;
    }
    std::string_view load(std::uint64_t at, std::size_t n) { return m_window.load(m_file, at, n, "ship results"); }

    TempFile m_file;
    std::vector<std::uint32_t> m_at; // where each package's record is, in units of k_align
    std::string m_out;
    ReadWindow m_window;
};

namespace {

// The next chunk: from `cursor` on in input order, each package not taken yet with every package
// of its order (ShipRequestList::next_of_order), until the chunk holds at least `size` packages.
// Sorted in input order.
std::vector<std::uint32_t> next_chunk(const ShipRequestList& packages, std::vector<bool>& taken, std::size_t& cursor,
                                      std::size_t size) {
    std::vector<std::uint32_t> chunk;
    for (; cursor < packages.size() && chunk.size() < size; ++cursor) {
        if (taken[cursor]) {
            continue;
        }
        // `cursor` is the first package of its order: the earlier ones were taken with theirs.
        for (std::size_t p = cursor; p < packages.size(); p = packages.next_of_order(p)) {
            taken[p] = true;
            chunk.push_back(static_cast<std::uint32_t>(p));
        }
    }
    std::sort(chunk.begin(), chunk.end());
    return chunk;
}

} // namespace

ShipResult ShipService::run_chunked(const ShipRequestList& packages,
                                    const std::function<void(const ShipPlan&)>& planned, const ShipRowSink& sink) {
    const std::size_t n = packages.size();
    const std::size_t chunk_size = std::max<std::size_t>(m_options.plan_chunk, 1);
    if (n <= chunk_size) { // plan() + execute(), each request made right into its plan item
        ShipPlan plan = begin_plan();
        plan.items.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            plan.items.emplace_back().request = packages[i];
        }
        decide_items(plan);
        plan.left_planned = left_planned();
        if (planned) {
            planned(plan);
        }
        return execute(plan, sink);
    }
    std::vector<bool> taken(n, false);
    std::size_t cursor = 0;
    ShipResult result;
    Spill spill(n);
    ShipFeedFill feed(m_options.seller_id, m_options.feed_packages); // filled across chunks
    std::string batch_id;
    std::string sending_note; // as execute(): only the feed or request that stopped the run leaves rows `sending`
    ShipPlan plan = begin_plan();
    for (bool first = true; !result.error; first = false) {
        std::vector<std::uint32_t> chunk = next_chunk(packages, taken, cursor, chunk_size);
        if (chunk.empty()) {
            break;
        }
        if (!first && interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted between two chunks of the batch",
                        "what was sent is journaled: run the same command again (nothing is sent twice)");
        }
        plan.items.reserve(chunk.size()); // each request made right into its plan item, not held twice
        for (const std::uint32_t p : chunk) {
            plan.items.emplace_back().request = packages[p];
        }
        try {
            decide_items(plan);
        } catch (const Error& e) {
            if (first || e.kind() == ErrorKind::Interrupted) {
                throw; // nothing was sent yet, or Ctrl-C
            }
            result.error = e; // Amazon unreachable: the earlier feeds' results are still collected
            for (const std::uint32_t p : chunk) {
                taken[p] = false;
            }
            break;
        }
        if (m_options.via == ShipViaChoice::Auto && n > m_options.feed_above) {
            plan.via = ShipVia::Feed; // --via auto counts the batch, not the chunk
        }
        if (cursor == n) {
            plan.left_planned = left_planned();
        }
        if (planned) {
            planned(plan);
        }
        for (ShipRow& row : plan.recovered) {
            result.recovered.push_back(std::move(row));
        }
        spill_chunk(plan, chunk, spill, feed, batch_id, sending_note, result);
        plan = ShipPlan{};
    }
    if (!m_options.dry_run) {
        send_feed(feed, result, sending_note); // the last feed, not full (unless the run stopped)
    }
    // Packages of chunks not planned after an error that stopped the run: nothing of them was
    // journaled.
    const std::string why = result.error ? std::string(result.error->what()) : std::string();
    for (std::size_t p = 0; p < n; ++p) {
        if (!taken[p]) {
            ShipPlanItem item;
            item.request = packages[p];
            item.outcome = ShipOutcome::Failed;
            item.message = fmt::format("not sent ({}); run the same command again", why);
            spill.write(p, 0, row_of_item(item));
        }
    }
    if (!m_options.dry_run) {
        collect_feeds(result);
    }
    result.feed_id = result.feed_ids.size() == 1 ? result.feed_ids.front() : std::string();
    emit_spilled(spill, n, sending_note, result, sink);
    return result;
}

void ShipService::spill_chunk(const ShipPlan& plan, const std::vector<std::uint32_t>& chunk, Spill& spill,
                              ShipFeedFill& feed, std::string& batch_id, std::string& sending_note,
                              ShipResult& result) {
    if (m_options.dry_run) {
        for (std::size_t i = 0; i < plan.items.size(); ++i) {
            spill.write(chunk[i], 0, dry_row(plan.items[i], plan.via));
        }
        return;
    }
    const ShipJournaled journaled = journal(plan, batch_id, feed);
    batch_id = journaled.batch_id;
    step("after-plan");
    send(plan, journaled, feed, result, sending_note);
    std::size_t k = 0; // the next journaled item
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (k < journaled.items.size() && journaled.items[k] == i) {
            spill.write(chunk[i], journaled.ids[k++], ShipRow{});
        } else {
            spill.write(chunk[i], 0, row_of_item(plan.items[i]));
        }
    }
}

void ShipService::emit_spilled(Spill& spill, std::size_t packages, const std::string& sending_note,
                               ShipResult& result, const ShipRowSink& sink) {
    const auto emit = [&](ShipRow&& row) { emit_row(std::move(row), result, sink); };
    // A page of packages at a time: their journal rows read in one go.
    constexpr std::size_t k_page = 256;
    std::vector<Spill::Record> page;
    std::vector<std::int64_t> ids;
    for (std::size_t begin = 0; begin < packages; begin += k_page) {
        page.clear();
        ids.clear();
        for (std::size_t p = begin; p < std::min(packages, begin + k_page); ++p) {
            page.push_back(spill.read(p));
            if (page.back().journal_id != 0) {
                ids.push_back(page.back().journal_id);
            }
        }
        const std::vector<ShipEntry> rows = ids.empty() ? std::vector<ShipEntry>{} : m_store.ship_journal_rows(ids);
        std::size_t j = 0;
        for (Spill::Record& r : page) {
            emit(r.journal_id != 0 ? journal_result_row(rows[j++], sending_note) : std::move(r.row));
        }
    }
}

} // namespace asc
