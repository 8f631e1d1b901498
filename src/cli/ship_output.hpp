#pragma once
// Output of `order ship` and `shipments list`: one row per package in every format, the one-line
// summary on stderr, and the exit status the rows call for.

#include "asc/ship/ship.hpp"
#include "context.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc::cli {

inline constexpr std::string_view k_ship_csv_header = "order_id,carrier,tracking,method,ship_date,item_id,quantity";

// order_id, outcome, package_ref, carrier, tracking_number, items, via, feed_id, result_code, message.
const std::vector<Field>& ship_fields();
void render_ship_rows(Context& ctx, const std::vector<ShipRow>& rows);

// Writes result rows as they come, in any format (a JSON array is opened at the first row and
// closed by finish()), so that a batch of any size is never held whole. Nothing is written before
// the first row or finish().
class ShipRowWriter {
  public:
    explicit ShipRowWriter(Context& ctx) : m_ctx(ctx) {}
    void row(const ShipRow& row);
    void finish();

  private:
    Renderer& renderer(); // made at the first row (or finish)

    Context& m_ctx;
    std::unique_ptr<Renderer> m_renderer;
};

// How many rows had each outcome, and the only row when there is exactly one: what the summary
// and the exit status need.
struct ShipCounts {
    std::array<std::size_t, k_ship_outcomes> counts{}; // by ShipOutcome
    std::size_t total = 0;
    std::optional<ShipRow> only;

    void add(const ShipRow& row);
    [[nodiscard]] std::size_t count(ShipOutcome outcome) const { return counts[static_cast<std::size_t>(outcome)]; }
};
// "998 confirmed, 1 already shipped, 1 refused (feed 50012019000)"; "(feeds A, B)" or "(5 feeds)"
// for a run of several.
std::string ship_summary(const ShipCounts& counts, const std::vector<std::string>& feed_ids);
// Notes about earlier runs (unless -q).
void print_ship_recovery(Context& ctx, const ShipCounts& recovered, std::size_t left_planned);
// The error the rows call for (nullopt: exit 0): every package confirmed or already shipped is
// success; one package refused by the guard is Refused (5), one unknown order NotFound (3); anything
// else not confirmed in a batch is Partial (6); a package whose outcome is not known yet, or a run
// stopped by an unreachable Amazon, is Temporary (75); with --no-wait a package pending in a feed
// is success.
std::optional<Error> ship_exit_error(const ShipCounts& counts, const std::optional<Error>& error, bool wait);
// Prints the summary (unless -q) and throws what ship_exit_error() says.
void finish_ship(Context& ctx, const ShipCounts& counts, const std::vector<std::string>& feed_ids,
                 const std::optional<Error>& error, bool wait);

} // namespace asc::cli
