#include "commerce_cancel.hpp"

#include "asc/base/strings.hpp"
#include "asc/commerce/commerce_step.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <unistd.h>

namespace asc::cli {

namespace {

void add_message(CancelRow& row, const std::string& text) {
    if (!text.empty()) {
        row.message += (row.message.empty() ? "" : "; ") + text;
    }
}

std::string row_message(const CommerceStepRow& r) {
    if (!r.state) {
        return {};
    }
    switch (*r.state) {
    case CommerceState::Done:
    case CommerceState::NoLink:
        return r.message;
    case CommerceState::Failed:
        return fmt::format("Magento not updated ({}); `asc cancellations resume` retries it", r.message);
    case CommerceState::Pending:
        return fmt::format("Magento update pending ({}); `asc cancellations resume` sends it", r.message);
    case CommerceState::Skipped:
        break;
    }
    return {};
}

} // namespace

std::function<void(std::string_view)> pause_hook(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string step = spec.substr(0, colon);
    const std::string file = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
    return [step, file](std::string_view now) {
        if (now != step || file.empty()) {
            return;
        }
        std::ofstream(file + ".reached").put('\n');
        for (int i = 0; i < 1200 && !std::filesystem::exists(file); ++i) {
            ::usleep(100'000);
        }
    };
}

CommerceForCancel commerce_for_cancel(Context& ctx, bool no_commerce) {
    CommerceForCancel c;
    if (!ctx.settings().commerce) {
        return c;
    }
    if (no_commerce) {
        c.on_cancel = CommerceState::Skipped;
        return c;
    }
    c.link = CommerceLink::open(ctx);
    c.on_cancel = CommerceState::Pending;
    return c;
}

CommerceRun::CommerceRun(Context& ctx, CommerceForCancel& commerce) : m_ctx(ctx), m_commerce(commerce) {}

CommerceRun::~CommerceRun() = default;

bool CommerceRun::marked(std::int64_t journal_id) const {
    return journal_id >= 0 && static_cast<std::size_t>(journal_id) < m_seen.size() &&
           m_seen[static_cast<std::size_t>(journal_id)];
}

void CommerceRun::mark(std::int64_t journal_id) {
    if (journal_id < 0) {
        return;
    }
    const auto at = static_cast<std::size_t>(journal_id);
    if (at >= m_seen.size()) {
        m_seen.resize(std::max(at + 1, m_seen.size() * 2));
    }
    m_seen[at] = true;
}

void CommerceRun::run(std::vector<CancelRow>& rows) {
    if (!m_commerce.on_cancel) {
        return; // no commerce link: nothing is ever asked or journaled
    }
    std::vector<std::string> ids;
    std::map<std::string, std::size_t> row_of; // order id -> index in rows
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].outcome == CancelOutcome::Canceled && row_of.emplace(rows[i].order_id, i).second) {
            ids.push_back(rows[i].order_id);
        }
    }
    std::vector<JournalEntry> entries;
    for (auto& [id, entry] : m_ctx.store().journal_latest(ids)) {
        if (entry.state == JournalState::Canceled) {
            CancelRow& row = rows[row_of.at(id)];
            row.commerce = entry.commerce_state;
            row.commerce_action = entry.commerce_action;
            row.commerce_creditmemo_id = entry.commerce_creditmemo_id;
            mark(entry.id);
            entries.push_back(std::move(entry));
        }
    }
    step(entries, rows, row_of);
}

void CommerceRun::owed(const std::function<void(CancelRow&&)>& row) {
    if (!m_commerce.link) {
        return; // no commerce link, or --no-commerce: the journal keeps what it owes
    }
    constexpr std::size_t k_page = 500;
    std::vector<CancelRow> rows;
    std::map<std::string, std::size_t> row_of;
    for (std::int64_t after = 0;;) {
        std::vector<JournalEntry> page = m_ctx.store().journal_commerce_owed(after, k_page);
        const bool last = page.size() < k_page;
        after = page.empty() ? after : page.back().id;
        std::erase_if(page, [this](const JournalEntry& e) { return marked(e.id); });
        rows.clear();
        row_of.clear();
        for (const JournalEntry& e : page) {
            mark(e.id);
            row_of.emplace(e.order_id, rows.size());
            rows.push_back({e.order_id, CancelOutcome::Canceled, e.reason, e.feed_id, "", "", e.commerce_state,
                            e.commerce_action, e.commerce_creditmemo_id});
        }
        step(page, rows, row_of); // writes to the journal: the page's statement is done
        for (CancelRow& r : rows) {
            row(std::move(r));
        }
        if (last) {
            return;
        }
    }
}

void CommerceRun::step(std::vector<JournalEntry>& entries, std::vector<CancelRow>& rows,
                       const std::map<std::string, std::size_t>& row_of) {
    if (!m_commerce.link) {
        return; // --no-commerce: the journal says skipped
    }
    std::erase_if(entries, [](const JournalEntry& e) { return !needs_commerce_step(e); });
    if (entries.empty()) {
        return;
    }
    if (!m_step) {
        CommerceStepOptions step_options;
        step_options.on_cancel =
            parse_commerce_on_cancel(m_ctx.settings().commerce->on_cancel).value_or(CommerceOnCancel::Auto);
        if (const auto pause = m_ctx.env("ASC_TEST_PAUSE_AT")) {
            step_options.on_step = pause_hook(*pause); // test hook, e.g. commerce-read:FILE
        }
        m_step = std::make_unique<CommerceStep>(m_commerce.link->client(), m_ctx.store(), m_ctx.clock(),
                                                m_ctx.events(), step_options);
    }
    const CommerceStepResult result = m_step->run(entries);
    for (const CommerceStepRow& r : result.rows) {
        if (const auto it = row_of.find(r.order_id); it != row_of.end()) {
            CancelRow& row = rows[it->second];
            row.commerce = r.state;
            row.commerce_action = r.action;
            row.commerce_creditmemo_id = r.creditmemo_id;
            add_message(row, row_message(r));
        }
        if (r.state == CommerceState::Done && !r.action.empty()) {
            ++m_actions[r.action];
        }
    }
    m_steps += result.rows.size();
    m_done += result.count(CommerceState::Done);
    m_no_link += result.count(CommerceState::NoLink);
    m_failed += result.count(CommerceState::Failed);
    m_pending += result.count(CommerceState::Pending);
    if (result.error && !m_error) {
        m_error = result.error;
    }
}

CommerceOutcome CommerceRun::outcome() const {
    CommerceOutcome outcome;
    if (m_steps == 0) {
        return outcome;
    }
    std::string summary;
    auto part = [&summary](std::size_t n, const std::string& text) {
        if (n > 0) {
            summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n, text);
        }
    };
    std::string how;
    for (const auto& [action, n] : m_actions) {
        how += fmt::format("{}{} {}", how.empty() ? "" : ", ", n, action);
    }
    part(m_done, fmt::format("{}{}", m_done == 1 ? "Magento order updated" : "Magento orders updated",
                             how.empty() ? "" : fmt::format(" ({})", how)));
    part(m_no_link, "without a linked Magento order");
    part(m_failed, "failed");
    part(m_pending, "not attempted");
    outcome.summary = summary;
    if (m_error) {
        outcome.error = *m_error;
    } else if (m_failed + m_pending > 0) {
        outcome.error = Error(ErrorKind::Partial,
                              fmt::format("the commerce system (Magento) was not updated for {} of {} canceled "
                                          "{}; the Amazon cancellations stand",
                                          m_failed + m_pending, m_steps, m_steps == 1 ? "order" : "orders"),
                              "`asc cancellations resume` retries only the Magento update");
    }
    return outcome;
}

CommerceRowFlow::CommerceRowFlow(Context& ctx, CommerceForCancel& commerce, std::size_t part)
    : m_ctx(ctx), m_run(ctx, commerce), m_part(std::max<std::size_t>(1, part)) {}

void CommerceRowFlow::add(CancelRow&& row) {
    m_rows.push_back(std::move(row));
    if (m_rows.size() >= m_part) {
        flush();
    }
}

void CommerceRowFlow::add_unlisted(CancelRow&& row) {
    m_unlisted.push_back(std::move(row));
    if (m_unlisted.size() >= m_part) {
        flush();
    }
}

void CommerceRowFlow::flush() {
    m_run.run(m_rows);
    for (const CancelRow& row : m_rows) {
        m_counts.add(row);
        m_spool.add(row);
    }
    m_rows.clear();
    m_run.run(m_unlisted);
    m_unlisted.clear();
}

void CommerceRowFlow::add_owed() {
    flush();
    m_run.owed([this](CancelRow&& row) {
        m_counts.add(row);
        m_spool.add(row);
    });
}

void CommerceRowFlow::render() {
    flush();
    m_spool.render(m_ctx);
}

void print_commerce_summary(Context& ctx, const CommerceOutcome& outcome) {
    if (!ctx.global.quiet && !outcome.summary.empty()) {
        ctx.err << fmt::format("asc: commerce: {}\n", outcome.summary);
    }
}

void finish_cancel_with_commerce(Context& ctx, const std::string& verb, const CancelCounts& counts,
                                 const std::vector<std::string>& feed_ids, const CancelResult& result, bool wait,
                                 const CommerceOutcome& commerce) {
    try {
        finish_cancel(ctx, verb, counts, feed_ids, result.error, result.timed_out, wait);
    } catch (const Error&) {
        print_commerce_summary(ctx, commerce);
        throw;
    }
    print_commerce_summary(ctx, commerce);
    if (commerce.error) {
        throw *commerce.error;
    }
}

} // namespace asc::cli
