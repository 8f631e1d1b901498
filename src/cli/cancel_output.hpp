#pragma once
// Output shared by `order cancel` and `cancellations resume`: one row per order in every format,
// the one-line summary on stderr, and the exit status the rows call for.

#include "asc/base/temp_file.hpp"
#include "asc/cancel/cancel.hpp"
#include "context.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asc::cli {

// order_id, outcome, reason, feed_id, result_code, message, commerce (the Magento step; shown
// by default only when it ran).
const std::vector<Field>& cancel_fields();
Record cancel_record(const CancelRow& row);

// Renders `rows` with -o / --fields (default: every field).
void render_cancel_rows(Context& ctx, const std::vector<CancelRow>& rows);

// Writes result rows as they come, in any format (a JSON array is opened at the first row and
// closed by finish()), so that a batch of any size is never held whole. `commerce`: show the
// commerce columns by default (the commerce step ran for some row). Nothing is written before
// the first row or finish().
class CancelRowWriter {
  public:
    CancelRowWriter(Context& ctx, bool commerce);
    void row(const CancelRow& row);
    void finish();

  private:
    Renderer& renderer(); // made at the first row (or finish)

    Context& m_ctx;
    bool m_commerce;
    std::unique_ptr<Renderer> m_renderer;
};

// Result rows kept in an unlinked temporary file (asc/base/temp_file.hpp) until all of them are
// known, then rendered as render_cancel_rows() would render them held in memory: for a run whose
// columns depend on every row (the commerce columns) in memory that does not grow with the batch.
class CancelRowSpool {
  public:
    CancelRowSpool();
    ~CancelRowSpool();
    CancelRowSpool(const CancelRowSpool&) = delete;
    CancelRowSpool& operator=(const CancelRowSpool&) = delete;

    void add(const CancelRow& row);
    // Renders every row added, in order. Throws Error(Temporary) when the file cannot be read back.
    void render(Context& ctx);

  private:
    std::unique_ptr<TempFile> m_file;
    std::string m_out;
    bool m_commerce = false; // some row has a commerce state
};

// The tally of some rows, and the only row when there is exactly one (what the exit status of a
// single order needs).
struct CancelCounts {
    CancelTally tally;
    std::optional<CancelRow> only;

    void add(const CancelRow& row);
};
CancelCounts counts_of(const std::vector<CancelRow>& rows);

// "998 canceled, 1 already canceled, 1 refused (feed 50012019000)".
std::string cancel_summary(const std::vector<CancelRow>& rows, const std::vector<std::string>& feed_ids);
std::string cancel_summary(const CancelTally& tally, const std::vector<std::string>& feed_ids);

// Prints the notes about earlier runs (unless -q): what recovery completed, what waits for resume.
void print_recovery_notes(Context& ctx, const std::vector<CancelRow>& recovered, std::size_t left_for_resume);
// The same from the tally of the recovered rows (they went out as recovery settled them).
void print_recovery_notes(Context& ctx, const CancelTally& recovered, std::size_t left_for_resume);

// The buyer-cancellation advice of a plan on stderr (unless -q): a few lines, then a count.
void print_advice(Context& ctx, const std::vector<std::string>& advice);

// The error the rows call for (nullopt: exit 0), per design.md: every order canceled or already
// canceled (or, in a dry run, would be) is success; a single order refused by the guard is
// Refused (5), a single unknown one NotFound (3); anything else not canceled in a batch is Partial
// (6); Amazon unreachable or a feed still processing after --wait-timeout is Temporary (75).
// `error` is what stopped the run early, if anything.
std::optional<Error> cancel_exit_error(const CancelCounts& counts, const std::optional<Error>& error,
                                       bool timed_out, bool wait);

// Prints the summary (unless -q) and throws what cancel_exit_error() says, if anything; the
// summary is then the error message.
void finish_cancel(Context& ctx, const std::string& verb, const CancelCounts& counts,
                   const std::vector<std::string>& feed_ids, const std::optional<Error>& error, bool timed_out,
                   bool wait);

} // namespace asc::cli
