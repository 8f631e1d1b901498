#pragma once
// The commerce step of `order cancel` and `cancellations resume` (core: commerce_step.hpp): the
// linked Magento orders follow the cancellations Amazon confirmed. The Amazon results stand
// whatever happens here; the rows say what the commerce step did.

#include "asc/cancel/cancel.hpp"
#include "cancel_output.hpp"
#include "commerce_link.hpp"
#include "context.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
