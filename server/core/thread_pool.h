// ThreadPool: a fixed set of worker threads that runs the engine's row tasks
// (engine::TaskRunner). Run() blocks its caller, which also works, until
// every task of that call is done.
#ifndef PODIUM_SERVER_CORE_THREAD_POOL_H_
#define PODIUM_SERVER_CORE_THREAD_POOL_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "podium/engine/task_runner.h"

namespace podium::server {

// Thread-safe; Run() may be called from one thread at a time.
class ThreadPool final : public engine::TaskRunner {
 public:
  // `threads` workers in total, counting the calling thread (>= 1).
  explicit ThreadPool(int threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Run(int count, const std::function<void(int)>& task) override;
  int concurrency() const override { return static_cast<int>(workers_.size()) + 1; }

 private:
  void Work();
  // Claims and runs tasks of the current batch until none are left.
  void Drain(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable batch_done_;
  const std::function<void(int)>* task_ = nullptr;
  int next_ = 0;
  int count_ = 0;
  int running_ = 0;
  std::uint64_t batch_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_THREAD_POOL_H_
