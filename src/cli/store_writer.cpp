#include "store_writer.hpp"

#include "asc/base/errors.hpp"

#include <algorithm>
#include <utility>

namespace asc::cli {

StoreWriter::StoreWriter(std::function<void(std::span<const Order>)> write, std::size_t max_queued)
    : m_write(std::move(write)), m_max_queued(std::max<std::size_t>(1, max_queued)), m_thread([this] { run(); }) {}

StoreWriter::~StoreWriter() {
    if (m_thread.joinable()) {
        {
            const std::lock_guard lock(m_mutex);
            m_closing = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
}

void StoreWriter::push(std::vector<Order>&& batch) {
    if (batch.empty()) {
        return;
    }
    std::vector<std::vector<Order>> written;
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_queue.size() < m_max_queued; });
    m_queue.push_back(std::move(batch));
    written.swap(m_written);
    lock.unlock();
    m_changed.notify_all();
    // `written` is freed here, outside the lock.
}

void StoreWriter::finish() {
    if (m_thread.joinable()) {
        {
            const std::lock_guard lock(m_mutex);
            m_closing = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    m_written.clear();
    if (m_crash) {
        std::rethrow_exception(std::exchange(m_crash, nullptr));
    }
}

void StoreWriter::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_closing || !m_queue.empty(); });
        if (m_queue.empty()) {
            return; // closing, and everything is written
        }
        std::vector<Order> batch = std::move(m_queue.front());
        lock.unlock();
        try {
            if (!m_crash) {
                m_write(batch);
            }
        } catch (const Error& e) {
            if (m_failed.empty()) {
                m_failed = e.what();
            }
        } catch (...) {
            m_crash = std::current_exception(); // rethrown by finish(); nothing more is written
        }
        lock.lock();
        // Handed back to the caller's thread to be freed; its slot is given back now. At most
        // m_max_queued batches wait there: push() takes them all whenever it queues one.
        m_written.push_back(std::move(batch));
        m_queue.pop_front();
        m_changed.notify_all();
    }
}

} // namespace asc::cli
