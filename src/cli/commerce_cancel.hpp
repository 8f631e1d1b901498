#pragma once
// The commerce step of `order cancel` and `cancellations resume` (core: commerce_step.hpp): the
// linked Magento orders follow the cancellations Amazon confirmed. The Amazon results stand
// whatever happens here; the rows say what the commerce step did.

#include "asc/cancel/cancel.hpp"
#include "cancel_output.hpp"
#include "commerce_link.hpp"
#include "context.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asc {
class CommerceStep;
}

namespace asc::cli {

struct CommerceForCancel {
    std::unique_ptr<CommerceLink> link; // nullptr: no commerce link, or --no-commerce
    std::optional<CommerceState> on_cancel; // for CancelOptions::commerce_on_cancel: none, Pending, Skipped
};

// The profile's commerce link for a cancel run. Throws Error(Config) when it is configured but
// incomplete, so that nothing is sent to Amazon before that is fixed.
CommerceForCancel commerce_for_cancel(Context& ctx, bool no_commerce);

struct CommerceOutcome {
    std::string summary;        // "3 Magento orders updated, 1 without a linked order"; "" when none
    std::optional<Error> error; // Auth (the token was refused), Partial (an update failed), Interrupted
};

// The commerce step of one run, whose rows may come a part at a time (a batch worked through in
// chunks): one Magento client step across the parts, and one summary and error for all of them.
class CommerceRun {
  public:
    CommerceRun(Context& ctx, CommerceForCancel& commerce);
    ~CommerceRun();
    CommerceRun(const CommerceRun&) = delete;
    CommerceRun& operator=(const CommerceRun&) = delete;

    // As run_commerce_step() below, for one part of the rows.
    void run(std::vector<CancelRow>& rows, const std::vector<CancelRow>& also, bool all_pending);
    // What the parts so far did, as one summary and one error.
    [[nodiscard]] CommerceOutcome outcome() const;

  private:
    Context& m_ctx;
    CommerceForCancel& m_commerce;
    std::unique_ptr<CommerceStep> m_step; // made at the first row that needs it
    std::map<std::string, std::size_t> m_actions;
    std::size_t m_steps = 0; // journal rows handed to the step
    std::size_t m_done = 0;
    std::size_t m_no_link = 0;
    std::size_t m_failed = 0;
    std::size_t m_pending = 0;
    std::optional<Error> m_error;
};

// Runs the commerce step for the canceled orders among `rows` and `also` whose journal rows wait
// for it, and with `all_pending` for every canceled order of the journal whose step is pending or
// failed (those not in `rows` are appended). Sets each row's `commerce` and adds what happened
// to its message.
CommerceOutcome run_commerce_step(Context& ctx, CommerceForCancel& commerce, std::vector<CancelRow>& rows,
                                  const std::vector<CancelRow>& also, bool all_pending);

// Prints the summary (unless -q).
void print_commerce_summary(Context& ctx, const CommerceOutcome& outcome);

// The end of a cancel or resume with a commerce link: finish_cancel (summary, exit error), the
// commerce summary in any case, then the commerce step's own error.
void finish_cancel_with_commerce(Context& ctx, const std::string& verb, const CancelCounts& counts,
                                 const std::vector<std::string>& feed_ids, const CancelResult& result, bool wait,
                                 const CommerceOutcome& commerce);

} // namespace asc::cli
