// Tests of harness/report/atomic_file.cc: whole-file replacement and FileReporter's status.
#include "harness/report/atomic_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_reports::ListDir;
using testing_reports::ReadAll;
using testing_reports::ScratchDir;

TEST(AtomicFileTest, WritesThenReplacesLeavingNoTemporaryFile) {
  ScratchDir dir;
  const std::string path = dir.File("out.json");
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  EXPECT_EQ(ReadAll(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, std::string("sec\0ond", 7)).ok());
  EXPECT_EQ(ReadAll(path), std::string("sec\0ond", 7));
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("out.json"));
}

TEST(AtomicFileTest, FsyncOptionWritesTheSameBytes) {
  ScratchDir dir;
  const std::string path = dir.File("synced.xml");
  AtomicWriteOptions o;
  o.fsync = true;
  ASSERT_TRUE(WriteFileAtomically(path, "<a/>\n", o).ok());
  EXPECT_EQ(ReadAll(path), "<a/>\n");
}

TEST(AtomicFileTest, CreatesMissingFoldersUnlessTold) {
  ScratchDir dir;
  const std::string nested = dir.File("a/b/c.json");
  ASSERT_TRUE(WriteFileAtomically(nested, "{}").ok());
  EXPECT_EQ(ReadAll(nested), "{}");

  AtomicWriteOptions no_mkdir;
  no_mkdir.create_parent_dirs = false;
  Status s = WriteFileAtomically(dir.File("x/y.json"), "{}", no_mkdir);
  EXPECT_EQ(s.code(), Status::Code::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("x/y.json"));
}

TEST(AtomicFileTest, FailsNamingThePathWhenTheFolderIsAFile) {
  ScratchDir dir;
  std::ofstream(dir.File("plain")) << "x";
  Status s = WriteFileAtomically(dir.File("plain/r.json"), "{}");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("plain"));
}

TEST(AtomicFileTest, RenameOntoAFolderFailsAndCleansUp) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.File("taken"));
  Status s = WriteFileAtomically(dir.File("taken"), "data");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("taken"));
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("taken"));  // the temporary file is gone
}

TEST(AtomicFileTest, EmptyPathIsInvalid) {
  EXPECT_EQ(WriteFileAtomically("", "x").code(), Status::Code::kInvalidArgument);
}

// A FileReporter that writes the count of its events.
class CountingReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;
  std::string_view format_name() const override { return "count"; }
  void RunStart(const RunInfo&) override { Rewrite(std::to_string(++events_)); }
  void TestEnd(const TestSpec&, const TestResult&) override { Rewrite(std::to_string(++events_)); }
  void RunEnd(const RunSummary&) override { Rewrite(std::to_string(++events_)); }

 private:
  int events_ = 0;
};

TEST(FileReporterTest, StatusFollowsTheLatestWrite) {
  ScratchDir dir;
  const std::string path = dir.File("r.txt");
  CountingReporter rep(path, {});
  EXPECT_TRUE(rep.status().ok());
  EXPECT_EQ(rep.path(), path);
  rep.RunStart(RunInfo{});
  EXPECT_TRUE(rep.status().ok());
  EXPECT_EQ(ReadAll(path), "1");

  // Block the path with a folder: the write fails and says where.
  std::filesystem::remove(path);
  std::filesystem::create_directory(path);
  rep.TestEnd(TestSpec{}, TestResult{});
  EXPECT_FALSE(rep.status().ok());
  EXPECT_THAT(rep.status().message(), HasSubstr(path));

  // Unblocked, the next write succeeds and holds everything so far.
  std::filesystem::remove(path);
  rep.RunEnd(RunSummary{});
  EXPECT_TRUE(rep.status().ok());
  EXPECT_EQ(ReadAll(path), "3");
}

TEST(RewriteDueTest, CheapRewritesAlwaysCostlyOnesAtAGap) {
  using std::chrono::milliseconds;
  // Under the threshold: every run's rewrite happens, however soon.
  EXPECT_TRUE(RewriteDue(milliseconds(0), milliseconds(0)));
  EXPECT_TRUE(RewriteDue(milliseconds(0), kRewriteThrottleFrom - milliseconds(1)));
  // At and above it: only once kRewriteGap times the cost has passed.
  EXPECT_FALSE(RewriteDue(milliseconds(0), kRewriteThrottleFrom));
  EXPECT_FALSE(RewriteDue(kRewriteGap * milliseconds(50) - milliseconds(1), milliseconds(50)));
  EXPECT_TRUE(RewriteDue(kRewriteGap * milliseconds(50), milliseconds(50)));
  EXPECT_TRUE(RewriteDue(std::chrono::seconds(10), milliseconds(400)));
}

// A FileReporter whose document takes `cost` to build (a results file of a
// sweep of thousands of runs) and holds the count of its events.
class SlowReporter final : public FileReporter {
 public:
  SlowReporter(std::string path, std::chrono::milliseconds cost) : FileReporter(std::move(path), {}), cost_(cost) {}
  std::string_view format_name() const override { return "slow"; }
  void RunStart(const RunInfo&) override { Event(/*final=*/false); }
  void TestEnd(const TestSpec&, const TestResult&) override { Event(/*final=*/false); }
  void RunEnd(const RunSummary&) override { Event(/*final=*/true); }
  int builds() const { return builds_; }

 private:
  void Event(bool final) {
    ++events_;
    Refresh([this] { return Build(); }, final);
  }
  std::string Build() {
    builds_++;
    std::this_thread::sleep_for(cost_);
    return std::to_string(events_);
  }
  std::chrono::milliseconds cost_;
  int events_ = 0;
  int builds_ = 0;
};

TEST(FileReporterTest, CostlyDocumentsAreRewrittenAtAGapAndAlwaysAtTheEnd) {
  ScratchDir dir;
  const std::string path = dir.File("r.txt");
  // A 30 ms document: after the first write, the next is due 600 ms after
  // it ended. The test ends runs back to back, far sooner (a sleep only
  // makes a build slower, which only widens the gap), so the three test
  // ends write nothing; the final write has every event.
  SlowReporter rep(path, std::chrono::milliseconds(30));
  rep.RunStart(RunInfo{});
  EXPECT_EQ(ReadAll(path), "1");
  for (int i = 0; i < 3; i++) rep.TestEnd(TestSpec{}, TestResult{});
  EXPECT_EQ(rep.builds(), 1);
  EXPECT_EQ(ReadAll(path), "1");  // still a whole, valid document
  rep.RunEnd(RunSummary{});
  EXPECT_EQ(rep.builds(), 2);
  EXPECT_EQ(ReadAll(path), "5");
  EXPECT_TRUE(rep.status().ok());

  // A cheap document is rewritten after every event.
  const std::string cheap_path = dir.File("cheap.txt");
  SlowReporter cheap(cheap_path, std::chrono::milliseconds(0));
  cheap.RunStart(RunInfo{});
  for (int i = 0; i < 3; i++) {
    cheap.TestEnd(TestSpec{}, TestResult{});
    EXPECT_EQ(ReadAll(cheap_path), std::to_string(i + 2));
  }
  EXPECT_EQ(cheap.builds(), 4);
}

// Standard output gets one document, the final one; nothing is built before.
TEST(FileReporterTest, StdoutBuildsOnlyTheFinalDocument) {
  SlowReporter rep(std::string(kStdoutPath), std::chrono::milliseconds(0));
  rep.RunStart(RunInfo{});
  rep.TestEnd(TestSpec{}, TestResult{});
  EXPECT_EQ(rep.builds(), 0);
  ::testing::internal::CaptureStdout();
  rep.RunEnd(RunSummary{});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "3");
  EXPECT_EQ(rep.builds(), 1);
}

}  // namespace
}  // namespace raftlab
