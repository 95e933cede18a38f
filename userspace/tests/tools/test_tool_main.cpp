#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "napilab/tool_main.hpp"

namespace {

int exits_three(int /*argc*/, char** /*argv*/) { return 3; }

int throws(int /*argc*/, char** /*argv*/) { throw std::runtime_error("stdout is closed"); }

TEST(ToolMain, PassesTheToolsExitCodeThrough) {
  EXPECT_EQ(napilab::tool_main("napi-test", 0, nullptr, exits_three), 3);
}

TEST(ToolMain, AnEscapedExceptionIsNameColonWhatAndExit1) {
  ::testing::internal::CaptureStderr();
  const int rc = napilab::tool_main("napi-test", 0, nullptr, throws);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "napi-test: stdout is closed\n");
  EXPECT_EQ(rc, 1);
}

}  // namespace
