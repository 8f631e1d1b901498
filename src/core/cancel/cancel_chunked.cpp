// The cancel service in memory that does not grow with the batch: run_chunked() plans, journals and
// sends a chunk of the input at a time, and keeps each chunk's plan in an unlinked temporary file
// (the Spill) until every feed's result is in; the rows are then read back in input order.

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/cancel/cancel_rows.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <set>
#include <fmt/format.h>
#include <unistd.h>

namespace asc {

// The plan items of a chunked run, in input order, each as a record in a temporary file: its row
// fields, and for an order sent in a feed (outcome would_cancel) the journal row and marketplace
// its feed's rows need. Written once, then read from the start as often as needed.
class CancelService::Spill {
  public:
    struct Record {
        CancelPlanItem item;
        std::string marketplace_id;
    };

    Spill() : m_file("cancel-plan") {}

    // Appends a record; returns where it starts.
    std::uint64_t write(const CancelPlanItem& item, std::string_view marketplace_id) {
        const std::uint64_t at = m_file.size();
        m_out.clear();
        put(static_cast<std::uint8_t>(item.outcome));
        put(static_cast<std::uint8_t>(item.reason));
        put(item.journal_id);
        for (const std::string_view s : {std::string_view(item.order_id), std::string_view(item.feed_id),
                                         std::string_view(item.result_code), std::string_view(item.message),
                                         marketplace_id}) {
            put(static_cast<std::uint32_t>(s.size()));
            m_out.append(s);
        }
        m_file.write(m_out);
        return at;
    }

    // Starts reading from the record at `offset` (the first one by default).
    void rewind(std::uint64_t offset = 0) {
        m_file.flush();
        m_offset = offset;
        m_buffer.clear();
        m_at = 0;
    }

    // The next record; false at the end.
    bool next(Record& r) {
        if (!fill(1)) {
            return false;
        }
        r.item.outcome = static_cast<CancelOutcome>(get<std::uint8_t>());
        r.item.reason = static_cast<CancelReason>(get<std::uint8_t>());
        r.item.journal_id = get<std::int64_t>();
        for (std::string* s : {&r.item.order_id, &r.item.feed_id, &r.item.result_code, &r.item.message,
                               &r.marketplace_id}) {
            const auto n = get<std::uint32_t>();
            fill(n);
            s->assign(m_buffer, m_at, n);
            m_at += n;
        }
        return true;
    }

    // Hands the rows of `flight` (its orders, from spill_offset on) to `each` in MessageID order,
    // at most `piece` at a time.
    void rows_of(const Flight& flight, std::size_t piece, const std::function<void(std::span<const Flight::Row>)>& each) {
        std::vector<Flight::Row> rows;
        rows.reserve(std::min(piece, flight.size));
        Record r;
        std::uint64_t message_id = 0;
        rewind(flight.spill_offset);
        while (message_id < flight.size && next(r)) {
            if (r.item.outcome != CancelOutcome::WouldCancel) {
                continue;
            }
            rows.push_back({r.item.journal_id, std::move(r.item.order_id), ++message_id,
                            std::string(to_string(r.item.reason)), std::move(r.marketplace_id)});
            if (rows.size() == piece) {
                each(rows);
                rows.clear();
            }
        }
        if (!rows.empty()) {
            each(rows);
        }
    }

  private:
    template <class T> void put(T v) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &v, sizeof(T));
        m_out.append(bytes, sizeof(T));
    }
    template <class T> T get() {
        fill(sizeof(T));
        T v;
        std::memcpy(&v, m_buffer.data() + m_at, sizeof(T));
        m_at += sizeof(T);
        return v;
    }
    // Makes at least `n` unread bytes available; false at the end of the file.
    bool fill(std::size_t n) {
        if (m_buffer.size() - m_at >= n) {
            return true;
        }
        m_buffer.erase(0, m_at);
        m_at = 0;
        constexpr std::size_t k_block = 64 * 1024;
        while (m_buffer.size() < n && m_offset < m_file.size()) {
            const std::size_t want = std::max(k_block, n - m_buffer.size());
            const std::size_t old = m_buffer.size();
            m_buffer.resize(old + want);
            const ssize_t got = ::pread(m_file.fd(), m_buffer.data() + old, want, static_cast<off_t>(m_offset));
            if (got < 0 && errno == EINTR) {
                m_buffer.resize(old);
                continue;
            }
            if (got <= 0) {
                m_buffer.resize(old);
                throw Error(ErrorKind::Internal,
                            fmt::format("could not read the cancel plan back from its temporary file: {}",
                                        got < 0 ? std::strerror(errno) : "it is shorter than written"),
                            "what was sent is journaled: `asc cancellations resume` collects the results");
            }
            m_buffer.resize(old + static_cast<std::size_t>(got));
            m_offset += static_cast<std::uint64_t>(got);
        }
        return m_buffer.size() >= n;
    }

    TempFile m_file;
    std::string m_out;
    std::string m_buffer;
    std::size_t m_at = 0;
    std::uint64_t m_offset = 0;
};

void CancelService::await_spilled(Spill& spill, std::vector<Flight>& flights, CancelResult& result) {
    // Each feed's rows are read back from the spill a piece at a time, as its result is recorded.
    for (Flight& flight : flights) {
        if (flight.progress.state != FlightState::Submitted || flight.progress.settled) {
            continue;
        }
        flight.source = [&spill, &flight](std::size_t piece, const std::function<void(std::span<const Flight::Row>)>& each) {
            spill.rows_of(flight, piece, each);
        };
        await_flight(flight, result);
        flight.source = nullptr;
    }
}

// The feed a chunked run is filling: its document, written a message at a time to a temporary
// file as each chunk is journaled, and what sending it needs of its rows (their journal ids and
// marketplaces), so that a feed of 10,000 orders is filled from chunks of 2,000 without holding
// its rows.
class CancelService::OpenFeed {
  public:
    // Adds the order `order_id` (journal row `journal_id`) as the next message; starts the feed
    // (numbered `feed_seq` of `batch_id`) when it is empty.
    void add(const CancelOptions& options, const std::string& batch_id, int feed_seq, std::int64_t journal_id,
             const std::string& order_id, const CancelTarget& target, CancelReason reason) {
        if (!m_writer) {
            flight.batch_id = batch_id;
            flight.feed_seq = feed_seq;
            m_document.emplace("feed");
            m_writer.emplace(options.seller_id, [this](std::string_view bytes) { m_document->write(bytes); });
        }
        target.item_ids(m_item_ids);
        m_writer->add(journal_ids.size() + 1, order_id, m_item_ids, reason);
        journal_ids.push_back(journal_id);
        if (!target.marketplace_id.empty()) {
            m_marketplaces.insert(target.marketplace_id);
        }
    }
    [[nodiscard]] std::size_t size() const { return journal_ids.size(); }
    // The finished document.
    TempFile& finish() {
        m_writer->finish();
        m_document->flush();
        return *m_document;
    }
    // The distinct marketplaces of its orders, sorted; `fallback` when none names one.
    [[nodiscard]] std::vector<std::string> marketplaces(const std::vector<std::string>& fallback) const {
        if (m_marketplaces.empty()) {
            return fallback;
        }
        return {m_marketplaces.begin(), m_marketplaces.end()};
    }
    // Hands over the flight (its size set) and empties this for the next feed.
    Flight take() {
        flight.size = journal_ids.size();
        Flight out = std::move(flight);
        flight = Flight();
        release(journal_ids);
        m_marketplaces.clear();
        m_writer.reset();
        m_document.reset();
        return out;
    }

    Flight flight;
    std::vector<std::int64_t> journal_ids; // its rows, in MessageID order
    std::deque<std::uint64_t> starts;      // where the first order of this feed and of the next ones is in the spill

  private:
    std::optional<TempFile> m_document;
    std::optional<AckFeedWriter> m_writer;
    std::set<std::string> m_marketplaces;
    std::vector<std::string> m_item_ids; // reused for every message
};

void CancelService::load_spilled(Spill& spill, Flight& flight) {
    flight.rows.reserve(flight.size);
    spill.rows_of(flight, flight.size, [&flight](std::span<const Flight::Row> rows) {
        flight.rows.insert(flight.rows.end(), rows.begin(), rows.end());
    });
}

void CancelService::send_open(OpenFeed& open, std::vector<Flight>& flights, Spill& spill, CancelResult& result) {
    open.flight.size = open.size();
    open.flight.spill_offset = open.starts.front();
    open.starts.pop_front();
    if (!result.error) {
        try {
            submit(open.flight, open.finish(), open.journal_ids, open.marketplaces(m_options.marketplace_ids),
                   [&](Flight& flight) { load_spilled(spill, flight); });
            if (!open.flight.progress.feed_id.empty()) {
                result.feed_ids.push_back(open.flight.progress.feed_id);
            }
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted) {
                throw;
            }
            result.error = e;
        }
    }
    flights.push_back(open.take());
    release(flights.back().rows);
}

CancelResult CancelService::run_chunked(const IdList& order_ids, CancelReason reason,
                                        const std::function<void(CancelPlan&)>& planned,
                                        const CancelRowSink& sink) {
    const std::size_t chunk = std::max<std::size_t>(1, m_options.plan_chunk);
    std::vector<std::uint32_t> firsts = order_ids.first_occurrences();
    if (firsts.size() <= chunk) {
        CancelPlan plan = this->plan(order_ids.strings(), reason);
        if (planned) {
            planned(plan);
        }
        return execute(std::move(plan), sink);
    }
    // The k-th id to plan: with no duplicates (the CLI drops them) the list itself, and `firsts`
    // (4 bytes an id) is not kept.
    const std::size_t count = firsts.size();
    const bool unique = count == order_ids.size();
    IdSet input(order_ids, unique ? std::move(firsts) : firsts); // for the first chunk's recovery
    if (unique) {
        release(firsts);
    }
    const auto at = [&](std::size_t k) { return order_ids[unique ? k : firsts[k]]; };
    std::size_t begin = 0;
    const auto next = [&](CancelPlan& plan, bool first) {
        if (begin >= count) {
            return false;
        }
        between_chunks(first);
        std::vector<std::string> part;
        part.reserve(std::min(chunk, count - begin));
        for (std::size_t k = begin; k < count && part.size() < chunk; ++k) {
            part.emplace_back(at(k));
        }
        begin += part.size();
        plan = plan_part(part, reason, input, false, first);
        input.clear(); // only the first chunk runs recovery and reads other runs' planned rows
        return true;
    };
    // Chunks not planned after an error that stopped the run: nothing of them was journaled.
    const auto rest = [&](Spill& spill, const std::string& why) {
        for (std::size_t k = begin; k < count; ++k) {
            CancelPlanItem item;
            item.order_id = at(k);
            item.reason = reason;
            item.outcome = CancelOutcome::Failed;
            item.message = fmt::format("not sent ({}); run the command again", why);
            spill.write(item, "");
        }
    };
    return run_chunks(next, rest, planned, sink);
}

CancelResult CancelService::resume_chunked(const std::function<void(CancelPlan&)>& planned,
                                           const CancelRowSink& sink) {
    const std::size_t chunk = std::max<std::size_t>(1, m_options.plan_chunk);
    const IdSet input(std::vector<std::string_view>{});
    std::string after; // the planned rows are read in order id order, a chunk at a time
    bool more = true;
    const auto next = [&](CancelPlan& plan, bool first) {
        if (!first && !more) {
            return false;
        }
        between_chunks(first);
        m_planned_paged = true; // plan_part reads no planned rows: they come below, a chunk at a time
        plan = first ? plan_part({}, CancelReason::NoInventory, input, true, true) : CancelPlan{};
        m_planned_paged = false;
        more = plan_planned_page(plan, after, chunk);
        return true;
    };
    // After an error that stopped the run the rows not planned yet stay planned in the journal.
    const auto rest = [&](Spill& spill, const std::string& why) {
        while (more) {
            const std::vector<JournalEntry> rows = m_store.journal_planned_page(after, chunk);
            more = rows.size() == chunk;
            after = rows.empty() ? after : rows.back().order_id;
            for (const JournalEntry& e : rows) {
                if (e.run_id == m_store.journal_run_id()) {
                    CancelPlanItem item;
                    item.order_id = e.order_id;
                    item.reason = parse_cancel_reason(e.reason).value_or(CancelReason::GeneralAdjustment);
                    item.outcome = CancelOutcome::Failed;
                    item.message = fmt::format("not sent ({}); `asc cancellations resume` sends it", why);
                    spill.write(item, "");
                }
            }
        }
    };
    return run_chunks(next, rest, planned, sink);
}

void CancelService::between_chunks(bool first) {
    if (!first && interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted between two chunks of the batch",
                    "what was sent is journaled: run the same command again (nothing is sent twice), or "
                    "`asc cancellations resume` to collect the results of the feeds already sent");
    }
}

bool CancelService::plan_planned_page(CancelPlan& plan, std::string& after, std::size_t limit) {
    // Only this run's planned rows: recovery took over those of runs that are gone, and another
    // live run's are its own. A row planned again below keeps its order id, so a later page (order
    // ids after `after`) never reads it twice.
    std::vector<JournalEntry> rows = m_store.journal_planned_page(after, limit);
    const bool more = rows.size() == limit;
    after = rows.empty() ? after : rows.back().order_id;
    std::vector<std::size_t> need;
    for (JournalEntry& e : rows) {
        if (e.run_id != m_store.journal_run_id()) {
            continue;
        }
        need.push_back(plan.items.size());
        plan.items.push_back(planned_item(std::move(e)));
    }
    decide_fresh(plan, need);
    return more;
}

CancelResult CancelService::run_chunks(const std::function<bool(CancelPlan&, bool first)>& next,
                                       const std::function<void(Spill&, const std::string& why)>& rest,
                                       const std::function<void(CancelPlan&)>& planned, const CancelRowSink& sink) {
    CancelResult result;
    Spill spill;
    std::vector<Flight> flights; // every feed of the run, its rows only while it is worked on
    OpenFeed open;               // the feed being filled
    std::string batch_id;
    CancelPlan plan;
    for (bool first = true; !result.error && next(plan, first); first = false) {
        m_reuse_sync = true; // one sync for the whole batch
        if (planned) {
            planned(plan);
        }
        for (CancelRow& row : plan.recovered) {
            result.recovered.push_back(std::move(row));
        }
        release(plan.recovered);
        if (!plan.items.empty()) {
            spill_chunk(plan, batch_id, flights, open, spill, result);
        }
        plan = CancelPlan{};
    }
    if (open.size() > 0) {
        send_open(open, flights, spill, result);
    }
    const std::string why = result.error ? std::string(result.error->what()) : std::string();
    if (result.error) {
        rest(spill, why);
    }
    if (m_options.wait && !m_options.dry_run) {
        await_spilled(spill, flights, result);
    }
    emit_spilled(spill, flights, why, sink, result);
    return result;
}

void CancelService::spill_chunk(CancelPlan& plan, std::string& batch_id, std::vector<Flight>& flights,
                                OpenFeed& open, Spill& spill, CancelResult& result) {
    if (m_options.dry_run) {
        release(plan.targets);
        for (const CancelPlanItem& item : plan.items) {
            spill.write(item, "");
        }
        return;
    }
    if (plan.count(CancelOutcome::WouldCancel) > 0) {
        require_seller_id();
    }
    const int feed_seq = static_cast<int>(flights.size()) + 1; // the open feed's
    const Batch batch = journal_plan(plan, batch_id, feed_seq, open.size());
    batch_id = batch.batch_id;
    step("after-plan");
    // Every item goes to the spill before any of its feeds is sent (a lost createFeed answer reads
    // the feed's rows back from it).
    std::size_t sent = 0; // the journal row of each sendable item, in order
    for (const CancelPlanItem& item : plan.items) {
        const CancelTarget* target = plan.target_of(item);
        if (item.outcome == CancelOutcome::WouldCancel) {
            CancelPlanItem copy = item;
            copy.journal_id = batch.journal_ids[sent];
            const std::uint64_t at = spill.write(copy, target != nullptr ? target->marketplace_id : std::string());
            if ((open.size() + sent) % m_options.max_messages_per_feed == 0) {
                open.starts.push_back(at); // the first order of a feed
            }
            ++sent;
        } else {
            spill.write(item, "");
        }
    }
    for (std::size_t k = 0; k < batch.sendable.size(); ++k) {
        const CancelPlanItem& item = plan.items[batch.sendable[k]];
        open.add(m_options, batch_id, static_cast<int>(flights.size()) + 1, batch.journal_ids[k], item.order_id,
                 *plan.target_of(item), item.reason);
        if (open.size() == m_options.max_messages_per_feed) {
            send_open(open, flights, spill, result);
        }
    }
}

void CancelService::emit_spilled(Spill& spill, std::vector<Flight>& flights, std::string_view why,
                                 const CancelRowSink& sink, CancelResult& result) {
    std::vector<FeedProgress> feeds;
    std::vector<std::size_t> sizes;
    feeds.reserve(flights.size());
    for (Flight& flight : flights) {
        feeds.push_back(std::move(flight.progress));
        sizes.push_back(flight.size);
    }
    release(flights);
    std::vector<CancelRow> elsewhere;
    const auto deliver = [&](CancelRow&& row) { deliver_row(result, sink, std::move(row)); };
    std::size_t f = 0;
    std::uint64_t message_id = 0;
    Spill::Record r;
    spill.rewind();
    while (spill.next(r)) {
        CancelRow row;
        if (r.item.outcome == CancelOutcome::WouldCancel && f < feeds.size() && !m_options.dry_run) {
            row = feed_row(feeds[f], std::move(r.item.order_id), std::string(to_string(r.item.reason)), ++message_id,
                           why);
            if (message_id == sizes[f]) {
                ++f;
                message_id = 0;
            }
        } else {
            row = plan_row(std::move(r.item));
        }
        if (row.outcome == CancelOutcome::Elsewhere) {
            elsewhere.push_back(std::move(row));
        } else {
            deliver(std::move(row));
        }
    }
    if (!m_options.dry_run && !elsewhere.empty()) {
        await_elsewhere(elsewhere, m_options.wait && !result.error);
    }
    for (CancelRow& row : elsewhere) {
        deliver(std::move(row));
    }
}

} // namespace asc
