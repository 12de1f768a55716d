#include "judges-client/judge_client.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

namespace podium::judge {

namespace {

Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return OkStatus();
  return Status(static_cast<StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded ||
         status.code() == StatusCode::kResourceExhausted || status.code() == StatusCode::kAborted ||
         status.code() == StatusCode::kCancelled;
}

StatusOr<std::unique_ptr<JudgeClient>> JudgeClient::Connect(const Login& login,
                                                            std::chrono::milliseconds deadline) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!login.ca_file.empty()) {
    std::ifstream in(login.ca_file);
    if (!in) return InvalidArgumentError("cannot read the CA certificate " + login.ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(options);
  }
  grpc::ChannelArguments arguments;
  // Reconnect quickly once the venue's network is back.
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(login.server, credentials, arguments);
  std::unique_ptr<JudgeClient> client(new JudgeClient());
  client->token_ = login.token;
  client->deadline_ = deadline;
  client->scoring_ = v1::ScoringService::NewStub(channel);
  client->standings_ = v1::StandingsService::NewStub(channel);
  return client;
}

void JudgeClient::Prepare(grpc::ClientContext& context, bool with_deadline) const {
  context.AddMetadata("authorization", "Bearer " + token_);
  if (with_deadline) context.set_deadline(std::chrono::system_clock::now() + deadline_);
}

StatusOr<v1::Sheet> JudgeClient::GetSheet(const std::string& judge) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::GetSheetRequest request;
  request.set_judge(judge);
  v1::Sheet sheet;
  PODIUM_RETURN_IF_ERROR(FromGrpc(scoring_->GetSheet(&context, request, &sheet)));
  return sheet;
}

StatusOr<v1::WriteResponse> JudgeClient::SubmitMark(const v1::SubmitMarkRequest& request) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::WriteResponse response;
  PODIUM_RETURN_IF_ERROR(FromGrpc(scoring_->SubmitMark(&context, request, &response)));
  return response;
}

StatusOr<v1::WriteResponse> JudgeClient::CorrectMark(const v1::CorrectMarkRequest& request) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::WriteResponse response;
  PODIUM_RETURN_IF_ERROR(FromGrpc(scoring_->CorrectMark(&context, request, &response)));
  return response;
}

StatusOr<std::vector<v1::SubmitMarkResult>> JudgeClient::SubmitMarks(
    const std::vector<v1::SubmitMarkRequest>& marks) {
  grpc::ClientContext context;
  Prepare(context, true);
  auto stream = scoring_->SubmitMarks(&context);
  v1::SubmitMarksRequest message;
  for (const v1::SubmitMarkRequest& mark : marks) *message.add_marks() = mark;
  v1::SubmitMarksResponse response;
  const bool written = stream->Write(message) && stream->WritesDone();
  const bool answered = written && stream->Read(&response);
  const Status finished = FromGrpc(stream->Finish());
  if (!finished.ok()) return finished;
  if (!answered || response.results_size() != static_cast<int>(marks.size())) {
    return UnavailableError("the server did not answer every mark");
  }
  return std::vector<v1::SubmitMarkResult>(response.results().begin(), response.results().end());
}

Status JudgeClient::Watch(const v1::WatchStandingsRequest& request,
                          const std::function<bool(const v1::StandingsUpdate&)>& on_update) {
  grpc::ClientContext context;
  Prepare(context, false);
  auto stream = standings_->WatchStandings(&context, request);
  v1::StandingsUpdate update;
  while (stream->Read(&update)) {
    if (!on_update(update)) {
      context.TryCancel();
      break;
    }
  }
  const Status status = FromGrpc(stream->Finish());
  return status.code() == StatusCode::kCancelled ? OkStatus() : status;
}

}  // namespace podium::judge
