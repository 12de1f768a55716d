// The podium-judge commands: login, logout, sheet, enter, import, correct,
// status, sync, watch.
#ifndef PODIUM_JUDGES_CLIENT_COMMANDS_H_
#define PODIUM_JUDGES_CLIENT_COMMANDS_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace podium::judge {

// `args[0]` is the command. Prompts go to `out`, answers come from `in`.
// Exit codes: 0 done; 1 refused, failed or left waiting; 2 wrong usage.
int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err);

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_COMMANDS_H_
