#pragma once
// The commerce step of `order cancel` and `cancellations resume` (core: commerce_step.hpp): the
// linked Magento orders follow the cancellations Amazon confirmed. The Amazon results stand
// whatever happens here; the rows say what the commerce step did.

#include "asc/cancel/cancel.hpp"
#include "cancel_output.hpp"
#include "commerce_link.hpp"
#include "context.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {
class CommerceStep;
}

namespace asc::cli {

struct CommerceForCancel {
    std::unique_ptr<CommerceLink> link; // nullptr: no commerce link, or --no-commerce
    std::optional<CommerceState> on_cancel; // for CancelOptions::commerce_on_cancel: none, Pending, Skipped
};

// Test hook ASC_TEST_PAUSE_AT=<step>:<file>: at that step, creates <file>.reached and waits (up to
// two minutes) until <file> exists, so a test can hold a run (its claims, or the lock of the
// Magento order it is updating) while other hosts work.
std::function<void(std::string_view)> pause_hook(const std::string& spec);

// The profile's commerce link for a cancel run. Throws Error(Config) when it is configured but
// incomplete, so that nothing is sent to Amazon before that is fixed.
CommerceForCancel commerce_for_cancel(Context& ctx, bool no_commerce);

struct CommerceOutcome {
    std::string summary;        // "3 Magento orders updated, 1 without a linked order"; "" when none
    std::optional<Error> error; // Auth (the token was refused), Partial (an update failed), Interrupted
};

// The commerce step of one run, whose rows come a part at a time (recovery's rows as it settles
// them, then each chunk's), in memory that does not grow with the batch: one Magento client step
// across the parts, and one summary and error for all of them. Which journal rows this run has
// looked at is kept as one bit per journal id, so that owed() steps only the others.
class CommerceRun {
  public:
    CommerceRun(Context& ctx, CommerceForCancel& commerce);
    ~CommerceRun();
    CommerceRun(const CommerceRun&) = delete;
    CommerceRun& operator=(const CommerceRun&) = delete;

    // Runs the step for the canceled orders among `rows` whose journal rows wait for it (each
    // order's newest row); sets each such row's commerce columns and adds what happened to its
    // message.
    void run(std::vector<CancelRow>& rows);
    // Runs the step for every canceled journal row still owed that run() has not looked at (the
    // Magento step of earlier runs that failed or never ran), read from the journal a page at a
    // time; each goes to `row` as a result row once stepped.
    void owed(const std::function<void(CancelRow&&)>& row);
    // What the parts so far did, as one summary and one error.
    [[nodiscard]] CommerceOutcome outcome() const;

  private:
    // Steps `entries` (journal rows of the orders of `rows`, by `row_of`) and fills those rows.
    void step(std::vector<JournalEntry>& entries, std::vector<CancelRow>& rows,
              const std::map<std::string, std::size_t>& row_of);
    void mark(std::int64_t journal_id);
    [[nodiscard]] bool marked(std::int64_t journal_id) const;

    Context& m_ctx;
    CommerceForCancel& m_commerce;
    std::unique_ptr<CommerceStep> m_step; // made at the first row that needs it
    std::vector<bool> m_seen;             // by journal id: looked at by run()
    std::map<std::string, std::size_t> m_actions;
    std::size_t m_steps = 0; // journal rows handed to the step
    std::size_t m_done = 0;
    std::size_t m_no_link = 0;
    std::size_t m_failed = 0;
    std::size_t m_pending = 0;
    std::optional<Error> m_error;
};

// How many result rows go through the Magento step together.
inline constexpr std::size_t k_commerce_part = 1'000;

// The result rows of a run with a commerce link, as they come: each goes through the Magento step
// with its part of `part` rows, is counted, and waits in a CancelRowSpool until the last one is
// known (it decides whether the commerce columns are shown), so that neither `order cancel` nor
// `cancellations resume` holds every row.
class CommerceRowFlow {
  public:
    CommerceRowFlow(Context& ctx, CommerceForCancel& commerce, std::size_t part = k_commerce_part);

    // A result row.
    void add(CancelRow&& row);
    // A row that is not listed (an earlier run's order that recovery completed during `order
    // cancel`): it only goes through the step.
    void add_unlisted(CancelRow&& row);
    // Steps the rows held so far.
    void flush();
    // flush(), then the step for every journal row still owed (CommerceRun::owed), each one a row.
    void add_owed();
    // The rows so far (after flush(): every row added).
    [[nodiscard]] const CancelCounts& counts() const { return m_counts; }
    // flush(), then every row in the order added.
    void render();
    [[nodiscard]] CommerceOutcome outcome() const { return m_run.outcome(); }

  private:
    Context& m_ctx;
    CommerceRun m_run;
    std::size_t m_part;
    std::vector<CancelRow> m_rows;
    std::vector<CancelRow> m_unlisted;
    CancelRowSpool m_spool;
    CancelCounts m_counts;
};

// Prints the summary (unless -q).
void print_commerce_summary(Context& ctx, const CommerceOutcome& outcome);

// The end of a cancel or resume with a commerce link: finish_cancel (summary, exit error), the
// commerce summary in any case, then the commerce step's own error.
void finish_cancel_with_commerce(Context& ctx, const std::string& verb, const CancelCounts& counts,
                                 const std::vector<std::string>& feed_ids, const CancelResult& result, bool wait,
                                 const CommerceOutcome& commerce);

} // namespace asc::cli
