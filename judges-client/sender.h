// Sends the outbox: every waiting entry, oldest first, marks in batches, each
// answer recorded before the next batch goes. A failure that did not reach
// the server stops the run and leaves the rest waiting for the next one.
#ifndef PODIUM_JUDGES_CLIENT_SENDER_H_
#define PODIUM_JUDGES_CLIENT_SENDER_H_

#include <functional>
#include <string>
#include <vector>

#include "judges-client/judge_client.h"
#include "judges-client/outbox.h"
#include "podium/status.h"

namespace podium::judge {

struct SendReport {
  int sent = 0;                       // accepted now (duplicates included)
  int duplicates = 0;                 // the server had them already: an earlier answer was lost
  int refused = 0;                    // refused now: final, with the server's reason
  int waiting = 0;                    // still waiting after this run
  std::string unreachable;            // why the run stopped early; empty if it did not
  std::vector<OutboxEntry> refusals;  // error holds the server's message
};

// `progress(done, total)` is called after each batch. Errors: the outbox's.
StatusOr<SendReport> SendWaiting(Outbox& outbox, JudgeClient& client,
                                 const std::function<void(int, int)>& progress = nullptr);

// Keeps sending with growing pauses (1 s doubling to 30 s) until nothing
// waits or `patience` runs out.
StatusOr<SendReport> SendUntilEmpty(Outbox& outbox, JudgeClient& client,
                                    std::chrono::seconds patience,
                                    const std::function<void(const SendReport&)>& on_try);

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_SENDER_H_
