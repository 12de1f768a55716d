#include <iostream>
#include <string>
#include <vector>

#include "server/cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return podium::cli::Run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
