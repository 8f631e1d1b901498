#include "asc/model/model.hpp"

#include <numeric>

namespace asc {

bool Address::empty() const {
    return name.empty() && line1.empty() && city.empty() && postal_code.empty() && country_code.empty();
}

int Order::items_shipped() const {
    return std::accumulate(items.begin(), items.end(), 0,
                           [](int n, const OrderItem& i) { return n + i.quantity_shipped; });
}

int Order::items_unshipped() const {
    return std::accumulate(items.begin(), items.end(), 0,
                           [](int n, const OrderItem& i) { return n + i.quantity_unshipped; });
}

bool is_amazon_order_id(std::string_view id) {
    if (id.size() != 19 || id[3] != '-' || id[11] != '-') {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (i == 3 || i == 11) {
            continue;
        }
        if (id[i] < '0' || id[i] > '9') {
            return false;
        }
    }
    return true;
}

} // namespace asc
