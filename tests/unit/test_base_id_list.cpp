// IdList: ids held in one buffer, in order, deduplicated to first occurrences.

#include "asc/base/id_list.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("base::id_list");

TEST_CASE("an id list keeps its ids in order and drops repeats, keeping each first occurrence") {
    asc::IdList ids{"b", "a", "", "b", "ccc", "a", "d"};
    REQUIRE(ids.size() == 7);
    CHECK(ids[0] == "b");
    CHECK(ids[2].empty());
    CHECK(ids[4] == "ccc");
    CHECK(ids.first_occurrences() == std::vector<std::uint32_t>{0, 1, 2, 4, 6});
    ids.dedupe();
    CHECK(ids.strings() == std::vector<std::string>{"b", "a", "", "ccc", "d"});
    asc::IdList none;
    none.dedupe();
    CHECK(none.empty());
    CHECK(none.first_occurrences().empty());
}

TEST_SUITE_END();
