// Tests of the result model and its JSON form (harness/scenario/result.cc).
#include "harness/scenario/result.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace raftlab {
namespace {

using ::testing::HasSubstr;

TestResult Sample() {
  TestResult r;
  r.test = "3A-initial-election";
  r.part = 1;
  r.repetition = 4;
  r.base_seed = 18446744073709551615ull;  // must survive JSON exactly
  r.seed = 1234567890123456789ull;
  r.verdict = Verdict::kTimeout;
  r.message = "timed out after 120 s; all 3 threads were sleeping";
  r.has_figures = true;
  r.figures = {3, 56, 15032, 9, 2};
  r.duration_s = 3.25;
  r.events = {{0.5, "crash peer 2"}, {1.0, "partition {0,1} {2}"}};
  r.events_dropped = 7;
  r.wall_s = 125.5;
  r.cpu_user_s = 1.25;
  r.cpu_sys_s = 0.5;
  r.max_rss_kb = 20480;
  r.exit_code = -1;
  r.term_signal = 9;
  r.hang_analysis = "all 3 threads were sleeping\n    thread 1 ...";
  r.stack_dump = "stacks of every thread (from eu-stack):\nTID 1:\n#0 ...";
  r.log_tail = {"     12ms S0 T1 INFO  hello", "     13ms ====== crash peer 2"};
  r.log_lines = 1000;
  r.stderr_tail = {"terminate called"};
  r.output_dir = "labtest-out/x/3A-initial-election-4";
  return r;
}

TEST(ResultTest, VerdictNamesRoundTrip) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kSkip, Verdict::kTimeout, Verdict::kCrash,
                    Verdict::kCpuLimit, Verdict::kError}) {
    auto back = ParseVerdict(VerdictName(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v);
  }
  EXPECT_EQ(VerdictName(Verdict::kCpuLimit), "cpu-limit");
  EXPECT_FALSE(ParseVerdict("passed").ok());
  EXPECT_TRUE(IsSuccess(Verdict::kPass));
  EXPECT_TRUE(IsSuccess(Verdict::kSkip));
  EXPECT_FALSE(IsSuccess(Verdict::kCrash));
}

TEST(ResultTest, JsonRoundTripKeepsEveryField) {
  const TestResult r = Sample();
  auto back = ResultFromJson(ResultToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().message();
  const TestResult& b = *back;
  EXPECT_EQ(b.test, r.test);
  EXPECT_EQ(b.part, r.part);
  EXPECT_EQ(b.repetition, r.repetition);
  EXPECT_EQ(b.base_seed, r.base_seed);
  EXPECT_EQ(b.seed, r.seed);
  EXPECT_EQ(b.verdict, r.verdict);
  EXPECT_EQ(b.message, r.message);
  EXPECT_TRUE(b.has_figures);
  EXPECT_EQ(b.figures.peers, 3);
  EXPECT_EQ(b.figures.rpcs, 56);
  EXPECT_EQ(b.figures.bytes, 15032);
  EXPECT_EQ(b.figures.commands, 9);
  EXPECT_EQ(b.figures.ops, 2);
  EXPECT_DOUBLE_EQ(b.duration_s, 3.25);
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_DOUBLE_EQ(b.events[1].t_s, 1.0);
  EXPECT_EQ(b.events[1].text, "partition {0,1} {2}");
  EXPECT_EQ(b.events_dropped, 7);
  EXPECT_DOUBLE_EQ(b.wall_s, 125.5);
  EXPECT_DOUBLE_EQ(b.cpu_s(), 1.75);
  EXPECT_EQ(b.max_rss_kb, 20480);
  EXPECT_EQ(b.exit_code, -1);
  EXPECT_EQ(b.term_signal, 9);
  EXPECT_EQ(b.hang_analysis, r.hang_analysis);
  EXPECT_EQ(b.stack_dump, r.stack_dump);
  EXPECT_EQ(b.log_tail, r.log_tail);
  EXPECT_EQ(b.log_lines, 1000);
  EXPECT_EQ(b.stderr_tail, r.stderr_tail);
  EXPECT_EQ(b.output_dir, r.output_dir);
}

TEST(ResultTest, NoFiguresStaysNoFigures) {
  TestResult r;
  r.test = "t";
  r.verdict = Verdict::kPass;
  auto back = ResultFromJson(ResultToJson(r));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->has_figures);
  EXPECT_EQ(ResultToJson(r).find("\"figures\""), std::string::npos);
}

TEST(ResultTest, InvalidUtf8FromStudentsDoesNotBreakJson) {
  TestResult r;
  r.test = "t";
  r.verdict = Verdict::kFail;
  r.log_tail = {std::string("bad \xff\xfe bytes")};
  auto back = ResultFromJson(ResultToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_THAT(back->log_tail[0], HasSubstr("bad "));
}

TEST(ResultTest, MalformedJsonIsAnError) {
  EXPECT_FALSE(ResultFromJson("").ok());
  EXPECT_FALSE(ResultFromJson("{").ok());
  EXPECT_FALSE(ResultFromJson("[]").ok());
  EXPECT_THAT(ResultFromJson(R"({"format": 1, "verdict": "pass"})").status().message(),
              HasSubstr("malformed result file"));  // no test name
  EXPECT_THAT(ResultFromJson(R"({"format": 1, "test": "t", "verdict": "great"})").status().message(),
              HasSubstr("unknown verdict 'great'"));
  EXPECT_THAT(ResultFromJson(R"({"format": 9, "test": "t", "verdict": "pass"})").status().message(),
              HasSubstr("format 9"));
  EXPECT_THAT(ResultFromJson(R"({"format": 1, "test": 5, "verdict": "pass"})").status().message(),
              HasSubstr("malformed result file"));
}

TEST(ResultTest, FileRoundTripIsAtomic) {
  const std::string path = ::testing::TempDir() + "/result_test.json";
  ASSERT_TRUE(WriteResultFile(path, Sample()).ok());
  std::ifstream tmp(path + ".tmp");
  EXPECT_FALSE(tmp.good());  // the temp file was renamed away
  auto back = ReadResultFile(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->test, "3A-initial-election");
  std::remove(path.c_str());
  EXPECT_EQ(ReadResultFile(path).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(WriteResultFile("/nonexistent-dir/x/result.json", Sample()).ok());
}

// The sandboxed test child writes through an fd opened before the sandbox:
// a shorter second result must replace a longer first one completely.
TEST(ResultTest, WriteToAnOpenFdReplacesTheWholeFile) {
  const std::string path = ::testing::TempDir() + "/result_fd_test.json";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  TestResult big = Sample();
  big.message = std::string(5000, 'm');
  ASSERT_TRUE(WriteResultToFd(fd, big).ok());
  TestResult small = Sample();
  small.message = "short";
  ASSERT_TRUE(WriteResultToFd(fd, small).ok());
  auto back = ReadResultFile(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->message, "short");
  ::close(fd);
  std::remove(path.c_str());
  const int ro = ::open("/dev/null", O_RDONLY);
  EXPECT_FALSE(WriteResultToFd(ro, small).ok());  // not writable (ftruncate fails)
  ::close(ro);
}

}  // namespace
}  // namespace raftlab
