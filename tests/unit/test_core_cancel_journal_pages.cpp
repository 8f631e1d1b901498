// The cancel journal's pages that recovery, a dry run and the Magento step read
// (Store::journal_flight_page, journal_planned_page, journal_take_over in id order,
// journal_commerce_owed), on both backends (suite "store backends":
// ctest unit.store.pg runs it on PostgreSQL too).

#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

using asc::JournalEntry;
using asc::JournalState;
using asc::Store;
using asc_test::on_each_backend;
using asc_test::ts;

namespace {

// Row `n` of feed (batch, seq): MessageID n, written in reverse so that ids and MessageIDs differ.
JournalEntry row(const std::string& batch, int seq, std::int64_t n, JournalState state) {
    JournalEntry e;
    e.order_id = fmt::format("114-{:07}-{:07}", seq * 100 + n, n);
    e.reason = "NoInventory";
    e.batch_id = batch;
    e.feed_seq = seq;
    e.message_id = n;
    e.state = state;
    e.created_at = e.updated_at = ts(1000 + n);
    e.marketplace_id = "ATVPDKIKX0DER";
    e.run_by = "ops@host";
    return e;
}

std::vector<std::int64_t> message_ids(const std::vector<JournalEntry>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& r : rows) {
        out.push_back(r.message_id.value_or(-1));
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("store backends");

TEST_CASE("a feed's rows come a page at a time in MessageID order, only its own and in the states asked") {
    on_each_backend([](Store& store, const std::string&) {
        std::vector<JournalEntry> rows;
        for (std::int64_t n = 7; n >= 1; --n) {
            rows.push_back(row("b1", 1, n, n == 4 ? JournalState::Canceled : JournalState::Submitted));
            rows.back().feed_id = "F1";
        }
        rows.push_back(row("b1", 2, 1, JournalState::Submitted)); // another feed of the batch
        rows.back().feed_id = "F2";
        (void)store.journal_write(rows);
        asc::JournalPage page{.batch_id = "b1", .feed_seq = 1, .feed_id = "F1", .limit = 3};
        std::vector<std::int64_t> seen;
        for (;;) {
            const auto part = store.journal_flight_page(page);
            CHECK(part.size() <= 3);
            for (const auto& e : part) {
                seen.push_back(*e.message_id);
            }
            if (part.size() < page.limit) {
                break;
            }
            page.after_message_id = *part.back().message_id;
        }
        CHECK(seen == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7});
        page.after_message_id = 0;
        page.limit = 10;
        page.states = {JournalState::Submitted};
        CHECK(message_ids(store.journal_flight_page(page)) == std::vector<std::int64_t>{1, 2, 3, 5, 6, 7});
        page.feed_id = "F2";
        CHECK(store.journal_flight_page(page).empty());
        page.feed_id.clear();
        page.feed_seq = 2;
        CHECK(message_ids(store.journal_flight_page(page)) == std::vector<std::int64_t>{1});
    });
}

TEST_CASE("planned rows come a page at a time in order id order, rows of other states left out") {
    on_each_backend([](Store& store, const std::string&) {
        std::vector<JournalEntry> rows;
        for (std::int64_t n = 5; n >= 1; --n) {
            rows.push_back(row("b1", 1, n, n == 2 ? JournalState::Submitting : JournalState::Planned));
        }
        rows.push_back(row("b0", 3, 1, JournalState::Canceled));
        (void)store.journal_write(rows);
        std::vector<std::string> seen;
        std::string after;
        for (;;) {
            const auto part = store.journal_planned_page(after, 2);
            for (const auto& e : part) {
                CHECK(e.state == JournalState::Planned);
                seen.push_back(e.order_id);
            }
            if (part.size() < 2) {
                break;
            }
            after = part.back().order_id;
        }
        CHECK(seen == std::vector<std::string>{row("", 1, 1, {}).order_id, row("", 1, 3, {}).order_id,
                                               row("", 1, 4, {}).order_id, row("", 1, 5, {}).order_id});
    });
}

TEST_CASE("a take-over in id order hands over the same rows as oldest first") {
    on_each_backend([](Store& store, const std::string&) {
        std::vector<JournalEntry> rows;
        for (std::int64_t n = 4; n >= 1; --n) {
            rows.push_back(row("b1", 1, n, JournalState::Submitting));
        }
        (void)store.journal_write(rows);
        const asc::SyncLock lock = store.lock_for_cancel(std::chrono::seconds(1));
        std::vector<std::int64_t> by_id;
        store.journal_take_over([&](JournalEntry&& e) { by_id.push_back(e.id); }, true);
        CHECK(by_id.size() == 4);
        CHECK(std::is_sorted(by_id.begin(), by_id.end()));
        std::vector<std::int64_t> oldest;
        store.journal_take_over([&](JournalEntry&& e) { oldest.push_back(*e.message_id); });
        CHECK(oldest == std::vector<std::int64_t>{1, 2, 3, 4}); // created_at follows the MessageID here
    });
}

TEST_CASE("canceled rows that owe the Magento step come a page at a time by id, no other row") {
    on_each_backend([](Store& store, const std::string&) {
        using asc::CommerceState;
        std::vector<JournalEntry> rows;
        const std::vector<std::optional<CommerceState>> commerce{
            CommerceState::Pending, CommerceState::Done,   CommerceState::Failed,  std::nullopt,
            CommerceState::Pending, CommerceState::NoLink, CommerceState::Skipped, CommerceState::Failed};
        for (std::size_t n = 0; n < commerce.size(); ++n) {
            rows.push_back(row("b1", 1, static_cast<std::int64_t>(n + 1), JournalState::Canceled));
            rows.back().commerce_state = commerce[n];
        }
        rows.push_back(row("b1", 2, 1, JournalState::Failed)); // not canceled: owes nothing
        rows.back().commerce_state = CommerceState::Pending;
        const std::vector<std::int64_t> ids = store.journal_write(rows);
        std::vector<std::int64_t> seen;
        for (std::int64_t after = 0;;) {
            const auto part = store.journal_commerce_owed(after, 2);
            CHECK(part.size() <= 2);
            for (const auto& e : part) {
                CHECK(e.state == JournalState::Canceled);
                seen.push_back(e.id);
            }
            if (part.size() < 2) {
                break;
            }
            after = part.back().id;
        }
        CHECK(seen == std::vector<std::int64_t>{ids[0], ids[2], ids[4], ids[7]});
        CHECK(store.journal_commerce_owed(ids[7], 10).empty());
    });
}

TEST_SUITE_END();
