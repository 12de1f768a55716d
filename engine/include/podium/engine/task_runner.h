// TaskRunner: how the engine's caller lends it threads. The engine owns no
// threads; for whole-trade recomputes it splits rows into independent tasks
// and hands them to the runner it was given (serial by default). Rows are
// computed independently, so results are identical for any runner.
#ifndef PODIUM_ENGINE_TASK_RUNNER_H_
#define PODIUM_ENGINE_TASK_RUNNER_H_

#include <functional>

namespace podium::engine {

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Runs task(0) .. task(count - 1), possibly concurrently, and returns when
  // all have finished. Tasks never throw.
  virtual void Run(int count, const std::function<void(int)>& task) = 0;
  // How many tasks can usefully run at once.
  virtual int concurrency() const = 0;
};

// Runs tasks one after another on the calling thread.
class SerialTaskRunner final : public TaskRunner {
 public:
  void Run(int count, const std::function<void(int)>& task) override {
    for (int i = 0; i < count; ++i) task(i);
  }
  int concurrency() const override { return 1; }

  static SerialTaskRunner& Default() {
    static SerialTaskRunner runner;
    return runner;
  }
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_TASK_RUNNER_H_
