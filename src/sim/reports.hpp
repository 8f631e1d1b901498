#pragma once
// Reports API 2021-06-30 state (model: shared/spapi-models/reports_2021-06-30.json): reports that
// move IN_QUEUE -> IN_PROGRESS -> DONE (or CANCELLED when the window holds no order, or FATAL on
// request) over the build time, and their documents. Only the order report asc uses is built:
// GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL, from the same orders searchOrders serves,
// so a backfill through reports and a searchOrders sync of one window store the same orders.
// Thread-safe; tick() drives the clock.

#include "store.hpp"
#include "util.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sim {

inline constexpr std::string_view k_order_report_type = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL";

struct ReportError {
    int status;
    std::string code;
    std::string message;
};

struct ReportDocumentBytes {
    std::shared_ptr<const std::string> data;
    bool gzip = false;
};

// The tab-separated order report of the orders whose lastUpdatedTime is in [start, end] in one of
// `marketplaces` (all when empty): a header line and one line per order item. Empty when no order
// matches. Public for tests of the simulator.
std::string build_order_report(const Store& store, Millis start, Millis end,
                               const std::vector<std::string>& marketplaces);

class Reports {
  public:
    // `build_seconds`: the time a report takes, already divided by the time scale. Documents larger
    // than `gzip_above` bytes are GZIP-compressed.
    Reports(Store& store, double build_seconds, std::size_t gzip_above);

    // createReport: the new report id, or an error.
    std::variant<std::string, ReportError> create(const std::string& type, const std::vector<std::string>& marketplaces,
                                                  std::optional<Millis> start, std::optional<Millis> end);
    // getReport: the Report object.
    std::optional<Json> report(const std::string& id) const;
    // getReportDocument: {"reportDocumentId","url","compressionAlgorithm"?}
    std::optional<Json> document_info(const std::string& id, const std::string& base_url) const;
    // The bytes a document url serves.
    std::optional<ReportDocumentBytes> download(const std::string& id) const;

    // Makes the next created report end FATAL or CANCELLED ("" clears).
    void set_next_outcome(std::string outcome);
    void set_build_seconds(double seconds);
    void set_gzip_above(std::size_t bytes);
    // Advances every report whose time has come (builds documents outside the lock).
    void tick();

  private:
    using Clock = std::chrono::steady_clock;
    struct Report {
        std::string id;
        std::string type;
        std::vector<std::string> marketplaces;
        Millis start = 0;
        Millis end = 0;
        Millis created = 0;
        Millis started = 0;
        Millis ended = 0;
        std::string status = "IN_QUEUE";
        std::string document;
        std::string outcome; // forced FATAL / CANCELLED, else empty
        Clock::time_point start_at;
        Clock::time_point end_at;
        bool building = false;
    };
    [[nodiscard]] static Json describe(const Report& r);

    Store& store_;
    mutable std::mutex mutex_;
    double build_seconds_;
    std::size_t gzip_above_;
    std::string next_outcome_;
    std::uint64_t next_number_ = 53'104'019'000;
    std::map<std::string, Report> reports_;
    std::map<std::string, ReportDocumentBytes> documents_;
};

// The X-Amz-Signature of a report document's download url.
std::string report_signature(const std::string& document_id);

} // namespace sim
