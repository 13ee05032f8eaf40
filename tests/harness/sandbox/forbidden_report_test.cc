// Tests of harness/sandbox/forbidden_report.cc: the report line format and
// its parser (pure functions; the SIGSYS handler itself is exercised through
// sandbox_probe in seccomp_filter_test.cc).
#include "harness/sandbox/forbidden_report.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace raftlab::sandbox {
namespace {

TEST(ForbiddenReport, LineRoundTrips) {
  const TrapLabel label{257, "openat (write)"};
  const std::string line = FormatReportLine(label);
  EXPECT_EQ(line, "forbidden: openat (write) [syscall 257]\n");
  std::optional<ForbiddenCall> call = ParseForbiddenReport(line);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "openat (write)");
  EXPECT_EQ(call->syscall_nr, 257);
}

TEST(ForbiddenReport, VerdictQuotesTheLabRule) {
  EXPECT_EQ(ForbiddenVerdict({"socket", 41}),
            "forbidden: socket \u2014 your Raft must not use files, the network or other processes");
}

TEST(ForbiddenReport, EmptyOrForeignContentsHaveNoCall) {
  EXPECT_FALSE(ParseForbiddenReport("").has_value());
  EXPECT_FALSE(ParseForbiddenReport("\n\n").has_value());
  EXPECT_FALSE(ParseForbiddenReport("hello\nworld\n").has_value());
  EXPECT_FALSE(ParseForbiddenReport("forbidden: \n").has_value());        // no label
  EXPECT_FALSE(ParseForbiddenReport("forbidden: [syscall 3]\n").has_value());
  EXPECT_FALSE(ParseForbiddenReport("  forbidden: socket\n").has_value());  // must start the line
}

TEST(ForbiddenReport, FirstReportLineWins) {
  const std::string contents = "noise\n" + FormatReportLine({41, "socket"}) + FormatReportLine({59, "execve"});
  std::optional<ForbiddenCall> call = ParseForbiddenReport(contents);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(*call, (ForbiddenCall{"socket", 41}));
}

TEST(ForbiddenReport, LineWithoutNumberOrNewlineStillParses) {
  std::optional<ForbiddenCall> call = ParseForbiddenReport("forbidden: clone (new process)");
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "clone (new process)");
  EXPECT_EQ(call->syscall_nr, -1);

  // A malformed number stays part of the label rather than being guessed.
  call = ParseForbiddenReport("forbidden: kill [syscall x]\n");
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "kill [syscall x]");
  EXPECT_EQ(call->syscall_nr, -1);
}

TEST(ForbiddenReport, TruncatedReportLineKeepsTheLabel) {
  // A child killed in the middle of write(2) could leave a partial line.
  std::optional<ForbiddenCall> call = ParseForbiddenReport("forbidden: openat (write) [sysc");
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "openat (write) [sysc");
}

TEST(ForbiddenReport, VerdictForAFinishedChild) {
  // A report line wins over the signal; SIGSYS alone is still forbidden;
  // anything else is not this module's business.
  EXPECT_EQ(ForbiddenVerdictFor(FormatReportLine({59, "execve"}), 0), ForbiddenVerdict({"execve", 59}));
  EXPECT_EQ(ForbiddenVerdictFor(FormatReportLine({59, "execve"}), SIGSYS), ForbiddenVerdict({"execve", 59}));
  EXPECT_EQ(ForbiddenVerdictFor("", SIGSYS), KilledBySigsysVerdict());
  EXPECT_FALSE(ForbiddenVerdictFor("", 0).has_value());
  EXPECT_FALSE(ForbiddenVerdictFor("", SIGSEGV).has_value());
}

TEST(ForbiddenReport, InstallRejectsOutOfRangeNumbers) {
  EXPECT_EQ(InstallForbiddenReporter(-1, -1, {{5000, "bogus"}}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(InstallForbiddenReporter(-1, -1, {{-3, "bogus"}}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ForbiddenCallCount(), 0);
}

}  // namespace
}  // namespace raftlab::sandbox
