#pragma once
// How `order show` reads for people, after the Amazon Order Details screen: a titled section per
// tab (Order and Shipping Details, Order Items, Tracking), statuses colored as in lists, times
// relative and absolute, tracking statuses in words; items as a table, or as one block per item
// when the table would not fit. And, for the default format in a pipe, the same tabs as
// key/value lines under a section marker per record.

#include "asc/model/model.hpp"
#include "asc/output/output.hpp"
#include "context.hpp"

#include <string>
#include <utility>
#include <vector>

namespace asc::cli {

// What the details tab shows beyond the order: extra label/value lines (the Magento order, what
// the guard allows), already in words.
struct OrderViewExtras {
    std::vector<std::pair<std::string, std::string>> lines;
};

// Draws the tabs `tab` (details, items, tracking or all) of `order` (a terminal, or -o table).
void print_order_view(const Order& order, const std::string& tab, const OrderViewExtras& extras, Context& ctx);

// Writes `show` (the JSON of `order show`: {"details":{...},"items":[...],"tracking":[...]}, the
// tabs asked for) as sections: a "[details]", "[items N]" or "[tracking N]" line, then one
// "key<TAB>value" line per value (nested keys joined with '_', list entries numbered from 1,
// money as key_amount and key_currency, nulls left out), then an empty line.
void print_order_sections(const Record& show, std::ostream& out);

// A package status in words: IN_TRANSIT -> "In transit".
std::string package_status_words(std::string_view status);

} // namespace asc::cli
