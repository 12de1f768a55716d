#include "server/core/work_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace podium::server {
namespace {

using ::testing::ElementsAre;

TEST(WorkQueueTest, RunsWorkInTheOrderPostedOnItsOwnThread) {
  std::mutex mutex;
  std::vector<int> ran;
  std::vector<std::thread::id> threads;
  std::promise<void> last;
  {
    WorkQueue queue;
    for (int i = 0; i < 100; ++i) {
      queue.Post([&, i] {
        std::lock_guard lock(mutex);
        ran.push_back(i);
        threads.push_back(std::this_thread::get_id());
        if (i == 99) last.set_value();
      });
    }
    ASSERT_EQ(last.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[i], i);
  for (const std::thread::id id : threads) {
    EXPECT_NE(id, std::this_thread::get_id());
    EXPECT_EQ(id, threads.front());
  }
}

TEST(WorkQueueTest, DestructionRunsEverythingStillQueued) {
  std::vector<int> ran;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  auto queue = std::make_unique<WorkQueue>();
  // The first piece of work holds the thread while more queue up behind it.
  queue->Post([&] {
    started.set_value();
    released.wait();
    ran.push_back(0);
  });
  ASSERT_EQ(started.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  for (int i = 1; i <= 3; ++i) queue->Post([&ran, i] { ran.push_back(i); });
  std::promise<void> destroying;
  std::thread destroy([&] {
    destroying.set_value();
    queue.reset();  // returns only once everything queued has run
  });
  destroying.get_future().wait();
  release.set_value();
  destroy.join();
  EXPECT_THAT(ran, ElementsAre(0, 1, 2, 3));
}

TEST(WorkQueueTest, WorkPostedFromManyThreadsAllRuns) {
  std::atomic<int> ran = 0;
  {
    WorkQueue queue;
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) queue.Post([&] { ran.fetch_add(1); });
      });
    }
    for (std::thread& poster : posters) poster.join();
  }
  EXPECT_EQ(ran.load(), 4000);
}

}  // namespace
}  // namespace podium::server
