#include "server/core/thread_pool.h"

#include "podium/check.h"

namespace podium::server {

ThreadPool::ThreadPool(int threads) {
  PODIUM_CHECK(threads >= 1);
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::Run(int count, const std::function<void(int)>& task) {
  if (count <= 0) return;
  std::unique_lock lock(mutex_);
  PODIUM_CHECK(task_ == nullptr);  // one batch at a time
  task_ = &task;
  next_ = 0;
  count_ = count;
  ++batch_;
  work_ready_.notify_all();
  Drain(lock);
  batch_done_.wait(lock, [&] { return next_ >= count_ && running_ == 0; });
  task_ = nullptr;
}

void ThreadPool::Drain(std::unique_lock<std::mutex>& lock) {
  while (task_ != nullptr && next_ < count_) {
    const int index = next_++;
    const std::function<void(int)>& task = *task_;
    ++running_;
    lock.unlock();
    task(index);
    lock.lock();
    --running_;
  }
  if (next_ >= count_ && running_ == 0) batch_done_.notify_all();
}

void ThreadPool::Work() {
  std::unique_lock lock(mutex_);
  std::uint64_t seen = 0;
  while (true) {
    work_ready_.wait(
        lock, [&] { return stopping_ || (task_ != nullptr && batch_ != seen && next_ < count_); });
    if (stopping_) return;
    seen = batch_;
    Drain(lock);
  }
}

}  // namespace podium::server
