// Unit tests of reference/rsm_ops: the rsm's log-entry and snapshot
// envelopes, the snapshot policy, and PendingTable's rules for ending a
// waiting Submit (MIT 6.5840 rsm: "a different entry appeared at the
// returned index" / "the term changed" -> ErrWrongLeader; kill unblocks).
#include "reference/rsm_ops.h"

#include <raftlab/raftlab.h>

#include <gtest/gtest.h>

#include <string>

namespace raftlab::ref {
namespace {

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST(RsmEntryTest, RoundTripsIdAndOpBytes) {
  const OpId id{2, 0xdeadbeefcafef00dULL, 77};
  const Bytes op = {0, 1, 2, 0xff, 0};
  RsmEntry e;
  ASSERT_TRUE(DecodeEntry(EncodeEntry(id, op), &e));
  EXPECT_EQ(e.id, id);
  EXPECT_EQ(e.op, op);
  // An empty op survives too.
  ASSERT_TRUE(DecodeEntry(EncodeEntry(id, Bytes{}), &e));
  EXPECT_TRUE(e.op.empty());
}

TEST(RsmEntryTest, RejectsForeignAndTruncatedBytes) {
  RsmEntry e;
  EXPECT_FALSE(DecodeEntry(B("inc"), &e));  // a bare op, no envelope
  EXPECT_FALSE(DecodeEntry(Bytes{}, &e));
  Bytes enc = EncodeEntry(OpId{1, 5, 9}, B("x"));
  enc.resize(4);  // cut inside the nonce
  EXPECT_FALSE(DecodeEntry(enc, &e));
}

TEST(RsmEntryTest, IdsDifferInEveryField) {
  const OpId a{1, 5, 9};
  EXPECT_NE(a, (OpId{2, 5, 9}));
  EXPECT_NE(a, (OpId{1, 6, 9}));
  EXPECT_NE(a, (OpId{1, 5, 10}));
  EXPECT_EQ(a, (OpId{1, 5, 9}));
}

TEST(RsmSnapshotTest, RoundTripsAndRejectsGarbage) {
  RsmSnapshot s;
  ASSERT_TRUE(DecodeSnapshot(EncodeSnapshot(1234, B("state")), &s));
  EXPECT_EQ(s.index, 1234);
  EXPECT_EQ(s.state, B("state"));
  EXPECT_FALSE(DecodeSnapshot(B("state"), &s));
  EXPECT_FALSE(DecodeSnapshot(EncodeSnapshot(-1, B("x")), &s));  // negative index
}

TEST(SnapshotDueTest, AtNineTenthsOfMaxRaftState) {
  EXPECT_FALSE(SnapshotDue(899, 1000));
  EXPECT_TRUE(SnapshotDue(900, 1000));
  EXPECT_TRUE(SnapshotDue(5000, 1000));
  EXPECT_FALSE(SnapshotDue(1 << 30, -1));  // -1: snapshots off
  EXPECT_TRUE(SnapshotDue(0, 0));          // 0: snapshot after every entry
}

Pending P(int64_t index, int64_t term, uint64_t seq) {
  Pending p;
  p.index = index;
  p.term = term;
  p.id = OpId{0, 1, seq};
  return p;
}

TEST(PendingTableTest, OurEntryAppliedAtOurIndexIsOkWithResult) {
  PendingTable t;
  Pending a = P(3, 1, 1);
  t.Add(&a);
  EXPECT_TRUE(t.OnApplied(2, OpId{0, 1, 99}, B("r2")).empty());  // index below ours: nothing decided
  auto done = t.OnApplied(3, a.id, B("r3"));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], &a);
  EXPECT_TRUE(a.done);
  EXPECT_EQ(a.status, RAFTLAB_OK);
  EXPECT_EQ(a.result, B("r3"));
  EXPECT_TRUE(t.empty());
}

TEST(PendingTableTest, DifferentEntryAtOurIndexIsWrongLeader) {
  // Section 5.3: a new leader overwrote the entry we started.
  PendingTable t;
  Pending a = P(3, 1, 1);
  t.Add(&a);
  auto done = t.OnApplied(3, OpId{2, 7, 1}, B("theirs"));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(a.status, RAFTLAB_ERR_WRONG_LEADER);
  EXPECT_TRUE(a.result.empty());
}

TEST(PendingTableTest, TwoSubmitsAtOneIndexInDifferentTermsOnlyOneWins) {
  // Submit A got index 5 in term 1 and lost it; submit B got index 5 again
  // in term 3. When index 5 applies B's entry, A is lost and B is OK.
  PendingTable t;
  Pending a = P(5, 1, 1), b = P(5, 3, 2);
  t.Add(&a);
  t.Add(&b);
  auto done = t.OnApplied(5, b.id, B("ok"));
  EXPECT_EQ(done.size(), 2u);
  EXPECT_EQ(a.status, RAFTLAB_ERR_WRONG_LEADER);
  EXPECT_EQ(b.status, RAFTLAB_OK);
}

TEST(PendingTableTest, TermChangeEndsOnlyOlderTerms) {
  PendingTable t;
  Pending old1 = P(4, 2, 1), old2 = P(9, 2, 2), cur = P(10, 3, 3);
  t.Add(&old1);
  t.Add(&old2);
  t.Add(&cur);
  auto done = t.OnTerm(3);
  EXPECT_EQ(done.size(), 2u);
  EXPECT_EQ(old1.status, RAFTLAB_ERR_WRONG_LEADER);
  EXPECT_EQ(old2.status, RAFTLAB_ERR_WRONG_LEADER);
  EXPECT_FALSE(cur.done);
  EXPECT_EQ(t.size(), 1u);
}

TEST(PendingTableTest, SnapshotCoveringAnIndexLosesIt) {
  PendingTable t;
  Pending a = P(4, 1, 1), b = P(8, 1, 2);
  t.Add(&a);
  t.Add(&b);
  EXPECT_EQ(t.OnSnapshot(6).size(), 1u);
  EXPECT_EQ(a.status, RAFTLAB_ERR_WRONG_LEADER);
  EXPECT_FALSE(b.done);
}

TEST(PendingTableTest, KillEndsEveryoneWithKilledAndRemoveForgets) {
  PendingTable t;
  Pending a = P(4, 1, 1), b = P(8, 1, 2), c = P(9, 1, 3);
  t.Add(&a);
  t.Add(&b);
  t.Add(&c);
  t.Remove(&c);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.OnKill().size(), 2u);
  EXPECT_EQ(a.status, RAFTLAB_ERR_KILLED);
  EXPECT_EQ(b.status, RAFTLAB_ERR_KILLED);
  EXPECT_FALSE(c.done);
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace raftlab::ref
