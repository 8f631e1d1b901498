#pragma once
// Orders handed to the local store on a thread of their own, so that writing them overlaps
// fetching, decoding and printing the next pages (`orders list --all`).

#include "asc/model/model.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace asc::cli {

class StoreWriter {
  public:
    // `write` stores one batch (on the writer's thread); an asc::Error it throws is kept (the
    // first one's message: failed()) and the next batches are still offered to it, as
    // Context::remember does. At most `max_queued` batches wait: push() blocks past that, so
    // memory stays bounded whatever the number of orders.
    explicit StoreWriter(std::function<void(std::span<const Order>)> write, std::size_t max_queued = 2);
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;
    // Writes what is still queued, then stops (as finish(), minus rethrowing).
    ~StoreWriter();

    // Queues a batch. Batches already written come back to this thread to be freed here: freeing
    // on the thread that allocated them is cheaper (glibc), and the writer's thread, the slowest of
    // a listing into a new store, only writes.
    void push(std::vector<Order>&& batch);
    // Waits until every batch pushed is written, then stops the thread. Rethrows anything other
    // than an asc::Error that a write threw.
    void finish();
    // The message of the first asc::Error a write threw (empty: none).
    [[nodiscard]] const std::string& failed() const { return m_failed; }

  private:
    void run();

    std::function<void(std::span<const Order>)> m_write;
    std::size_t m_max_queued;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::vector<Order>> m_queue;
    std::vector<std::vector<Order>> m_written; // freed by push() and finish(), on the caller's thread
    bool m_closing = false;
    std::string m_failed;
    std::exception_ptr m_crash;
    std::thread m_thread; // last: starts once the members above exist
};

} // namespace asc::cli
