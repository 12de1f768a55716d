// The commands of `podium` that work on a competition's ledger: serve,
// tokens, audit, export.
#ifndef PODIUM_SERVER_CLI_SERVE_COMMANDS_H_
#define PODIUM_SERVER_CLI_SERVE_COMMANDS_H_

#include <ostream>

#include "server/cli/args.h"

namespace podium::cli {

// Runs until SIGINT or SIGTERM. Prints "podium serve: listening on ..." once
// it accepts calls.
int Serve(const Args& args, std::ostream& out, std::ostream& err);
int Tokens(const Args& args, std::ostream& out, std::ostream& err);
int Audit(const Args& args, std::ostream& out, std::ostream& err);
// Writes the organizer's files (see server/reports/export.h) to --out.
int Export(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_SERVE_COMMANDS_H_
