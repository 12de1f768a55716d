// Files for tests: where the sample competitions are, and a temporary
// directory per test that is removed afterwards.
#ifndef PODIUM_TESTS_TESTING_FILES_H_
#define PODIUM_TESTS_TESTING_FILES_H_

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace podium::test {

// The sample competitions: $PODIUM_DATA_DIR (set by ctest), else the source tree's data/.
inline std::filesystem::path DataDir() {
  if (const char* dir = std::getenv("PODIUM_DATA_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data";
}

// A fresh directory named after the running test; removed with its contents.
class TempDir final {
 public:
  TempDir() {
    static int counter = 0;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::temp_directory_path() /
            ("podium_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace podium::test

#endif  // PODIUM_TESTS_TESTING_FILES_H_
