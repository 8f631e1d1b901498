#pragma once
// The cancel service's options on top of the fake Amazon and its clients (fake_amazon_clients.hpp):
// what each cancel test starts from.

#include "asc/cancel/cancel.hpp"
#include "fake_amazon_clients.hpp"

#include <doctest/doctest.h>
#include <stdexcept>
#include <string>

namespace asc_test {

struct CancelHarness : FakeAmazonClients {
    asc::CancelOptions options;

    // `run_by`: who the journal says ran it (user@host).
    explicit CancelHarness(const std::string& run_by) {
        options.seller_id = "A1SELLER";
        options.marketplace_ids = {"ATVPDKIKX0DER"};
        options.run_by = run_by;
        options.poll_interval = std::chrono::seconds(1);
    }
};

// The row of `order_id` in a result that kept its rows; fails the test case when there is none.
inline const asc::CancelRow& row_for(const asc::CancelResult& r, const std::string& order_id) {
    for (const auto& row : r.rows) {
        if (row.order_id == order_id) {
            return row;
        }
    }
    FAIL("no row for " << order_id);
    throw std::logic_error("unreachable");
}

} // namespace asc_test
