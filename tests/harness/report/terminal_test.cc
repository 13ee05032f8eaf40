// Tests of the terminal helpers (harness/report/terminal.cc): when labtest colours.
#include "harness/report/terminal.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace raftlab {
namespace {

TEST(TerminalTest, AutoColoursOnlyATerminalWithoutNoColor) {
  EXPECT_TRUE(ShouldColor(ColorMode::kAuto, /*is_tty=*/true, nullptr, "xterm-256color"));
  EXPECT_FALSE(ShouldColor(ColorMode::kAuto, /*is_tty=*/false, nullptr, "xterm"));
  // NO_COLOR: any non-empty value disables colour; an empty one does not.
  EXPECT_FALSE(ShouldColor(ColorMode::kAuto, true, "1", "xterm"));
  EXPECT_FALSE(ShouldColor(ColorMode::kAuto, true, "false", "xterm"));
  EXPECT_TRUE(ShouldColor(ColorMode::kAuto, true, "", "xterm"));
  EXPECT_FALSE(ShouldColor(ColorMode::kAuto, true, nullptr, "dumb"));
  EXPECT_TRUE(ShouldColor(ColorMode::kAuto, true, nullptr, nullptr));
}

TEST(TerminalTest, ExplicitModesWin) {
  EXPECT_TRUE(ShouldColor(ColorMode::kAlways, false, "1", "dumb"));
  EXPECT_FALSE(ShouldColor(ColorMode::kNever, true, nullptr, "xterm"));
}

TEST(TerminalTest, PaintAddsCodesOnlyWhenAsked) {
  EXPECT_EQ(Paint("Passed", Tone::kPass, false), "Passed");
  EXPECT_EQ(Paint("Passed", Tone::kPass, true), "\033[32mPassed\033[0m");
  EXPECT_EQ(Paint("FAILED", Tone::kFail, true), "\033[1;31mFAILED\033[0m");
}

TEST(TerminalTest, AFileIsNotATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(IsTerminal(f));
  EXPECT_EQ(TerminalWidth(f, 123), 123);
  EXPECT_FALSE(ShouldColorHere(ColorMode::kAuto, f));
  std::fclose(f);
}

}  // namespace
}  // namespace raftlab
