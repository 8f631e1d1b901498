// IdList: ids held compactly (Amazon order ids packed into 8 bytes, anything else as text), in
// order, deduplicated to first occurrences.

#include "asc/base/id_list.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

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

TEST_CASE("order ids are packed and come back as written; anything else is kept as text") {
    const std::vector<std::string> odd{
        "112-1234567-1234567", "000-0000000-0000000", "999-9999999-9999999", "112-1234567-123456",
        "112-1234567-12345678", "112_1234567-1234567", "112-1234567-123456a", " 112-1234567-1234567",
        "１12-1234567-1234567", "112-12345671234567-", "", "x", std::string(512, '7'), "112-0000001-0000001"};
    asc::IdList ids;
    for (const std::string& id : odd) {
        ids.push_back(id);
    }
    REQUIRE(ids.size() == odd.size());
    for (std::size_t i = 0; i < odd.size(); ++i) {
        CAPTURE(odd[i]);
        CHECK(ids[i].view() == odd[i]);
        CHECK(std::string(ids[i]) == odd[i]);
    }
    CHECK(asc::IdList::pack("112-1234567-1234567") == 11212345671234567ULL);
    CHECK(asc::IdList::pack("000-0000000-0000000") == 0ULL);
    CHECK(asc::IdList::pack("999-9999999-9999999") == 99999999999999999ULL); // below 2^57
    for (const char* no : {"112-1234567-123456", "112-1234567-12345678", "112_1234567-1234567",
                           "112-1234567-123456a", "", "1121234567-1234567-"}) {
        CAPTURE(no);
        CHECK_FALSE(asc::IdList::pack(no).has_value());
    }
}

TEST_CASE("packed and text ids sort and dedupe as their text does") {
    // Text ids that sort between, before and after packed ones, and repeats of both kinds.
    asc::IdList ids{"112-0000002-0000002", "112-0000001-0000001", "112-0000001-0000001x", "112-0000002-0000002",
                    "0", "112-0000001-0000001", "9", "112-0000001-0000001x"};
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t j = 0; j < ids.size(); ++j) {
            CAPTURE(i);
            CAPTURE(j);
            CHECK(ids.less(i, j) == (ids[i].view() < ids[j].view()));
        }
    }
    CHECK(ids.first_occurrences() == std::vector<std::uint32_t>{0, 1, 2, 4, 6});
    ids.dedupe();
    CHECK(ids.strings() == std::vector<std::string>{"112-0000002-0000002", "112-0000001-0000001", "112-0000001-0000001x",
                                                    "0", "9"});
}

TEST_SUITE_END();
