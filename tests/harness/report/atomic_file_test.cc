// Tests of harness/report/atomic_file.cc: whole-file replacement and FileReporter's status.
#include "harness/report/atomic_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

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

}  // namespace
}  // namespace raftlab
