// Tests of the progress line (harness/report/progress.cc): its text, the ETA, and
// that nothing is drawn when the output is not a terminal.
#include "harness/report/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressTest, Clock) {
  EXPECT_EQ(FormatClock(0), "0:00");
  EXPECT_EQ(FormatClock(7.9), "0:07");
  EXPECT_EQ(FormatClock(65), "1:05");
  EXPECT_EQ(FormatClock(3723), "1:02:03");
  EXPECT_EQ(FormatClock(-3), "0:00");
}

TEST(ProgressTest, LineText) {
  ProgressSnapshot p;
  p.done = 12;
  p.total = 40;
  p.failed = 1;
  p.running = 3;
  p.elapsed_s = 65;
  p.eta_s = 130;
  EXPECT_EQ(FormatProgress(p, false), "[12/40] 1 failed  3 running  elapsed 1:05  ETA 2:10");
  p.failed = 0;
  p.total.reset();
  p.eta_s.reset();
  EXPECT_EQ(FormatProgress(p, false), "[12 done]  3 running  elapsed 1:05");
  p.failed = 2;
  const std::string coloured = FormatProgress(p, true);
  EXPECT_THAT(coloured, HasSubstr("\033[1;31m2 failed\033[0m"));
  EXPECT_THAT(FormatProgress(p, false), Not(HasSubstr("\033")));
}

TEST(ProgressTest, EtaFromBaselineThenObservedTimes) {
  // Two jobs; test a takes 10 s by the baseline, b is unknown.
  ProgressTracker t(2, [](const std::string& test) -> std::optional<double> {
    if (test == "a") return 10.0;
    return std::nullopt;
  });
  t.SetQueued(std::vector<std::pair<std::string, int>>{{"a", 4}});
  ProgressSnapshot s = t.Snapshot(0, 0);
  ASSERT_TRUE(s.total.has_value());
  EXPECT_EQ(*s.total, 4u);
  ASSERT_TRUE(s.eta_s.has_value());
  EXPECT_DOUBLE_EQ(*s.eta_s, 4 * 10.0 / 2);

  // b is unknown and nothing has finished: no ETA.
  t.Started("b", 0, 0);
  t.SetQueued(std::vector<std::pair<std::string, int>>{{"a", 4}});
  EXPECT_FALSE(t.Snapshot(1, 1).eta_s.has_value());

  // Once b has finished in 6 s, its own time is used; a's first run took
  // 20 s, which replaces the baseline's 10 s.
  t.Finished("b", 0, /*failed=*/true, 6);
  t.Started("a", 0, 6);
  t.Finished("a", 0, false, 20);
  t.Started("b", 1, 26);  // running for 2 s at now = 28: 4 s left of its 6 s
  t.SetQueued(std::vector<std::pair<std::string, int>>{{"a", 3}, {"b", 1}});
  s = t.Snapshot(28, 28);
  EXPECT_EQ(s.done, 2u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.running, 1u);
  EXPECT_EQ(*s.total, 2u + 1u + 4u);
  ASSERT_TRUE(s.eta_s.has_value());
  EXPECT_DOUBLE_EQ(*s.eta_s, (3 * 20.0 + 1 * 6.0 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(*t.Expected("a"), 20.0);
}

TEST(ProgressTest, WithoutEndThereIsNoTotal) {
  ProgressTracker t(1, nullptr);
  t.SetQueued(std::nullopt);
  t.Started("a", 0, 0);
  t.Finished("a", 0, false, 1);
  ProgressSnapshot s = t.Snapshot(5, 5);
  EXPECT_EQ(s.done, 1u);
  EXPECT_FALSE(s.total.has_value());
  EXPECT_FALSE(s.eta_s.has_value());
}

TEST(ProgressTest, DisabledLineWritesNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressLine line(f, /*enabled=*/false);
    line.Show("[1/2]");
    line.Clear();
    line.Restore();
    line.Finish();
  }
  EXPECT_EQ(ReadAll(f), "");
  std::fclose(f);
}

TEST(ProgressTest, EnabledLineRedrawsInPlaceAndFitsTheWidth) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressLine line(f, /*enabled=*/true, /*width=*/20);
    line.Show("[1/2] 0 running");
    line.Clear();
    std::fputs("Test (a) ... Passed\n", f);
    line.Restore();
    line.Show("[2/2] and a much longer tail than fits");
    line.Finish();
    line.Restore();  // nothing after Finish
  }
  EXPECT_EQ(ReadAll(f),
            "\r\033[K[1/2] 0 running"
            "\r\033[K"
            "Test (a) ... Passed\n"
            "\r\033[K[1/2] 0 running"
            "\r\033[K[2/2] and a much lo"  // cut to width - 1 columns
            "\r\033[K");
  std::fclose(f);
}

}  // namespace
}  // namespace raftlab
