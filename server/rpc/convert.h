// Converters between podium.v1 messages and the server's own types: the one
// place where wire types meet the core (STYLE: one converter per direction).
#ifndef PODIUM_SERVER_RPC_CONVERT_H_
#define PODIUM_SERVER_RPC_CONVERT_H_

#include <grpcpp/support/status.h>

#include <string>

#include "podium/engine/judge_analytics.h"
#include "podium/engine/standings.h"
#include "podium/status.h"
#include "podium/v1/competition.pb.h"
#include "podium/v1/scoring.pb.h"
#include "podium/v1/standings.pb.h"
#include "server/core/command.h"
#include "server/core/contest_state.h"
#include "server/ledger/ledger.h"

namespace podium::server {

// The gRPC status of a podium Status (the codes share their numbers).
grpc::Status ToGrpcStatus(const Status& status);

// Which part of the standings a caller asked for.
struct StandingsView {
  int trade = -1;  // -1: every trade
  int limit = 0;   // rows per trade from the top; 0: all
  bool frozen = false;
};

// Resolves the trade and limit of a request. Errors: kNotFound for an unknown
// trade, kInvalidArgument for a negative limit.
StatusOr<StandingsView> MakeView(const engine::Competition& competition, const std::string& trade,
                                 int limit);

void ToProto(const engine::Standings& standings, const StandingsView& view, v1::Standings* out);
// The rows and teams a delta touches within the view, read from `after` (the
// standings the delta leads to). Returns the number of rows.
std::size_t ToProto(const engine::StandingsDelta& delta, const engine::Standings& after,
                    const StandingsView& view, v1::StandingsDelta* out);

// `hide_names`: judges under blind numbers see bibs only.
void ToProto(const engine::Competition& competition, const ContestState& state,
             v1::Competition* out);
void ToProto(const engine::Contestant& contestant, const engine::Competition& competition,
             bool hide_names, v1::Contestant* out);
void ToProto(const Lifecycle& lifecycle, v1::Lifecycle* out);
void ToProto(const LedgerRecord& record, v1::LedgerEvent* out);
void ToProto(const engine::Competition& competition, const engine::JudgeItemStats& stats,
             v1::JudgeItemAnalytics* out);
v1::ContestantStatus ToProto(engine::ContestantStatus status);
v1::WriteState ToProto(WriteOutcome outcome);

// Commands from requests. Errors: kInvalidArgument for an unknown enum value.
StatusOr<Command> FromProto(const v1::SubmitMarkRequest& request);
StatusOr<Command> FromProto(const v1::CorrectMarkRequest& request);
StatusOr<Command> FromProto(const v1::VoidMarkRequest& request);
StatusOr<Command> FromProto(const v1::SetStatusRequest& request);
StatusOr<Command> FromProto(const v1::AddPenaltyRequest& request);
StatusOr<Command> FromProto(const v1::SetLockRequest& request);
StatusOr<Command> FromProto(const v1::SetPhaseRequest& request);
StatusOr<Command> FromProto(const v1::ReleaseResultsRequest& request);

}  // namespace podium::server

#endif  // PODIUM_SERVER_RPC_CONVERT_H_
