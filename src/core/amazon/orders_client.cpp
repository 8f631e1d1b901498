// Orders API v2026-01-01: searchOrders (paged) and getOrder.

#include "asc/amazon/orders_client.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <utility>

namespace asc {

namespace {

// Pages are parsed as ordered_json: its objects are vectors, not node trees, so building one
// allocates far less, and the codec's lookups in objects of a dozen keys stay as fast.
using json = nlohmann::ordered_json;

constexpr std::string_view k_search_path = "/orders/2026-01-01/orders";

std::string_view to_v2026(Included i) {
    switch (i) {
    case Included::Buyer:
        return "BUYER";
    case Included::Recipient:
        return "RECIPIENT";
    case Included::Proceeds:
        return "PROCEEDS";
    case Included::Fulfillment:
        return "FULFILLMENT";
    case Included::Packages:
        return "PACKAGES";
    case Included::Cancellation:
        return "CANCELLATION";
    case Included::Promotion:
        return "PROMOTION";
    case Included::Tax:
        return "TAX";
    }
    return "FULFILLMENT";
}

// "BUYER,FULFILLMENT": the caller's order, duplicates dropped, FULFILLMENT always there.
std::string included_data(const std::vector<Included>& included) {
    std::vector<Included> all = included;
    if (std::find(all.begin(), all.end(), Included::Fulfillment) == all.end()) {
        all.push_back(Included::Fulfillment);
    }
    std::string out;
    std::set<Included> seen;
    for (const Included i : all) {
        if (!seen.insert(i).second) {
            continue;
        }
        out += (out.empty() ? "" : ",") + std::string(to_v2026(i));
    }
    return out;
}

[[noreturn]] void unexpected(std::string_view operation, const std::string& what) {
    throw Error(ErrorKind::Temporary,
                "Amazon returned an unexpected response for " + std::string(operation) + ": " + what,
                "if this persists, Amazon changed the Orders API response: report it with --debug output");
}

// A reader for SpApiClient::call that parses the body once into `out` (null for an empty body)
// and reports a body that is not JSON.
BodyReader parse_into(json& out) {
    return [&out](const HttpResponse& response) {
        if (response.body.empty()) {
            out = json();
            return true;
        }
        out = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
        return !out.is_discarded();
    };
}

using Params = std::vector<std::pair<std::string, std::string>>;

// Checks a searchOrders document and decodes its orders. Throws Error(Temporary) naming
// searchOrders for a body of the wrong shape or an order that does not decode.
OrdersPage decode_page(const json& body) {
    constexpr std::string_view operation = "searchOrders";
    if (!body.is_object()) {
        unexpected(operation, "the body is not a JSON object");
    }
    const auto orders = body.find("orders");
    if (orders == body.end() || !orders->is_array()) {
        unexpected(operation, "no \"orders\" array");
    }
    OrdersPage page;
    if (const auto pagination = body.find("pagination"); pagination != body.end() && pagination->is_object()) {
        if (const auto next = pagination->find("nextToken"); next != pagination->end() && next->is_string()) {
            page.next_token = next->get<std::string>();
        }
    }
    page.orders.reserve(orders->size());
    for (const json& o : *orders) {
        page.orders.push_back(order_from_v2026(o, operation));
    }
    return page;
}

// Decodes a searchOrders body into `out`: in one pass when the page is well formed, otherwise as a
// document, which names the fault of a body of the wrong shape (Error(Temporary)). False: the body
// is not JSON at all.
bool decode_body(std::string_view body, OrdersPage& out) {
    if (decode_orders_page_fast(body, out)) {
        return true;
    }
    json document;
    if (!body.empty()) {
        document = json::parse(body, nullptr, /*allow_exceptions=*/false);
        if (document.is_discarded()) {
            return false;
        }
    }
    out = decode_page(document);
    return true;
}

// A reader for SpApiClient::call that decodes a searchOrders body into `out` (false for a body
// that is not JSON: the call retries it).
BodyReader read_page(OrdersPage& out) {
    return [&out](const HttpResponse& response) { return decode_body(response.body, out); };
}

// The searchOrders request for the page of `token` ("" for the first).
ApiCall search_call(const Params& params, const std::string& token, Events* events, const std::atomic<bool>* cancel) {
    ApiCall call;
    call.operation = "searchOrders";
    call.path = std::string(k_search_path);
    call.query = params;
    if (!token.empty()) {
        // Raw here: SpApiClient percent-encodes every value exactly once.
        call.query.emplace_back("paginationToken", token);
    }
    call.events = events;
    call.cancel = cancel;
    return call;
}

// One searchOrders page, parsed once and decoded.
OrdersPage fetch_page(SpApiClient& api, const Params& params, const std::string& token, Events* events,
                      const std::atomic<bool>* cancel, std::size_t page_size) {
    OrdersPage page;
    page.orders.reserve(page_size); // filled in place, never moved to grow
    api.call(search_call(params, token, events, cancel), read_page(page));
    return page;
}

// A searchOrders answer received but not decoded yet: what the read-ahead thread hands over, so
// that decoding one page and fetching the next overlap.
struct RawPage {
    std::string token;      // the paginationToken it was asked with ("" for the first page)
    std::string body;       // the inflated JSON
    std::string next_guess; // guess_next_token(body): the page to ask for while this one decodes
};

} // namespace

// The next page's token read off a searchOrders body without parsing it, so that its request can
// leave before the body is decoded. It is the string value of a key "nextToken" standing where a
// key can (after '{' or ','): in JSON a quote inside a string is escaped, so in a valid body such
// a match is a real key, and Amazon's page has it only in "pagination". Amazon's and the sim's
// pages put "pagination" after the orders, so the end of the body is looked at first. A guess
// only: the caller confirms it against the decoded page and drops the page it asked for when the
// two differ (a body that is not valid JSON, a key elsewhere). "" when there is none, or when the
// value holds an escape (not worth guessing).
std::string guess_next_token(std::string_view body) {
    constexpr std::string_view key = "\"nextToken\"";
    constexpr std::size_t tail = 1024;
    std::size_t at = std::string_view::npos;
    if (body.size() > tail) {
        if (const std::size_t in_tail = body.substr(body.size() - tail).rfind(key); in_tail != std::string_view::npos) {
            at = body.size() - tail + in_tail;
        }
    }
    if (at == std::string_view::npos) {
        static const std::boyer_moore_horspool_searcher searcher(key.begin(), key.end());
        const auto hit = std::search(body.begin(), body.end(), searcher);
        if (hit == body.end()) {
            return {};
        }
        at = static_cast<std::size_t>(hit - body.begin());
    }
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t before = at;
    while (before > 0 && is_space(body[before - 1])) {
        --before;
    }
    if (before == 0 || (body[before - 1] != '{' && body[before - 1] != ',')) {
        return {};
    }
    std::size_t i = at + key.size();
    const auto skip_space = [&] {
        while (i < body.size() && is_space(body[i])) {
            ++i;
        }
    };
    skip_space();
    if (i >= body.size() || body[i] != ':') {
        return {};
    }
    ++i;
    skip_space();
    if (i >= body.size() || body[i] != '"') {
        return {};
    }
    const std::size_t start = ++i;
    const std::size_t end = body.find_first_of("\"\\", start);
    if (end == std::string_view::npos || body[end] != '"') {
        return {};
    }
    return std::string(body.substr(start, end - start));
}

namespace {

// Whether a body can be a searchOrders page at all: empty (decoding it names the fault) or
// braced. The whole check is the decode's, on the caller's thread; this one is what the fetching
// thread can afford, and it turns away most of what a proxy or a broken answer sends (an HTML
// page, a body cut short), which the call then retries as malformed.
bool may_be_page(const HttpResponse& response) {
    const std::string_view body = response.body;
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return body.empty();
    }
    const std::size_t last = body.find_last_not_of(" \t\r\n");
    return body[first] == '{' && body[last] == '}';
}

// One searchOrders page, received but not decoded (see RawPage).
RawPage fetch_raw(SpApiClient& api, const Params& params, const std::string& token, Events* events,
                  const std::atomic<bool>* cancel) {
    RawPage raw;
    raw.token = token;
    raw.body = api.call(search_call(params, token, events, cancel), may_be_page).body;
    raw.next_guess = guess_next_token(raw.body);
    return raw;
}

// Events raised on the read-ahead thread, queued for the caller's thread: a terminal's progress
// line and stderr are written by one thread only.
class RelayedEvents final : public Events {
  public:
    void waiting_for_rate_limit(std::string_view operation, std::chrono::milliseconds d) override {
        push([op = std::string(operation), d](Events& e) { e.waiting_for_rate_limit(op, d); });
    }
    void retrying(std::string_view operation, int attempt, std::string_view why,
                  std::chrono::milliseconds d) override {
        push([op = std::string(operation), attempt, why = std::string(why), d](Events& e) {
            e.retrying(op, attempt, why, d);
        });
    }
    void note(std::string_view text) override {
        push([t = std::string(text)](Events& e) { e.note(t); });
    }
    void debug(std::string_view text) override {
        push([t = std::string(text)](Events& e) { e.debug(t); });
    }

    // Before each page: nothing queued, not done.
    void reset() {
        const std::lock_guard lock(m_mutex);
        m_queue.clear();
        m_done = false;
    }
    // Set by the read-ahead thread when its page (or its error) is ready.
    void finish() {
        const std::lock_guard lock(m_mutex);
        m_done = true;
        m_ready.notify_all();
    }
    // On the caller's thread: replays queued events into `to` until finish() was called.
    void relay_until_done(Events& to) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_ready.wait(lock, [this] { return m_done || !m_queue.empty(); });
            auto queued = std::move(m_queue);
            m_queue.clear();
            const bool done = m_done;
            lock.unlock();
            for (auto& replay : queued) {
                replay(to);
            }
            if (done) {
                return;
            }
            lock.lock();
        }
    }

  private:
    void push(std::function<void(Events&)> replay) {
        const std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(replay));
        m_ready.notify_all();
    }
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::vector<std::function<void(Events&)>> m_queue;
    bool m_done = false;
};

// The next page, fetched on a thread of its own while the caller decodes and hands over the
// current one: one thread for the whole search (not one per page), which waits for ask() and
// fetches that page (received and inflated, not decoded); take() waits for it. The destructor drops a page asked for and not taken: a call
// still waiting for its rate-limit token gives up at once; a request already sent is waited for
// (never abandoned mid-flight).
class ReadAhead {
  public:
    ReadAhead(SpApiClient& api, const Params& params) : m_api(api), m_params(params), m_thread([this] { run(); }) {}
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;
    ~ReadAhead() {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cancel = true;
        m_wake.notify_all();
        m_thread.join();
    }

    // Starts fetching the page of `token` (after the previous one was taken).
    void ask(std::string token) {
        m_events.reset();
        const std::lock_guard lock(m_mutex);
        m_token = std::move(token);
        m_asked = true;
        m_wake.notify_all();
    }

    RawPage take(Events& events) {
        m_events.relay_until_done(events);
        const std::lock_guard lock(m_mutex);
        if (m_error) {
            std::rethrow_exception(std::exchange(m_error, nullptr));
        }
        return std::move(m_page);
    }

  private:
    void run() {
        for (;;) {
            std::string token;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || m_asked; });
                if (m_stop) {
                    return;
                }
                m_asked = false;
                token = std::move(m_token);
            }
            RawPage page;
            std::exception_ptr error;
            try {
                page = fetch_raw(m_api, m_params, token, &m_events, &m_cancel);
            } catch (...) {
                error = std::current_exception();
            }
            {
                const std::lock_guard lock(m_mutex);
                m_page = std::move(page);
                m_error = error;
            }
            m_events.finish();
        }
    }

    SpApiClient& m_api;
    const Params& m_params;
    RelayedEvents m_events;
    std::atomic<bool> m_cancel{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_asked = false;
    bool m_stop = false;
    std::string m_token;
    RawPage m_page;
    std::exception_ptr m_error;
    std::thread m_thread; // last: starts once the members above exist
};

// Throws when a pagination token comes back a second time: the pages would go round forever.
void note_token(std::set<std::string>& seen, const std::string& token) {
    if (!seen.insert(token).second) {
        unexpected("searchOrders", "the same pagination token came back twice");
    }
}

// OrdersClient::search with read_ahead: a page's body is decoded on this thread while the
// read-ahead thread already fetches the next one, asked for with the token guessed off the body's
// end (guess_next_token). Still one request in flight at a time: the next leaves only once this
// body is in.
void search_reading_ahead(SpApiClient& api, const Params& params, std::size_t page_size,
                          const std::function<bool(std::vector<Order>&&)>& on_page) {
    std::set<std::string> seen_tokens;
    std::optional<ReadAhead> ahead;
    RawPage raw = fetch_raw(api, params, {}, nullptr, nullptr);
    for (;;) {
        const bool asked = !raw.next_guess.empty() && !seen_tokens.contains(raw.next_guess);
        if (asked) {
            if (!ahead) {
                ahead.emplace(api, params);
            }
            ahead->ask(raw.next_guess);
        }
        OrdersPage page;
        page.orders.reserve(page_size); // filled in place, never moved to grow
        if (!decode_body(raw.body, page)) {
            // Not JSON after all (braces at both ends were all the fetching thread checked): asked
            // again the careful way, whose reader retries a body that is not JSON like any
            // malformed answer. The page asked ahead goes first: one call at a time.
            ahead.reset();
            page = fetch_page(api, params, raw.token, nullptr, nullptr, page_size);
        }
        std::string token = std::move(page.next_token);
        const bool guessed = asked && ahead && token == raw.next_guess;
        if (asked && !guessed) {
            ahead.reset(); // a wrong guess: the page it asked for is dropped
        }
        if (!on_page(std::move(page.orders)) || token.empty()) {
            return; // a read-ahead still in flight is dropped
        }
        note_token(seen_tokens, token);
        raw = guessed ? ahead->take(api.events()) : fetch_raw(api, params, token, nullptr, nullptr);
    }
}

} // namespace

std::vector<std::pair<std::string, std::string>> OrdersClient::search_parameters(const SearchQuery& query,
                                                                                 Timestamp now) const {
    const bool created = query.created_after.has_value();
    const bool updated = query.updated_after.has_value();
    if (created == updated) {
        throw Error(ErrorKind::Usage,
                    created ? "give either a created-after or an updated-after time, not both"
                            : "listing orders needs a created-after or an updated-after time",
                    "use --created-after or --updated-after (e.g. 7d, 2026-11-01, or an RFC 3339 time)");
    }
    if ((created && query.updated_before) || (updated && query.created_before)) {
        throw Error(ErrorKind::Usage, "created and updated time filters cannot be mixed",
                    "use --created-after with --created-before, or --updated-after alone");
    }
    if (query.page_size < 1 || query.page_size > 100) {
        throw Error(ErrorKind::Usage,
                    "the page size must be between 1 and 100, not " + std::to_string(query.page_size));
    }
    const Timestamp latest = now - m_search_lag; // Amazon rejects a ...Before any later
    const auto clamp = [latest](Timestamp t) { return std::min(t, latest); };

    std::vector<std::pair<std::string, std::string>> params;
    const auto window = [&](const char* after_name, Timestamp after, const char* before_name,
                            const std::optional<Timestamp>& before, std::string_view flag) {
        params.emplace_back(after_name, format_rfc3339(after));
        if (before) {
            const Timestamp b = clamp(*before);
            if (b < after) {
                throw Error(ErrorKind::Usage,
                            std::string("the ") + std::string(flag) + " window is empty: it ends at " +
                                format_rfc3339(b) + " (Amazon accepts an end no later than 2 minutes ago) " +
                                "but starts at " + format_rfc3339(after),
                            "widen the time window");
            }
            params.emplace_back(before_name, format_rfc3339(b));
        }
    };
    if (created) {
        window("createdAfter", *query.created_after, "createdBefore", query.created_before, "created");
    } else {
        window("lastUpdatedAfter", *query.updated_after, "lastUpdatedBefore", query.updated_before,
               "updated");
    }
    if (!query.statuses.empty()) {
        std::string statuses;
        std::set<Status> seen;
        for (const Status s : query.statuses) {
            if (seen.insert(s).second) {
                statuses += (statuses.empty() ? "" : ",") + std::string(asc::to_v2026(s));
            }
        }
        params.emplace_back("fulfillmentStatuses", statuses);
    }
    if (query.fulfilled_by) {
        params.emplace_back("fulfilledBy", std::string(asc::to_v2026(*query.fulfilled_by)));
    }
    if (!query.marketplace_ids.empty()) {
        std::string ids;
        for (const auto& id : query.marketplace_ids) {
            ids += (ids.empty() ? "" : ",") + id;
        }
        params.emplace_back("marketplaceIds", ids);
    }
    params.emplace_back("maxResultsPerPage", std::to_string(query.page_size));
    params.emplace_back("includedData", included_data(query.included));
    return params;
}

void OrdersClient::search(const SearchQuery& query,
                          const std::function<bool(std::vector<Order>&&)>& on_page) {
    const Timestamp now = std::chrono::floor<std::chrono::seconds>(m_api.clock().wall_now());
    const Params params = search_parameters(query, now);
    const auto page_size = static_cast<std::size_t>(query.page_size);
    if (query.read_ahead) {
        search_reading_ahead(m_api, params, page_size, on_page);
        return;
    }
    std::set<std::string> seen_tokens;
    OrdersPage page = fetch_page(m_api, params, {}, nullptr, nullptr, page_size);
    for (;;) {
        std::string token = std::move(page.next_token);
        if (!on_page(std::move(page.orders)) || token.empty()) {
            return;
        }
        note_token(seen_tokens, token);
        page = fetch_page(m_api, params, token, nullptr, nullptr, page_size);
    }
}

Order OrdersClient::get(const std::string& order_id, const std::vector<Included>& included) {
    if (order_id.empty()) {
        throw Error(ErrorKind::Usage, "no order id given");
    }
    ApiCall call;
    call.operation = "getOrder";
    call.path = std::string(k_search_path) + "/" + url_encode(order_id);
    call.query = {{"includedData", included_data(included)}};
    json body;
    try {
        m_api.call(call, parse_into(body));
    } catch (const ApiError& e) {
        if (e.kind() != ErrorKind::NotFound) {
            throw;
        }
        std::string what = "order " + order_id + " was not found";
        if (!e.request_id().empty()) {
            what += " (request id " + e.request_id() + ")";
        }
        throw ApiError(ErrorKind::NotFound, what,
                       "check the order id, and that the order belongs to this seller and region (--profile)",
                       e.http_status(), e.code(), e.request_id());
    }
    if (!body.is_object()) {
        unexpected(call.operation, "the body is not a JSON object");
    }
    const auto order = body.find("order");
    if (order == body.end() || !order->is_object()) {
        unexpected(call.operation, "no \"order\" object");
    }
    return order_from_v2026(*order, call.operation);
}

} // namespace asc
