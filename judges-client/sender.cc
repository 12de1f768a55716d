#include "judges-client/sender.h"

#include <algorithm>
#include <thread>

namespace podium::judge {

namespace {

using Answer = Outbox::Answer;

constexpr size_t kBatch = 1000;  // marks per SubmitMarks message

Answer AnswerOf(const OutboxEntry& entry, const StatusOr<v1::WriteResponse>& response) {
  if (response.ok()) {
    return {entry.key, Answer::Kind::kSent, response->sequence(), response->duplicate(), ""};
  }
  return {entry.key,
          IsTransient(response.status()) ? Answer::Kind::kNotReached : Answer::Kind::kRefused, 0,
          false, std::string(response.status().message())};
}

// Sends entries[first, last) (marks only) as one SubmitMarks message.
StatusOr<std::vector<Answer>> SendBatch(JudgeClient& client,
                                        const std::vector<OutboxEntry>& entries) {
  std::vector<v1::SubmitMarkRequest> marks(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!marks[i].ParseFromString(entries[i].request)) {
      return DataLossError("outbox entry " + entries[i].key + " is damaged");
    }
  }
  auto results = client.SubmitMarks(marks);
  std::vector<Answer> answers;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!results.ok()) {
      answers.push_back(AnswerOf(entries[i], results.status()));
      continue;
    }
    const v1::SubmitMarkResult& r = (*results)[i];
    const Status status(static_cast<StatusCode>(r.code()), r.message());
    answers.push_back(status.ok() ? AnswerOf(entries[i], r.result())
                                  : AnswerOf(entries[i], status));
  }
  return answers;
}

StatusOr<std::vector<Answer>> SendOne(JudgeClient& client, const OutboxEntry& entry) {
  if (entry.method == "CorrectMark") {
    v1::CorrectMarkRequest request;
    if (!request.ParseFromString(entry.request)) {
      return DataLossError("outbox entry " + entry.key + " is damaged");
    }
    return std::vector<Answer>{AnswerOf(entry, client.CorrectMark(request))};
  }
  return DataLossError("outbox entry " + entry.key + " has an unknown method " + entry.method);
}

}  // namespace

StatusOr<SendReport> SendWaiting(Outbox& outbox, JudgeClient& client,
                                 const std::function<void(int, int)>& progress) {
  PODIUM_ASSIGN_OR_RETURN(std::vector<OutboxEntry> waiting, outbox.Waiting());
  SendReport report;
  const int total = static_cast<int>(waiting.size());
  int done = 0;
  for (size_t i = 0; i < waiting.size() && report.unreachable.empty();) {
    // Consecutive marks go together; a correction goes alone, in its place,
    // so it never overtakes the mark it corrects.
    size_t end = i;
    while (end < waiting.size() && end - i < kBatch && waiting[end].method == "SubmitMark") ++end;
    const std::vector<OutboxEntry> batch(waiting.begin() + i,
                                         waiting.begin() + std::max(end, i + 1));
    PODIUM_ASSIGN_OR_RETURN(std::vector<Answer> answers,
                            end > i ? SendBatch(client, batch) : SendOne(client, batch[0]));
    PODIUM_RETURN_IF_ERROR(outbox.Record(answers));
    for (size_t a = 0; a < answers.size(); ++a) {
      switch (answers[a].kind) {
        case Answer::Kind::kSent:
          ++report.sent;
          report.duplicates += answers[a].duplicate;
          break;
        case Answer::Kind::kRefused:
          ++report.refused;
          report.refusals.push_back(batch[a]);
          report.refusals.back().error = answers[a].why;
          break;
        case Answer::Kind::kNotReached:
          report.unreachable = answers[a].why;
          break;
      }
    }
    i += batch.size();
    done += static_cast<int>(batch.size());
    if (progress) progress(done, total);
  }
  PODIUM_ASSIGN_OR_RETURN(const OutboxCounts counts, outbox.Counts());
  report.waiting = counts.waiting;
  return report;
}

StatusOr<SendReport> SendUntilEmpty(Outbox& outbox, JudgeClient& client,
                                    std::chrono::seconds patience,
                                    const std::function<void(const SendReport&)>& on_try) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::chrono::milliseconds pause(1000);
  SendReport total;
  while (true) {
    PODIUM_ASSIGN_OR_RETURN(SendReport report, SendWaiting(outbox, client));
    total.sent += report.sent;
    total.duplicates += report.duplicates;
    total.refused += report.refused;
    total.refusals.insert(total.refusals.end(), report.refusals.begin(), report.refusals.end());
    total.waiting = report.waiting;
    total.unreachable = report.unreachable;
    if (on_try) on_try(report);
    if (report.waiting == 0 || std::chrono::steady_clock::now() + pause > deadline) return total;
    std::this_thread::sleep_for(pause);  // the server is away: try again later
    pause = std::min(pause * 2, std::chrono::milliseconds(30000));
  }
}

}  // namespace podium::judge
