// StoreWriter: `orders list --all` hands its batches to the store on a thread of their own. Every
// batch is written, in order, before finish() returns; a bounded number waits; a store error is
// kept for the one warning and the later batches are still written; anything else stops it.

#include "store_writer.hpp"

#include "asc/base/errors.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <doctest/doctest.h>
#include <mutex>
#include <stdexcept>
#include <thread>

using asc::cli::StoreWriter;

namespace {

std::vector<asc::Order> batch(const std::string& first, int n) {
    std::vector<asc::Order> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        out[static_cast<std::size_t>(i)].order_id = first + "-" + std::to_string(i);
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("cli::StoreWriter");

TEST_CASE("every batch is written, in order, before finish() returns") {
    std::vector<std::string> written; // only the writer's thread touches it until finish()
    StoreWriter writer([&written](std::span<const asc::Order> orders) {
        for (const auto& o : orders) {
            written.push_back(o.order_id);
        }
    });
    for (int b = 0; b < 50; ++b) {
        writer.push(batch("b" + std::to_string(b), 3));
    }
    writer.push({}); // an empty batch is not a batch
    writer.finish();
    REQUIRE(written.size() == 150);
    CHECK(written.front() == "b0-0");
    CHECK(written[3] == "b1-0");
    CHECK(written.back() == "b49-2");
    CHECK(writer.failed().empty());
}

TEST_CASE("push() waits while max_queued batches are waiting: memory stays bounded") {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
    std::atomic<int> writes{0};
    StoreWriter writer(
        [&](std::span<const asc::Order>) {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return open; });
            ++writes;
        },
        1);
    writer.push(batch("a", 1)); // taken by the writer, which waits for the gate
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
        writer.push(batch("b", 1));
        pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(pushed.load()); // the one slot is still held by the batch being written
    {
        const std::lock_guard lock(m);
        open = true;
    }
    cv.notify_all();
    producer.join();
    CHECK(pushed.load());
    writer.finish();
    CHECK(writes.load() == 2);
}

TEST_CASE("a store error is kept once and the later batches are still offered") {
    int calls = 0;
    StoreWriter writer([&calls](std::span<const asc::Order> orders) {
        ++calls;
        if (orders.front().order_id.starts_with("bad")) {
            throw asc::Error(asc::ErrorKind::Temporary, "database is locked (" + orders.front().order_id + ")");
        }
    });
    writer.push(batch("bad1", 1));
    writer.push(batch("ok", 1));
    writer.push(batch("bad2", 1));
    writer.finish();
    CHECK(calls == 3);
    CHECK(writer.failed() == "database is locked (bad1-0)");
}

TEST_CASE("anything else stops the writing and comes back from finish()") {
    int calls = 0;
    StoreWriter writer([&calls](std::span<const asc::Order>) {
        ++calls;
        throw std::runtime_error("out of something");
    });
    writer.push(batch("a", 1));
    writer.push(batch("b", 1));
    CHECK_THROWS_WITH_AS(writer.finish(), "out of something", std::runtime_error);
    CHECK(calls == 1);
    CHECK_NOTHROW(writer.finish()); // once
}

TEST_CASE("the destructor still writes what was handed over") {
    int written = 0;
    {
        StoreWriter writer([&written](std::span<const asc::Order> orders) {
            written += static_cast<int>(orders.size());
        });
        writer.push(batch("a", 2));
        writer.push(batch("b", 5));
    }
    CHECK(written == 7);
}

TEST_SUITE_END();
