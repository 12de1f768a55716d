// WorkQueue: one thread that runs posted work in the order it was posted, so
// the writer can hand off what does not need to happen on its own thread
// (turning a bulk message's results into its answer).
#ifndef PODIUM_SERVER_CORE_WORK_QUEUE_H_
#define PODIUM_SERVER_CORE_WORK_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace podium::server {

// Thread-safe. The destructor runs everything still queued, then joins: work
// posted before destruction always runs (it may answer a caller).
class WorkQueue final {
 public:
  WorkQueue();
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Post(std::function<void()> work);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_WORK_QUEUE_H_
