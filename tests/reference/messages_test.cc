// Unit tests of the reference Raft's messages (reference/messages.cc): every
// message round-trips, malformed input is rejected, persisted state stays
// compact.
#include "reference/messages.h"

#include <gtest/gtest.h>

#include "tests/reference/test_util.h"

namespace raftlab::ref {
namespace {

using testing::B;
using testing::E;

TEST(Messages, RequestVoteRoundTrip) {
  RequestVoteArgs a{12, 4, 1000000, 11};
  RequestVoteArgs b;
  ASSERT_TRUE(Decode(Encode(a), &b));
  EXPECT_EQ(b.term, 12);
  EXPECT_EQ(b.candidate, 4);
  EXPECT_EQ(b.last_log_index, 1000000);
  EXPECT_EQ(b.last_log_term, 11);

  RequestVoteReply r{13, true};
  RequestVoteReply r2;
  ASSERT_TRUE(Decode(Encode(r), &r2));
  EXPECT_EQ(r2.term, 13);
  EXPECT_TRUE(r2.vote_granted);
}

TEST(Messages, AppendEntriesRoundTripKeepsCommandsByteExact) {
  AppendEntriesArgs a;
  a.term = 3;
  a.leader = 2;
  a.prev_log_index = 7;
  a.prev_log_term = 2;
  a.leader_commit = 6;
  Bytes binary = {0, 1, 0xff, 0x80, 0};
  a.entries = {E(3, ""), Entry{3, binary}, E(3, std::string(5000, 'z'))};
  AppendEntriesArgs b;
  ASSERT_TRUE(Decode(Encode(a), &b));
  EXPECT_EQ(b.term, 3);
  EXPECT_EQ(b.leader, 2);
  EXPECT_EQ(b.prev_log_index, 7);
  EXPECT_EQ(b.prev_log_term, 2);
  EXPECT_EQ(b.leader_commit, 6);
  EXPECT_EQ(b.entries, a.entries);
}

TEST(Messages, AppendEntriesOverheadIsSmall) {
  // TestRPCBytes allows 3 x 5000 + slack per 5000-byte command; our framing
  // should add only a few bytes per message.
  AppendEntriesArgs a;
  a.term = 1;
  a.entries = {E(1, std::string(5000, 'x'))};
  EXPECT_LT(Encode(a).size(), 5000u + 20u);
}

TEST(Messages, AppendEntriesReplyRoundTrip) {
  AppendEntriesReply ok{4, true, 0, 0, 0};
  AppendEntriesReply b;
  ASSERT_TRUE(Decode(Encode(ok), &b));
  EXPECT_TRUE(b.success);
  EXPECT_EQ(b.term, 4);

  AppendEntriesReply fail{4, false, 3, 17, 40};
  ASSERT_TRUE(Decode(Encode(fail), &b));
  EXPECT_FALSE(b.success);
  EXPECT_EQ(b.x_term, 3);
  EXPECT_EQ(b.x_index, 17);
  EXPECT_EQ(b.x_len, 40);
}

TEST(Messages, InstallSnapshotRoundTrip) {
  InstallSnapshotArgs a{9, 1, 250, 8, std::make_shared<const Bytes>(B("snapshot bytes"))};
  InstallSnapshotArgs b;
  ASSERT_TRUE(Decode(Encode(a), &b));
  EXPECT_EQ(b.term, 9);
  EXPECT_EQ(b.leader, 1);
  EXPECT_EQ(b.last_included_index, 250);
  EXPECT_EQ(b.last_included_term, 8);
  ASSERT_NE(b.data, nullptr);
  EXPECT_EQ(*b.data, B("snapshot bytes"));

  InstallSnapshotReply r{10};
  InstallSnapshotReply r2;
  ASSERT_TRUE(Decode(Encode(r), &r2));
  EXPECT_EQ(r2.term, 10);
}

TEST(Messages, PersistentStateRoundTripAndNoVote) {
  PersistentState s;
  s.term = 5;
  s.voted_for = kNone;
  s.snapshot_index = 19;
  s.snapshot_term = 4;
  s.entries = {E(4, "a"), E(5, "b")};
  PersistentState t;
  ASSERT_TRUE(Decode(Encode(s), &t));
  EXPECT_EQ(t.term, 5);
  EXPECT_EQ(t.voted_for, kNone);
  EXPECT_EQ(t.snapshot_index, 19);
  EXPECT_EQ(t.snapshot_term, 4);
  EXPECT_EQ(t.entries, s.entries);
}

TEST(Messages, PersistedStateWithTenSmallEntriesIsFarBelowTheTwoThousandByteLimit) {
  // 3D fails when persisted Raft state reaches 2000 bytes with a snapshot
  // every 10 entries; ten 8-byte commands must fit easily.
  PersistentState s;
  s.term = 1000;
  s.voted_for = 2;
  s.snapshot_index = 100000;
  s.snapshot_term = 999;
  for (int i = 0; i < 10; i++) s.entries.push_back(Entry{1000, Bytes(8, 7)});
  EXPECT_LT(Encode(s).size(), 150u);
}

TEST(Messages, TruncatedOrPaddedInputIsRejected) {
  AppendEntriesArgs a;
  a.term = 3;
  a.entries = {E(3, "hello"), E(3, "world")};
  const Bytes full = Encode(a);
  for (size_t n = 0; n < full.size(); n++) {
    AppendEntriesArgs out;
    EXPECT_FALSE(Decode(ByteView(full.data(), n), &out)) << "prefix of " << n << " bytes";
  }
  Bytes padded = full;
  padded.push_back(0);
  AppendEntriesArgs out;
  EXPECT_FALSE(Decode(padded, &out));
}

TEST(Messages, InvalidValuesAreRejected) {
  // A huge entry count in a tiny message must not allocate or crash.
  Encoder e;
  e.PutVarint(1);                // term
  e.PutSignedVarint(0);          // leader
  e.PutVarint(0);                // prev index
  e.PutVarint(0);                // prev term
  e.PutVarint(0);                // commit
  e.PutVarint(uint64_t{1} << 60);  // entries
  AppendEntriesArgs a;
  EXPECT_FALSE(Decode(e.bytes(), &a));

  // A bool that is neither 0 nor 1.
  const Bytes bad_bool = {1, 2};
  RequestVoteReply r;
  EXPECT_FALSE(Decode(bad_bool, &r));

  // Persisted state whose terms go backwards, or with the wrong format byte.
  // (Built by hand: Encode() itself refuses such a log.)
  Encoder st;
  st.PutU8(1);
  st.PutVarint(3);
  st.PutSignedVarint(-1);
  st.PutVarint(0);
  st.PutVarint(0);
  st.PutVarint(2);
  st.PutVarint(3);
  st.PutString("a");
  st.PutVarint(2);
  st.PutString("b");
  PersistentState t;
  EXPECT_FALSE(Decode(st.bytes(), &t));
  Bytes wrong_format = {9, 0, 0, 0, 0, 0};
  EXPECT_FALSE(Decode(wrong_format, &t));
  // A peer id below kNone.
  Encoder rv;
  rv.PutVarint(1);
  rv.PutSignedVarint(-5);
  rv.PutVarint(0);
  rv.PutVarint(0);
  RequestVoteArgs args;
  EXPECT_FALSE(Decode(rv.bytes(), &args));
}

}  // namespace
}  // namespace raftlab::ref
