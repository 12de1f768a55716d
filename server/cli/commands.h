// The `podium` command line: validate, score, explain and generate
// competitions. Kept apart from main() so tests can run it in-process.
#ifndef PODIUM_SERVER_CLI_COMMANDS_H_
#define PODIUM_SERVER_CLI_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

namespace podium::cli {

// Runs `podium args...` (args excludes the program name). Returns the exit
// code: 0 success, 1 the input has problems, 2 usage error.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_COMMANDS_H_
