// Unit tests of ApplyChecker with hand-fed apply messages: each violation
// kind fires with the right message, correct sequences pass.
#include "harness/raft/apply_checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ApplyCheckerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  ApplyChecker checker_{*rt_, 3};

  // Applies commands from..to ("c<k>") to server i, expecting each to pass.
  void ApplyRange(int i, int64_t from, int64_t to) {
    for (int64_t k = from; k <= to; k++) {
      Status st = checker_.OnApply(i, ApplyItem::Cmd(k, "c" + std::to_string(k)));
      ASSERT_TRUE(st.ok()) << st.message();
    }
  }
  std::string Snapshot(int64_t index) {
    std::vector<Command> cmds;
    for (int64_t k = 1; k <= index; k++) cmds.push_back("c" + std::to_string(k));
    return EncodeSnapshot(index, cmds);
  }
};

TEST_F(ApplyCheckerTest, SameCommandsInOrderOnEveryServerPass) {
  for (int i = 0; i < 3; i++) ApplyRange(i, 1, 5);
  EXPECT_FALSE(checker_.first_violation().has_value());
  EXPECT_EQ(checker_.MaxIndex(), 5);
  const ApplyChecker::Committed c = checker_.NCommitted(3);
  EXPECT_EQ(c.count, 3);
  EXPECT_EQ(c.command, "c3");
  EXPECT_EQ(checker_.LastApplied(1), 5);
  EXPECT_EQ(checker_.CommandsApplied(2), 5);
}

TEST_F(ApplyCheckerTest, NCommittedCountsOnlyServersThatAppliedTheIndex) {
  ApplyRange(0, 1, 4);
  ApplyRange(1, 1, 2);
  EXPECT_EQ(checker_.NCommitted(2).count, 2);
  EXPECT_EQ(checker_.NCommitted(4).count, 1);
  EXPECT_EQ(checker_.NCommitted(5).count, 0);
  EXPECT_FALSE(checker_.NCommitted(5).command.has_value());
  EXPECT_EQ(checker_.NCommitted(0).count, 0);
}

TEST_F(ApplyCheckerTest, DifferentCommandsAtOneIndexAreACommitMismatch) {
  ASSERT_TRUE(checker_.OnApply(0, ApplyItem::Cmd(1, "a")).ok());
  Status st = checker_.OnApply(2, ApplyItem::Cmd(1, "b"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("commit index=1 server=2 b != server=0 a"));
  EXPECT_THAT(st.message(), HasSubstr("State Machine Safety"));
}

TEST_F(ApplyCheckerTest, MismatchIsCaughtEvenAfterTheFirstServerRestarted) {
  ApplyRange(0, 1, 2);
  ASSERT_TRUE(checker_.BeginIncarnation(0, "").ok());  // server 0's record restarts empty
  Status st = checker_.OnApply(1, ApplyItem::Cmd(1, "other"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("commit index=1 server=1 other != server=0 c1"));
}

TEST_F(ApplyCheckerTest, SkippedIndexIsOutOfOrder) {
  ApplyRange(0, 1, 1);
  Status st = checker_.OnApply(0, ApplyItem::Cmd(3, "c3"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 0 apply out of order: expected index 2, got 3"));
  EXPECT_THAT(st.message(), HasSubstr("entries 2..2 were skipped"));
}

TEST_F(ApplyCheckerTest, RepeatedIndexIsOutOfOrder) {
  ApplyRange(1, 1, 2);
  Status st = checker_.OnApply(1, ApplyItem::Cmd(2, "c2"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 1 apply out of order: expected index 3, got 2"));
  EXPECT_THAT(st.message(), HasSubstr("already applied"));
}

TEST_F(ApplyCheckerTest, FirstCommandMustBeIndexOne) {
  Status st = checker_.OnApply(0, ApplyItem::Cmd(0, "zero"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 0 apply out of order: expected index 1, got 0"));
}

TEST_F(ApplyCheckerTest, FirstViolationIsKeptAndReportedAgain) {
  ApplyRange(0, 1, 1);
  const Status first = checker_.OnApply(0, ApplyItem::Cmd(5, "c5"));
  ASSERT_FALSE(first.ok());
  // A later, unrelated violation (and even a correct apply) reports the first one.
  EXPECT_EQ(checker_.OnApply(1, ApplyItem::Cmd(1, "different")).message(), first.message());
  EXPECT_EQ(checker_.OnApply(2, ApplyItem::Cmd(1, "c1")).message(), first.message());
  ASSERT_TRUE(checker_.first_violation().has_value());
  EXPECT_EQ(checker_.first_violation()->message(), first.message());
}

TEST_F(ApplyCheckerTest, InstalledSnapshotMovesTheServerForward) {
  ApplyRange(0, 1, 6);
  ASSERT_TRUE(checker_.OnApply(1, ApplyItem::Snap(5, Snapshot(5))).ok());
  EXPECT_EQ(checker_.LastApplied(1), 5);
  EXPECT_EQ(checker_.CommandsApplied(1), 0);
  EXPECT_TRUE(checker_.OnApply(1, ApplyItem::Cmd(6, "c6")).ok());
  EXPECT_EQ(checker_.NCommitted(6).count, 2);
}

TEST_F(ApplyCheckerTest, CommandCoveredBySnapshotIsOutOfOrder) {
  ApplyRange(0, 1, 5);
  ASSERT_TRUE(checker_.OnApply(1, ApplyItem::Snap(5, Snapshot(5))).ok());
  Status st = checker_.OnApply(1, ApplyItem::Cmd(4, "c4"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 1 apply out of order: expected index 6, got 4"));
}

TEST_F(ApplyCheckerTest, SnapshotIndexMustMatchItsBytes) {
  ApplyRange(0, 1, 4);
  Status st = checker_.OnApply(1, ApplyItem::Snap(4, Snapshot(3)));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("snapshot doesn't match SnapshotIndex"));
  EXPECT_THAT(st.message(), HasSubstr("cover index 3 but the apply message says index 4"));
}

TEST_F(ApplyCheckerTest, SnapshotThatIsNotTheHarnessPayloadIsRejected) {
  Status st = checker_.OnApply(2, ApplyItem::Snap(1, "not a snapshot at all"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 2 applied a snapshot that does not decode"));
}

TEST_F(ApplyCheckerTest, SnapshotMustNotMoveTheServerBackwards) {
  ApplyRange(0, 1, 6);
  Status st = checker_.OnApply(0, ApplyItem::Snap(3, Snapshot(3)));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("server 0 applied a snapshot at index 3 behind its applied index 6"));
}

TEST_F(ApplyCheckerTest, SnapshotContentsMustAgreeWithWhatWasApplied) {
  ApplyRange(0, 1, 3);
  std::vector<Command> forged = {"c1", "FORGED", "c3"};
  Status st = checker_.OnApply(1, ApplyItem::Snap(3, EncodeSnapshot(3, forged)));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("commit index=2 server=1 FORGED != server=0 c2"));
}

TEST_F(ApplyCheckerTest, RestartResumesFromIndexOneWithoutSnapshot) {
  ApplyRange(2, 1, 4);
  ASSERT_TRUE(checker_.BeginIncarnation(2, "").ok());
  EXPECT_EQ(checker_.LastApplied(2), 0);
  Status st = checker_.OnApply(2, ApplyItem::Cmd(5, "c5"));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 2 apply out of order: expected index 1, got 5"));
}

TEST_F(ApplyCheckerTest, RestartResumesAfterThePersistedSnapshot) {
  ApplyRange(2, 1, 4);
  ASSERT_TRUE(checker_.BeginIncarnation(2, Snapshot(3)).ok());
  EXPECT_EQ(checker_.LastApplied(2), 3);
  EXPECT_EQ(checker_.CommandsApplied(2), 0);
  EXPECT_TRUE(checker_.OnApply(2, ApplyItem::Cmd(4, "c4")).ok());
  EXPECT_EQ(checker_.CommandsApplied(2), 1);
}

TEST_F(ApplyCheckerTest, RestartWithCorruptPersistedSnapshotIsAViolation) {
  Status st = checker_.BeginIncarnation(1, "garbage");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("server 1's persisted snapshot does not decode"));
}

TEST_F(ApplyCheckerTest, UnknownMessageKindIsRejected) {
  ApplyItem m = ApplyItem::Cmd(1, "c1");
  m.kind = 7;
  Status st = checker_.OnApply(0, m);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("unknown kind 7"));
}

TEST_F(ApplyCheckerTest, SnapshotPayloadHoldsEveryCommandUpToTheIndex) {
  ApplyRange(0, 1, 4);
  StatusOr<SnapshotContents> s = DecodeSnapshot(checker_.SnapshotPayload(3));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->commands, (std::vector<Command>{"c1", "c2", "c3"}));
}

TEST_F(ApplyCheckerTest, ApplyItemCopiesTheBorrowedMessage) {
  const uint8_t bytes[] = {'h', 'i'};
  raftlab_apply_msg msg{sizeof(raftlab_apply_msg), RAFTLAB_APPLY_COMMAND, 7, 2, bytes, sizeof bytes};
  const ApplyItem a = ApplyItem::FromMsg(msg);
  EXPECT_EQ(a.kind, RAFTLAB_APPLY_COMMAND);
  EXPECT_EQ(a.index, 7);
  EXPECT_EQ(a.term, 2);
  EXPECT_EQ(a.data, "hi");
}

}  // namespace
}  // namespace raftlab
