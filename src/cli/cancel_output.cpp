#include "cancel_output.hpp"

#include "asc/base/strings.hpp"
#include "asc/output/order_records.hpp"
#include "commands.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <ostream>
#include <unistd.h>

namespace asc::cli {

namespace {

const std::vector<Field> k_fields{
    {"order_id", "", ColumnKind::Id, k_always, "The Amazon order id"},
    {"outcome", "", ColumnKind::Status, k_always,
     "canceled, already_canceled, submitted, would_cancel, refused, failed, not_found, invalid_id or "
     "handled_elsewhere"},
    {"reason", "", ColumnKind::Reason, 90, "The cancel reason"},
    {"feed_id", "FEED", ColumnKind::Id, 60, "The feed that carried it"},
    {"result_code", "CODE", ColumnKind::Code, 50, "Amazon's result code"},
    {"message", "", ColumnKind::Text, 40, "What happened, in words"}};
// With a commerce link, also what the Magento step did (commerce_step.hpp): its state, the
// action taken on the Magento order and the credit memo id.
const std::vector<Field> k_fields_with_commerce = [] {
    std::vector<Field> all = k_fields;
    all.push_back({"commerce", "", ColumnKind::Text, 30, "What the Magento step did"});
    all.push_back({"commerce_action", "MAGENTO", ColumnKind::Code, 28, "The action taken on the Magento order"});
    all.push_back({"commerce_creditmemo_id", "CREDIT MEMO", ColumnKind::Id, 26, "The Magento credit memo id"});
    return all;
}();

constexpr std::array k_order{CancelOutcome::Canceled, CancelOutcome::AlreadyCanceled, CancelOutcome::Submitted,
                             CancelOutcome::WouldCancel, CancelOutcome::Refused,  CancelOutcome::Failed,
                             CancelOutcome::NotFound, CancelOutcome::InvalidId, CancelOutcome::Elsewhere};

std::string words(CancelOutcome outcome) {
    std::string text(to_string(outcome));
    std::replace(text.begin(), text.end(), '_', ' ');
    return text;
}

} // namespace

const std::vector<Field>& cancel_fields() {
    return k_fields_with_commerce;
}

Record cancel_record(const CancelRow& row) {
    Record r = Record::object();
    r["order_id"] = row.order_id;
    r["outcome"] = std::string(to_string(row.outcome));
    r["reason"] = row.reason;
    r["feed_id"] = row.feed_id.empty() ? Record(nullptr) : Record(row.feed_id);
    r["result_code"] = row.result_code.empty() ? Record(nullptr) : Record(row.result_code);
    r["message"] = row.message.empty() ? Record(nullptr) : Record(row.message);
    r["commerce"] = row.commerce ? Record(std::string(to_string(*row.commerce))) : Record(nullptr);
    r["commerce_action"] = row.commerce_action.empty() ? Record(nullptr) : Record(row.commerce_action);
    r["commerce_creditmemo_id"] =
        row.commerce_creditmemo_id.empty() ? Record(nullptr) : Record(row.commerce_creditmemo_id);
    return r;
}

CancelRowWriter::CancelRowWriter(Context& ctx, bool commerce) : m_ctx(ctx), m_commerce(commerce) {}

Renderer& CancelRowWriter::renderer() {
    if (!m_renderer) {
        auto options = m_ctx.render_options();
        options.id_key = "order_id";
        // The commerce column only when the commerce step ran (a profile without a commerce link
        // sees no change); --fields can always ask for it.
        const auto fields =
            chosen_fields(m_ctx, k_fields_with_commerce, m_commerce ? k_fields_with_commerce : k_fields);
        m_renderer = make_renderer(options, fields, m_ctx.out);
    }
    return *m_renderer;
}

void CancelRowWriter::row(const CancelRow& row) {
    renderer().row(cancel_record(row));
}

void CancelRowWriter::finish() {
    renderer().finish();
    m_ctx.out.flush();
}

void render_cancel_rows(Context& ctx, const std::vector<CancelRow>& rows) {
    const bool commerce =
        std::any_of(rows.begin(), rows.end(), [](const CancelRow& r) { return r.commerce.has_value(); });
    CancelRowWriter writer(ctx, commerce);
    for (const CancelRow& row : rows) {
        writer.row(row);
    }
    writer.finish();
}

namespace {

void put_string(std::string& out, std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    char bytes[sizeof n];
    std::memcpy(bytes, &n, sizeof n);
    out.append(bytes, sizeof n);
    out.append(s);
}

// Reads what put_string() wrote; false at the end of the file.
bool get_string(std::FILE* f, std::string& s) {
    std::uint32_t n = 0;
    if (std::fread(&n, sizeof n, 1, f) != 1) {
        return false;
    }
    s.resize(n);
    return n == 0 || std::fread(s.data(), 1, n, f) == n;
}

} // namespace

CancelRowSpool::CancelRowSpool() : m_file(std::make_unique<TempFile>("cancel-rows")) {}

CancelRowSpool::~CancelRowSpool() = default;

void CancelRowSpool::add(const CancelRow& row) {
    m_out.clear();
    m_out.push_back(static_cast<char>(row.outcome));
    m_out.push_back(row.commerce ? static_cast<char>(static_cast<int>(*row.commerce) + 1) : '\0');
    for (const std::string* s : {&row.order_id, &row.reason, &row.feed_id, &row.result_code, &row.message,
                                 &row.commerce_action, &row.commerce_creditmemo_id}) {
        put_string(m_out, *s);
    }
    m_file->write(m_out);
    m_commerce = m_commerce || row.commerce.has_value();
}

void CancelRowSpool::render(Context& ctx) {
    m_file->flush();
    const int fd = ::dup(m_file->fd());
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(fd < 0 ? nullptr : ::fdopen(fd, "rb"), &std::fclose);
    if (!f) {
        if (fd >= 0) {
            ::close(fd);
        }
        throw Error(ErrorKind::Temporary, "could not read the result rows back from their temporary file",
                    "what was sent is journaled: `asc cancellations list` shows it");
    }
    std::rewind(f.get());
    CancelRowWriter writer(ctx, m_commerce);
    CancelRow row;
    char head[2];
    while (std::fread(head, 1, 2, f.get()) == 2) {
        row.outcome = static_cast<CancelOutcome>(head[0]);
        row.commerce.reset();
        if (head[1] != '\0') {
            row.commerce = static_cast<CommerceState>(head[1] - 1);
        }
        for (std::string* s : {&row.order_id, &row.reason, &row.feed_id, &row.result_code, &row.message,
                               &row.commerce_action, &row.commerce_creditmemo_id}) {
            if (!get_string(f.get(), *s)) {
                throw Error(ErrorKind::Temporary, "the temporary file of the result rows is shorter than written",
                            "what was sent is journaled: `asc cancellations list` shows it");
            }
        }
        writer.row(row);
    }
    writer.finish();
}

void CancelCounts::add(const CancelRow& row) {
    tally.add(row.outcome);
    if (tally.total == 1) {
        only = row;
    } else {
        only.reset();
    }
}

CancelCounts counts_of(const std::vector<CancelRow>& rows) {
    CancelCounts counts;
    for (const CancelRow& row : rows) {
        counts.add(row);
    }
    return counts;
}

std::string cancel_summary(const std::vector<CancelRow>& rows, const std::vector<std::string>& feed_ids) {
    return cancel_summary(counts_of(rows).tally, feed_ids);
}

std::string cancel_summary(const CancelTally& tally, const std::vector<std::string>& feed_ids) {
    std::string text;
    for (const CancelOutcome outcome : k_order) {
        if (const auto n = tally.count(outcome); n > 0) {
            text += fmt::format("{}{} {}", text.empty() ? "" : ", ", n, words(outcome));
        }
    }
    if (text.empty()) {
        text = "no orders";
    }
    if (feed_ids.size() == 1) {
        text += fmt::format(" (feed {})", feed_ids.front());
    } else if (feed_ids.size() > 1 && feed_ids.size() <= 3) {
        text += fmt::format(" (feeds {})", fmt::join(feed_ids, ", "));
    } else if (feed_ids.size() > 3) {
        text += fmt::format(" ({} feeds)", feed_ids.size());
    }
    return text;
}

void print_recovery_notes(Context& ctx, const std::vector<CancelRow>& recovered, std::size_t left_for_resume) {
    print_recovery_notes(ctx, counts_of(recovered).tally, left_for_resume);
}

void print_recovery_notes(Context& ctx, const CancelTally& recovered, std::size_t left_for_resume) {
    if (ctx.global.quiet) {
        return;
    }
    if (recovered.total > 0) {
        ctx.err << fmt::format("asc: completed {} of an interrupted run: {} "
                               "(`asc cancellations list` shows them)\n",
                               count_noun(static_cast<long long>(recovered.total), "cancellation"),
                               cancel_summary(recovered, {}));
    }
    if (left_for_resume > 0) {
        ctx.err << fmt::format("asc: {} planned by an interrupted run {} not sent; `asc cancellations "
                               "resume` sends {}\n",
                               count_noun(static_cast<long long>(left_for_resume), "order"),
                               left_for_resume == 1 ? "was" : "were", left_for_resume == 1 ? "it" : "them");
    }
}

void print_advice(Context& ctx, const std::vector<std::string>& advice) {
    if (ctx.global.quiet) {
        return;
    }
    constexpr std::size_t k_shown = 5;
    for (std::size_t i = 0; i < advice.size() && i < k_shown; ++i) {
        ctx.err << "asc: warning: " << strip_control(advice[i]) << '\n';
    }
    if (advice.size() > k_shown) {
        ctx.err << fmt::format("asc: warning: {} more orders carry a buyer's cancellation request; BuyerCanceled is "
                               "the reason that does not count against your cancellation rate\n",
                               advice.size() - k_shown);
    }
}

std::optional<Error> cancel_exit_error(const CancelCounts& counts, const std::optional<Error>& error,
                                       bool timed_out, bool wait) {
    if (error) {
        return error;
    }
    const CancelTally& t = counts.tally;
    const std::size_t bad = t.count(CancelOutcome::Failed) + t.count(CancelOutcome::Refused) +
                            t.count(CancelOutcome::NotFound) + t.count(CancelOutcome::InvalidId);
    const std::size_t pending = t.count(CancelOutcome::Submitted);
    if (t.total == 1 && counts.only) {
        const CancelRow& r = *counts.only;
        switch (r.outcome) {
        case CancelOutcome::Refused:
            return Error(ErrorKind::Refused, fmt::format("order {} cannot be canceled here: {}", r.order_id, r.message));
        case CancelOutcome::NotFound:
            return Error(ErrorKind::NotFound, fmt::format("order {} was not found: {}", r.order_id, r.message),
                         "check the id, the profile (seller) and the region");
        case CancelOutcome::InvalidId:
            return not_an_order_id(r.order_id);
        case CancelOutcome::Failed:
            return Error(ErrorKind::Partial, fmt::format("order {} was not canceled: {}", r.order_id, r.message));
        default:
            break;
        }
    } else if (bad > 0) {
        return Error(ErrorKind::Partial,
                     fmt::format("{} of {} orders {} not canceled", bad, t.total, bad == 1 ? "was" : "were"),
                     "each row says why; `asc cancellations list --state failed,refused` keeps the record");
    }
    if (const std::size_t elsewhere = t.count(CancelOutcome::Elsewhere); wait && elsewhere > 0) {
        return Error(ErrorKind::Temporary,
                     fmt::format("{} still handled by another run",
                                 elsewhere == 1 ? std::string("1 order is") : fmt::format("{} orders are", elsewhere)),
                     "each row names the run; `asc cancellations list --order ID` shows how it ends");
    }
    if (wait && (timed_out || pending > 0)) {
        return Error(ErrorKind::Temporary,
                     fmt::format("{} still in a feed Amazon is processing",
                                 pending == 1 ? std::string("1 order is") : fmt::format("{} orders are", pending)),
                     "`asc cancellations resume` collects the result later");
    }
    return std::nullopt;
}

void finish_cancel(Context& ctx, const std::string& verb, const CancelCounts& counts,
                   const std::vector<std::string>& feed_ids, const std::optional<Error>& error, bool timed_out,
                   bool wait) {
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("asc: {}: {}\n", verb, cancel_summary(counts.tally, feed_ids));
    }
    if (auto e = cancel_exit_error(counts, error, timed_out, wait)) {
        throw *e;
    }
}

} // namespace asc::cli
