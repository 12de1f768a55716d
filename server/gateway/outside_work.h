// OutsideWork: what the gateway's sessions have handed to threads the
// gateway does not own — the Api's writer answering a call, the fan-out
// writing to a WebSocket — and that comes back by posting to a session's
// strand. A session kept alive by such work owns a socket of the gateway's
// io_context, and a post needs the io_context alive, so ~Gateway first lets
// it all come back (or stops it) with Drain(), then destroys the io_context.
#ifndef PODIUM_SERVER_GATEWAY_OUTSIDE_WORK_H_
#define PODIUM_SERVER_GATEWAY_OUTSIDE_WORK_H_

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "server/rpc/api.h"

namespace podium::server {

// Thread-safe. Must outlive every pointer Hold() returned (the gateway's
// state does: sessions hold it).
class OutsideWork final {
 public:
  // Returns `session` for a callback that another thread will run (or drop):
  // Drain() waits until the last copy of the result is gone. The callback
  // posts back with an ordinary shared_from_this(), never with this copy,
  // which a handler queued on a stopped io_context would keep forever.
  template <typename Session>
  std::shared_ptr<Session> Hold(std::shared_ptr<Session> session) {
    Begin();
    Session* raw = session.get();
    return std::shared_ptr<Session>(raw, [this, session = std::move(session)](Session*) mutable {
      session.reset();  // the session may go here, while the io_context still stands
      End();
    });
  }

  // A watch stream whose sink posts to a session's strand; Drain() stops it.
  void AddWatch(const std::shared_ptr<WatchSession>& watch);

  // Call once the gateway's threads have stopped (no new work starts): stops
  // every watch stream (each Stop() waits for a write in progress), then
  // waits for every held session to be released.
  void Drain();

 private:
  void Begin();
  void End();

  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t held_ = 0;
  std::vector<std::weak_ptr<WatchSession>> watches_;
  std::size_t sweep_at_ = 64;  // prune expired watches when there are this many
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_GATEWAY_OUTSIDE_WORK_H_
