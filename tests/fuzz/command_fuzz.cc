// libFuzzer: what a browser or any HTTP client can send to the gateway's
// write methods — JSON bodies parsed as the podium.v1 request, turned into a
// command, checked by the contest's rules as every role — against the
// mine-rescue sample. Refusals must be Statuses; an accepted command must
// fold into the state without error.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "podium/check.h"
#include "server/core/contest_state.h"
#include "server/definition/loader.h"
#include "server/rpc/convert.h"

namespace podium::server {
namespace {

ContestState& State() {
  static ContestState* state = [] {
    const char* data = std::getenv("PODIUM_DATA_DIR");
    definition::LoadOptions options;
    options.load_marks = false;
    auto loaded = definition::LoadCompetition(
        std::string(data != nullptr ? data : "data") + "/mine-rescue-2026", options, nullptr);
    PODIUM_CHECK(loaded.ok());
    return new ContestState(loaded->competition);
  }();
  return *state;
}

template <typename Request>
StatusOr<Command> Parse(std::string_view json) {
  Request request;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &request);
  if (!parsed.ok()) return InvalidArgumentError(std::string(parsed.message()));
  return FromProto(request);
}

StatusOr<Command> ParseAs(std::uint8_t method, std::string_view json) {
  switch (method % 8) {
    case 0:
      return Parse<v1::SubmitMarkRequest>(json);
    case 1:
      return Parse<v1::CorrectMarkRequest>(json);
    case 2:
      return Parse<v1::VoidMarkRequest>(json);
    case 3:
      return Parse<v1::SetStatusRequest>(json);
    case 4:
      return Parse<v1::AddPenaltyRequest>(json);
    case 5:
      return Parse<v1::SetLockRequest>(json);
    case 6:
      return Parse<v1::SetPhaseRequest>(json);
    default:
      return Parse<v1::ReleaseResultsRequest>(json);
  }
}

}  // namespace
}  // namespace podium::server

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podium::server;
  if (size < 2) return 0;
  // Byte 0: the method; byte 1: who calls (role and judge); the rest: the body.
  auto command =
      ParseAs(data[0], std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));
  if (!command.ok()) return 0;
  ContestState& state = State();
  Principal who;
  who.role = static_cast<Role>(1 + data[1] % 4);
  const int judges = static_cast<int>(state.competition().roster().judges.size());
  who.judge =
      who.role == Role::kJudge || who.role == Role::kChiefJudge ? (data[1] / 4) % judges : -1;
  who.actor = who.judge >= 0 ? state.competition().roster().judges[who.judge].id : "organizer-1";
  static std::int64_t now = 1'700'000'000'000;
  auto prepared = state.Prepare(*command, who, ++now);
  if (!prepared.ok()) return 0;
  if (auto* accepted = std::get_if<ContestState::Accepted>(&*prepared)) {
    LedgerRecord& record = accepted->record;
    record.sequence = state.last_sequence() + 1;
    record.recorded_at_ms = now;
    // Prepare accepted it: the fold must too (as on replay after a restart).
    PODIUM_CHECK(state.Apply(record).ok());
  }
  return 0;
}
