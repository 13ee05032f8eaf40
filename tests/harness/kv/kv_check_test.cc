// Tests of harness/kv/kv_check.{h,cc}: the part-5 linearizability verdict
// (an event for a good history; a failure with a saved picture for a bad
// one) and SaveTestFile's naming.
#include "harness/kv/kv_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/linearizability/checker.h"
#include "runtime/real_runtime.h"
#include "tests/harness/testing/test_util.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using lin::KvErr;
using lin::Operation;
using testing::FakeTestContext;

class KvCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kv_check_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    ::setenv("RAFTLAB_OUTPUT_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("RAFTLAB_OUTPUT_DIR");
    if (!HasFailure()) fs::remove_all(dir_);
  }
  static std::string Slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  FakeTestContext ctx_{*rt_, nullptr};
  KvHistory h_{*rt_};
  fs::path dir_;
};

TEST_F(KvCheckTest, LinearizableHistoryIsAnEventNotAFailure) {
  h_.Record(Operation::Put(0, "k", "a", 0, KvErr::kOk, 0, 10));
  h_.Record(Operation::Get(1, "k", "a", 1, KvErr::kOk, 20, 30));
  EXPECT_EQ(CheckLinearizable(ctx_, h_, {}), lin::CheckResult::kOk);
  EXPECT_FALSE(ctx_.failed());
  EXPECT_THAT(ctx_.events(), Contains(HasSubstr("linearizability check: ok (2 operations on 1 keys")));
}

TEST_F(KvCheckTest, StaleReadFailsTheTestAndSavesThePicture) {
  h_.Record(Operation::Put(0, "k", "a", 0, KvErr::kOk, 0, 10));
  h_.Record(Operation::Get(1, "k", "", 0, KvErr::kErrNoKey, 20, 30));  // the put finished before it began
  std::string message;
  try {
    CheckLinearizable(ctx_, h_, {});
    ADD_FAILURE() << "a non-linearizable history passed";
  } catch (const TestFailed& e) {
    message = e.what();
  }
  EXPECT_THAT(message, HasSubstr(std::string(lin::kIllegalMessage)));
  const size_t see = message.find("see ");
  ASSERT_NE(see, std::string::npos) << message;
  const fs::path picture = message.substr(see + 4);
  EXPECT_EQ(picture.parent_path(), dir_);
  EXPECT_THAT(Slurp(picture), HasSubstr("<html"));
}

TEST_F(KvCheckTest, SaveTestFileNeverOverwrites) {
  auto a = SaveTestFile("linearizability-x/y", "html", "first");
  auto b = SaveTestFile("linearizability-x/y", "html", "second");
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_NE(*a, *b);
  EXPECT_EQ(fs::path(*a).parent_path(), dir_);  // the slash in the stem makes no folder
  EXPECT_EQ(Slurp(*a), "first");
  EXPECT_EQ(Slurp(*b), "second");
}

}  // namespace
}  // namespace raftlab
