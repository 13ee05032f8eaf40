// Unit tests of the command and snapshot encodings (harness/raft/commands.cc).
#include "harness/raft/commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace raftlab {
namespace {

using ::testing::HasSubstr;

TEST(CommandsTest, IntCommandsAreDecimalText) {
  EXPECT_EQ(IntCommand(101), "101");
  EXPECT_EQ(IntCommand(-7), "-7");
  EXPECT_EQ(CommandAsInt("101"), 101);
  EXPECT_EQ(CommandAsInt("-7"), -7);
}

TEST(CommandsTest, OnlyCanonicalDecimalTextIsAnInt) {
  EXPECT_FALSE(CommandAsInt("").has_value());
  EXPECT_FALSE(CommandAsInt("12a").has_value());
  EXPECT_FALSE(CommandAsInt("007").has_value());
  EXPECT_FALSE(CommandAsInt("+5").has_value());
  EXPECT_FALSE(CommandAsInt(std::string(5000, '1')).has_value());
}

TEST(CommandsTest, DescribeShowsShortCommandsAndSummarisesLongOnes) {
  EXPECT_EQ(DescribeCommand("101"), "101");
  const std::string d = DescribeCommand(std::string(5000, 'x'));
  EXPECT_THAT(d, HasSubstr("<5000 bytes"));
  EXPECT_THAT(d, HasSubstr("..."));
  EXPECT_THAT(DescribeCommand(std::string("\x01\x02", 2)), HasSubstr("<2 bytes"));
}

TEST(CommandsTest, SnapshotRoundTrips) {
  const std::vector<Command> cmds = {"1", std::string(300, 'z'), "", "42"};
  StatusOr<SnapshotContents> s = DecodeSnapshot(EncodeSnapshot(4, cmds));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->index, 4);
  EXPECT_EQ(s->commands, cmds);
  StatusOr<SnapshotContents> empty = DecodeSnapshot(EncodeSnapshot(0, {}));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->index, 0);
}

TEST(CommandsTest, DamagedSnapshotsAreRejectedWithAReason) {
  const std::string good = EncodeSnapshot(2, {"ab", "cd"});
  EXPECT_THAT(DecodeSnapshot("short").status().message(), HasSubstr("too short"));
  EXPECT_THAT(DecodeSnapshot(std::string(20, 'q')).status().message(), HasSubstr("marker"));
  EXPECT_THAT(DecodeSnapshot(good.substr(0, good.size() - 1)).status().message(), HasSubstr("truncated"));
  EXPECT_THAT(DecodeSnapshot(EncodeSnapshot(3, {"ab", "cd"})).status().message(),
              HasSubstr("says index 3 but it holds 2 commands"));
}

}  // namespace
}  // namespace raftlab
