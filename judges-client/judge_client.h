// The judge's connection to `podium serve`: the podium.v1 calls podium-judge
// makes, each with the login's token and a deadline, answered as Status.
#ifndef PODIUM_JUDGES_CLIENT_JUDGE_CLIENT_H_
#define PODIUM_JUDGES_CLIENT_JUDGE_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "judges-client/config.h"
#include "podium/status.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"

namespace podium::judge {

// True for failures that mean "the server was not reached or did not
// answer": the write may be retried with the same key. Anything else is the
// server's refusal, final for that write.
bool IsTransient(const Status& status);

class JudgeClient final {
 public:
  // Errors: kInvalidArgument if the CA file cannot be read.
  static StatusOr<std::unique_ptr<JudgeClient>> Connect(const Login& login,
                                                        std::chrono::milliseconds deadline);

  StatusOr<v1::Sheet> GetSheet(const std::string& judge);
  StatusOr<v1::WriteResponse> SubmitMark(const v1::SubmitMarkRequest& request);
  StatusOr<v1::WriteResponse> CorrectMark(const v1::CorrectMarkRequest& request);
  // One SubmitMarks message (at most 10,000 marks); results[i] answers marks[i].
  StatusOr<std::vector<v1::SubmitMarkResult>> SubmitMarks(
      const std::vector<v1::SubmitMarkRequest>& marks);

  // Streams standings until `on_update` returns false or the stream ends;
  // the stream's end status. No deadline: it runs as long as it is wanted.
  Status Watch(const v1::WatchStandingsRequest& request,
               const std::function<bool(const v1::StandingsUpdate&)>& on_update);

 private:
  JudgeClient() = default;
  void Prepare(grpc::ClientContext& context, bool with_deadline) const;

  std::string token_;
  std::chrono::milliseconds deadline_{10000};
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<v1::StandingsService::Stub> standings_;
};

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_JUDGE_CLIENT_H_
