// Tests of the student log (harness/scenario/student_log.cc).
#include "harness/scenario/student_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::MatchesRegex;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class StudentLogTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) { return ::testing::TempDir() + "/student_log_test_" + name; }
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST(FormatTest, StampsTimePeerTermAndLevel) {
  EXPECT_THAT(FormatStudentLogLine({Millis(1234), 2, 3, 1, "became leader"}),
              ElementsAre("   1234ms S2 T3 INFO  became leader"));
  EXPECT_THAT(FormatStudentLogLine({Millis(5), -1, -1, 3, "clerk line"}),
              ElementsAre("      5ms S- T- ERROR clerk line"));
  EXPECT_THAT(FormatStudentLogLine({Millis(0), 0, 12, 0, "x"}), ElementsAre("      0ms S0 T12 DEBUG x"));
  EXPECT_THAT(FormatStudentLogLine({Millis(0), 0, 1, 9, "odd level"}), ElementsAre("      0ms S0 T1 L9    odd level"));
}

TEST(FormatTest, SeveralLinesEachGetThePrefixAndTrailingNewlinesGo) {
  EXPECT_THAT(FormatStudentLogLine({Millis(7), 1, 2, 2, "one\ntwo\r\n"}),
              ElementsAre("      7ms S1 T2 WARN  one", "      7ms S1 T2 WARN  two"));
  EXPECT_THAT(FormatStudentLogLine({Millis(7), 1, 2, 1, ""}), ElementsAre("      7ms S1 T2 INFO  "));
  EXPECT_THAT(FormatHarnessNote(Millis(42), "crash peer 2"), ElementsAre("     42ms ====== crash peer 2"));
}

TEST_F(StudentLogTest, WritesEveryLineAndKeepsATail) {
  StudentLogOptions o;
  o.path = Path("basic.log");
  o.tail_lines = 3;
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  ASSERT_TRUE(log.ok()) << log.status().message();
  for (int i = 0; i < 5; ++i) (*log)->Add(i % 3, i, 1, "line " + std::to_string(i));
  (*log)->AddNote("partition {0} {1,2}");
  EXPECT_EQ((*log)->lines(), 5);  // notes are not the student's lines
  std::vector<std::string> file = Lines(ReadFile(o.path));
  ASSERT_EQ(file.size(), 6u);
  EXPECT_THAT(file[0], MatchesRegex(" *[0-9]+ms S0 T0 INFO  line 0"));
  EXPECT_THAT(file[4], MatchesRegex(" *[0-9]+ms S1 T4 INFO  line 4"));
  EXPECT_THAT(file[5], MatchesRegex(" *[0-9]+ms ====== partition \\{0\\} \\{1,2\\}"));
  std::vector<std::string> tail = (*log)->Tail();
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0], file[3]);
  EXPECT_EQ(tail[2], file[5]);
  EXPECT_THAT(ReadLogTail(o.path, 2), ElementsAre(file[4], file[5]));
  std::remove(o.path.c_str());
}

TEST_F(StudentLogTest, LiveCopyGoesToTheFdWithPrefix) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  StudentLogOptions o;
  o.path = Path("live.log");
  o.live_fd = fds[1];
  o.live_prefix = "[t] ";
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  ASSERT_TRUE(log.ok());
  (*log)->Add(1, 2, 1, "hello");
  char buf[256] = {};
  ssize_t n = ::read(fds[0], buf, sizeof buf - 1);
  ASSERT_GT(n, 0);
  EXPECT_THAT(std::string(buf, static_cast<size_t>(n)), MatchesRegex("\\[t\\] +[0-9]+ms S1 T2 INFO  hello\n"));
  ::close(fds[0]);
  ::close(fds[1]);
  std::remove(o.path.c_str());
}

TEST_F(StudentLogTest, RotationBoundsTheFileAndKeepsTheNewestLines) {
  StudentLogOptions o;
  o.path = Path("rotate.log");
  o.rotate_bytes = 4096;
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  ASSERT_TRUE(log.ok());
  const std::string filler(60, 'z');
  for (int i = 0; i < 1000; ++i) (*log)->Add(0, 1, 1, std::to_string(i) + " " + filler);
  EXPECT_LE(ReadFile(o.path).size(), 4096u);
  EXPECT_LE(ReadFile(o.path + ".1").size(), 4096u);
  EXPECT_EQ((*log)->lines(), 1000);
  std::vector<std::string> tail = ReadLogTail(o.path, 3);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_THAT(tail[2], MatchesRegex(".*INFO  999 z+"));
  EXPECT_THAT(tail[0], MatchesRegex(".*INFO  997 z+"));
  std::remove(o.path.c_str());
  std::remove((o.path + ".1").c_str());
}

// The sandboxed test child cannot rename or reopen files: the log is then
// emptied in place on its open fd, with a note, and never makes "<path>.1".
TEST_F(StudentLogTest, InPlaceRotationBoundsTheFileWithoutRenaming) {
  StudentLogOptions o;
  o.path = Path("rotate_in_place.log");
  o.rotate_bytes = 4096;
  o.rotate_in_place = true;
  std::remove((o.path + ".1").c_str());
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  ASSERT_TRUE(log.ok());
  const std::string filler(60, 'z');
  for (int i = 0; i < 1000; ++i) (*log)->Add(0, 1, 1, std::to_string(i) + " " + filler);
  const std::string text = ReadFile(o.path);
  EXPECT_LE(text.size(), 4096u);
  EXPECT_FALSE(std::ifstream(o.path + ".1").good());
  EXPECT_THAT(Lines(text).front(), MatchesRegex("\\[labtest: the log passed 4096 bytes; [0-9]+ older bytes were "
                                                "dropped\\]"));
  EXPECT_EQ((*log)->lines(), 1000);
  std::vector<std::string> tail = ReadLogTail(o.path, 2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_THAT(tail[1], MatchesRegex(".*INFO  999 z+"));
  EXPECT_THAT(tail[0], MatchesRegex(".*INFO  998 z+"));
  std::remove(o.path.c_str());
}

TEST_F(StudentLogTest, TailSpansTheRotatedFile) {
  const std::string path = Path("span.log");
  { std::ofstream(path + ".1") << "a\nb\nc\n"; }
  { std::ofstream(path) << "d\n"; }
  EXPECT_THAT(ReadLogTail(path, 3), ElementsAre("b", "c", "d"));
  EXPECT_THAT(ReadLogTail(path, 1), ElementsAre("d"));
  EXPECT_TRUE(ReadLogTail(path + ".none", 5).empty());
  { std::ofstream(path) << std::string(1000, 'q') << "\n"; }
  std::vector<std::string> cut = ReadLogTail(path, 1, 10);
  EXPECT_THAT(cut, ElementsAre("qqqqqqqqqq [...]"));
  std::remove(path.c_str());
  std::remove((path + ".1").c_str());
}

TEST_F(StudentLogTest, ConcurrentWritersLoseNothing) {
  StudentLogOptions o;
  o.path = Path("concurrent.log");
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  ASSERT_TRUE(log.ok());
  std::vector<std::unique_ptr<Thread>> threads;
  for (int t = 0; t < 4; ++t) {
    threads.push_back(rt_->spawn("writer", [&, t] {
      for (int i = 0; i < 500; ++i) (*log)->Add(t, 1, 1, "w" + std::to_string(t) + " " + std::to_string(i));
    }));
  }
  for (auto& t : threads) t->join();
  EXPECT_EQ((*log)->lines(), 2000);
  std::vector<std::string> file = Lines(ReadFile(o.path));
  ASSERT_EQ(file.size(), 2000u);
  for (const std::string& l : file) EXPECT_THAT(l, MatchesRegex(" *[0-9]+ms S[0-3] T1 INFO  w[0-3] [0-9]+"));
  std::remove(o.path.c_str());
}

TEST_F(StudentLogTest, UnwritablePathIsAnError) {
  StudentLogOptions o;
  o.path = "/nonexistent-dir/student.log";
  auto log = StudentLog::Open(*rt_, rt_->now(), o);
  EXPECT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), Status::Code::kInternal);
}

TEST(TailPerPeerTest, KeepsTheLastLinesOfEveryPeerNotOnlyTheChattyOne) {
  std::vector<std::string> lines;
  lines.push_back("     10ms S2 T1 INFO  peer 2 first");
  lines.push_back("     11ms S2 T1 INFO  peer 2 last");
  lines.push_back("     12ms ====== crash peer 1");
  for (int k = 0; k < 50; k++) lines.push_back(fmt::format("{:>7}ms S0 T1 DEBUG chatty {}", 20 + k, k));
  lines.push_back("     99ms S1 T1 INFO  peer 1 only");
  const std::vector<std::string> tail = TailPerPeer(lines, 2, 1);
  EXPECT_THAT(tail, ElementsAre("     10ms S2 T1 INFO  peer 2 first", "     11ms S2 T1 INFO  peer 2 last",
                                "     12ms ====== crash peer 1", "     68ms S0 T1 DEBUG chatty 48",
                                "     69ms S0 T1 DEBUG chatty 49", "     99ms S1 T1 INFO  peer 1 only"));
}

TEST(TailPerPeerTest, FewerLinesThanTheLimitAreAllKept) {
  const std::vector<std::string> lines = {"      1ms S0 T- INFO  a", "something else", "      2ms S- T- INFO  b"};
  EXPECT_EQ(TailPerPeer(lines, 3, 3), lines);
  EXPECT_TRUE(TailPerPeer({}, 3, 3).empty());
}

TEST(TailPerPeerTest, HarnessNotesHaveTheirOwnLimit) {
  const std::vector<std::string> lines = {"      1ms ====== one", "      2ms S0 T1 INFO  a", "      3ms ====== two",
                                          "      4ms ====== three", "      5ms S0 T1 INFO  b"};
  EXPECT_THAT(TailPerPeer(lines, 1, 2),
              ElementsAre("      3ms ====== two", "      4ms ====== three", "      5ms S0 T1 INFO  b"));
}

}  // namespace
}  // namespace raftlab
