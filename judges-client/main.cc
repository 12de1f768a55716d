// podium-judge: the judges' command-line client (see commands.h).
#include <iostream>
#include <string>
#include <vector>

#include "judges-client/commands.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return podium::judge::Run(args, std::cin, std::cout, std::cerr);
}
