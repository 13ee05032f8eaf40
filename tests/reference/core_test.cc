// Unit tests of the reference Raft's pure core (reference/core.cc). Each test
// names the rule of the Raft paper (extended version) it checks. Time is
// passed in explicitly, so nothing here depends on the machine's speed.
#include "reference/core.h"

#include <gtest/gtest.h>

#include "tests/reference/test_util.h"

namespace raftlab::ref {
namespace {

using testing::B;
using testing::Drain;
using testing::E;
using testing::ElectLeader;
using testing::kMs;
using testing::MakeCore;

PersistentState StateWith(int64_t term, std::vector<Entry> entries) {
  PersistentState st;
  st.term = term;
  st.entries = std::move(entries);
  return st;
}

const AppendEntriesArgs& AE(const Outgoing& m) { return std::get<AppendEntriesArgs>(m.args); }

// ---------------------------------------------------------------------------
// Elections (section 5.2)

TEST(CoreElection, FollowerTimesOutAndStartsElection) {
  auto c = MakeCore(0, 3);
  const int64_t deadline = c->NextTickAt();
  // Timing defaults: the timeout is drawn from [350 ms, 700 ms].
  EXPECT_GE(deadline, 350 * kMs);
  EXPECT_LE(deadline, 700 * kMs);
  c->Tick(deadline - 1);
  EXPECT_EQ(c->role(), Role::kFollower);
  EXPECT_FALSE(c->TakePersist());

  // Figure 2, Candidates: increment currentTerm, vote for self, send
  // RequestVote RPCs to all other servers.
  c->Tick(deadline);
  EXPECT_EQ(c->role(), Role::kCandidate);
  EXPECT_EQ(c->term(), 1);
  EXPECT_EQ(c->voted_for(), 0);
  EXPECT_TRUE(c->TakePersist());  // term and vote must reach disk before the requests leave
  for (int p = 1; p < 3; p++) {
    auto msgs = Drain(*c, p, deadline);
    ASSERT_EQ(msgs.size(), 1u);
    const auto& rv = std::get<RequestVoteArgs>(msgs[0].args);
    EXPECT_EQ(rv.term, 1);
    EXPECT_EQ(rv.candidate, 0);
    EXPECT_EQ(rv.last_log_index, 0);
  }
  // The candidate's own timer restarts: a split vote is retried later.
  EXPECT_GT(c->NextTickAt(), deadline);
}

TEST(CoreElection, MajorityOfVotesMakesLeaderWhoSendsHeartbeatsAtOnce) {
  auto c = MakeCore(0, 5);
  const int64_t now = c->NextTickAt();
  c->Tick(now);
  auto to1 = Drain(*c, 1, now);
  auto to2 = Drain(*c, 2, now);
  c->OnRequestVoteReply(to1[0], RequestVoteReply{1, true}, now);
  EXPECT_EQ(c->role(), Role::kCandidate);  // 2 of 5 is not a majority
  c->OnRequestVoteReply(to2[0], RequestVoteReply{1, true}, now);
  // Figure 2, Candidates: votes from a majority -> become leader.
  EXPECT_TRUE(c->is_leader());
  EXPECT_EQ(c->NextTickAt(), kNever);
  // Figure 2, Leaders: upon election, send initial empty AppendEntries.
  for (int p = 1; p < 5; p++) {
    auto msgs = Drain(*c, p, now);
    ASSERT_EQ(msgs.size(), 1u) << "peer " << p;
    EXPECT_EQ(AE(msgs[0]).term, 1);
    EXPECT_TRUE(AE(msgs[0]).entries.empty());
  }
}

TEST(CoreElection, VoteFromAnOlderElectionDoesNotCount) {
  auto c = MakeCore(0, 3);
  int64_t now = c->NextTickAt();
  c->Tick(now);
  auto old = Drain(*c, 1, now);  // term 1
  now = c->NextTickAt();
  c->Tick(now);  // split vote: term 2
  ASSERT_EQ(c->term(), 2);
  c->OnRequestVoteReply(old[0], RequestVoteReply{1, true}, now);
  EXPECT_EQ(c->role(), Role::kCandidate);
}

TEST(CoreElection, HigherTermInAReplyTurnsCandidateIntoFollower) {
  auto c = MakeCore(0, 3);
  const int64_t now = c->NextTickAt();
  c->Tick(now);
  auto msgs = Drain(*c, 1, now);
  c->TakePersist();
  // Figure 2, All servers: if an RPC response has term T > currentTerm, set
  // currentTerm = T and convert to follower.
  c->OnRequestVoteReply(msgs[0], RequestVoteReply{7, false}, now);
  EXPECT_EQ(c->role(), Role::kFollower);
  EXPECT_EQ(c->term(), 7);
  EXPECT_EQ(c->voted_for(), kNone);
  EXPECT_TRUE(c->TakePersist());
}

TEST(CoreRequestVote, Rule1RejectsAnOlderTerm) {
  auto c = MakeCore(1, 3, StateWith(5, {}));
  RequestVoteReply r = c->HandleRequestVote(RequestVoteArgs{4, 0, 10, 4}, 0);
  EXPECT_FALSE(r.vote_granted);
  EXPECT_EQ(r.term, 5);
}

TEST(CoreRequestVote, Rule2OneVotePerTerm) {
  auto c = MakeCore(2, 3);
  EXPECT_TRUE(c->HandleRequestVote(RequestVoteArgs{3, 0, 0, 0}, 0).vote_granted);
  EXPECT_TRUE(c->TakePersist());  // votedFor is persistent state
  EXPECT_FALSE(c->HandleRequestVote(RequestVoteArgs{3, 1, 0, 0}, 0).vote_granted);
  // A retransmitted request from the same candidate is granted again.
  EXPECT_TRUE(c->HandleRequestVote(RequestVoteArgs{3, 0, 0, 0}, 0).vote_granted);
  // A new term resets votedFor.
  EXPECT_TRUE(c->HandleRequestVote(RequestVoteArgs{4, 1, 0, 0}, 0).vote_granted);
}

TEST(CoreRequestVote, Section541ElectionRestriction) {
  // Our log: index 1 term 1, index 2 term 2.
  auto c = MakeCore(2, 5, StateWith(2, {E(1, "a"), E(2, "b")}));
  // Last term older than ours: refused even though the log is longer.
  EXPECT_FALSE(c->HandleRequestVote(RequestVoteArgs{3, 0, 5, 1}, 0).vote_granted);
  // Same last term, shorter log: refused.
  EXPECT_FALSE(c->HandleRequestVote(RequestVoteArgs{4, 1, 1, 2}, 0).vote_granted);
  // Same last term, same length: granted.
  EXPECT_TRUE(c->HandleRequestVote(RequestVoteArgs{5, 3, 2, 2}, 0).vote_granted);
  // Newer last term wins even with a shorter log.
  EXPECT_TRUE(c->HandleRequestVote(RequestVoteArgs{6, 4, 1, 3}, 0).vote_granted);
}

TEST(CoreRequestVote, LeaderStepsDownOnHigherTermButKeepsRestriction) {
  auto c = MakeCore(0, 3);
  int64_t now = ElectLeader(*c, 3, 0);
  c->Propose(B("x"), now);  // our log is now longer than the candidate's
  RequestVoteReply r = c->HandleRequestVote(RequestVoteArgs{c->term() + 1, 1, 0, 0}, now);
  EXPECT_EQ(c->role(), Role::kFollower);
  EXPECT_EQ(r.term, c->term());
  EXPECT_FALSE(r.vote_granted);  // section 5.4.1: its log is behind ours
  EXPECT_NE(c->NextTickAt(), kNever);  // a follower again has an election timer
}

// ---------------------------------------------------------------------------
// AppendEntries on the follower (Figure 2, AppendEntries RPC)

AppendEntriesArgs Append(int64_t term, int64_t prev, int64_t prev_term, std::vector<Entry> entries,
                         int64_t commit) {
  AppendEntriesArgs a;
  a.term = term;
  a.leader = 0;
  a.prev_log_index = prev;
  a.prev_log_term = prev_term;
  a.entries = std::move(entries);
  a.leader_commit = commit;
  return a;
}

TEST(CoreAppendEntries, Rule1RejectsAnOlderTerm) {
  auto c = MakeCore(1, 3, StateWith(3, {}));
  AppendEntriesReply r = c->HandleAppendEntries(Append(2, 0, 0, {E(2, "x")}, 0), 0);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.term, 3);
  EXPECT_EQ(c->log().LastIndex(), 0);
}

TEST(CoreAppendEntries, Rule2MissingPrevEntryReportsLogLength) {
  auto c = MakeCore(1, 3, StateWith(1, {E(1, "a")}));
  AppendEntriesReply r = c->HandleAppendEntries(Append(1, 3, 1, {}, 0), 0);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.x_term, 0);
  EXPECT_EQ(r.x_len, 2);
}

TEST(CoreAppendEntries, Rule2TermMismatchReportsConflictingTermAndItsFirstIndex) {
  auto c = MakeCore(1, 3, StateWith(2, {E(1, "a"), E(1, "b"), E(2, "c"), E(2, "d")}));
  AppendEntriesReply r = c->HandleAppendEntries(Append(3, 4, 3, {}, 0), 0);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.x_term, 2);
  EXPECT_EQ(r.x_index, 3);
  EXPECT_EQ(r.x_len, 5);
}

TEST(CoreAppendEntries, Rule3ConflictDeletesTheEntryAndAllThatFollow) {
  auto c = MakeCore(1, 3, StateWith(2, {E(1, "a"), E(1, "b"), E(2, "c")}));
  AppendEntriesReply r = c->HandleAppendEntries(Append(3, 1, 1, {E(3, "B")}, 0), 0);
  EXPECT_TRUE(r.success);
  ASSERT_EQ(c->log().LastIndex(), 2);
  EXPECT_EQ(c->log().At(2), E(3, "B"));
  EXPECT_TRUE(c->TakePersist());
}

TEST(CoreAppendEntries, Rule3MatchingEntriesAreNotTruncatedByALateShortAppend) {
  auto c = MakeCore(1, 3, StateWith(1, {E(1, "a"), E(1, "b"), E(1, "c")}));
  c->TakePersist();
  // A reordered, older AppendEntries carrying only entry 1.
  AppendEntriesReply r = c->HandleAppendEntries(Append(1, 0, 0, {E(1, "a")}, 0), 0);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(c->log().LastIndex(), 3);
  EXPECT_FALSE(c->TakePersist());  // nothing changed, nothing to save
}

TEST(CoreAppendEntries, Rule5CommitIsMinOfLeaderCommitAndLastNewEntry) {
  auto c = MakeCore(1, 3, StateWith(1, {E(1, "a"), E(1, "b"), E(1, "c")}));
  // Entries 1..2 confirmed; the leader has committed 10: only 2 are known
  // to match the leader's log.
  c->HandleAppendEntries(Append(1, 1, 1, {E(1, "b")}, 10), 0);
  EXPECT_EQ(c->commit_index(), 2);
  // A later message with a smaller leaderCommit never lowers it.
  c->HandleAppendEntries(Append(1, 0, 0, {}, 1), 0);
  EXPECT_EQ(c->commit_index(), 2);
  EXPECT_TRUE(c->TakeWakeups().applier);
}

TEST(CoreAppendEntries, CandidateReturnsToFollowerWhenALeaderOfItsTermAppears) {
  auto c = MakeCore(1, 3);
  const int64_t now = c->NextTickAt();
  c->Tick(now);
  ASSERT_EQ(c->role(), Role::kCandidate);
  // Section 5.2: "If the leader's term is at least as large as the
  // candidate's current term, the candidate returns to follower state".
  EXPECT_TRUE(c->HandleAppendEntries(Append(c->term(), 0, 0, {}, 0), now).success);
  EXPECT_EQ(c->role(), Role::kFollower);
  EXPECT_EQ(c->leader(), 0);
}

TEST(CoreAppendEntries, ValidAppendResetsTheElectionTimer) {
  auto c = MakeCore(1, 3);
  const int64_t first = c->NextTickAt();
  c->HandleAppendEntries(Append(1, 0, 0, {}, 0), first - 1);
  EXPECT_GE(c->NextTickAt(), first - 1 + 350 * kMs);
  c->Tick(first);
  EXPECT_EQ(c->role(), Role::kFollower);
}

// ---------------------------------------------------------------------------
// Replication on the leader

TEST(CoreLeader, Figure8NeverCommitsAnOldTermEntryByCountingReplicas) {
  // Leader of 5 with entries from terms 1 and 2 that it did not create.
  auto c = MakeCore(0, 5, StateWith(2, {E(1, "a"), E(2, "b")}));
  int64_t now = ElectLeader(*c, 5, 0);
  ASSERT_TRUE(c->is_leader());
  ASSERT_EQ(c->term(), 3);
  // Two followers confirm both entries: 3 of 5 hold index 2.
  for (int p = 1; p <= 2; p++) {
    for (Outgoing& m : Drain(*c, p, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{3, true}, now);
    EXPECT_EQ(c->match_index(p), 2);
  }
  // Figure 8: a majority replica count alone must not commit index 2.
  EXPECT_EQ(c->commit_index(), 0);
  // Once an entry of the current term is on a majority, it and everything
  // before it commit (section 5.4.2).
  EXPECT_EQ(c->Propose(B("c"), now).index, 3);
  now += 10 * kMs;
  for (int p = 1; p <= 2; p++) {
    for (Outgoing& m : Drain(*c, p, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{3, true}, now);
  }
  EXPECT_EQ(c->commit_index(), 3);
}

TEST(CoreLeader, FastBackupSkipsAWholeTermPerRoundTrip) {
  // Leader log terms by index: 1 1 2 2 2 4 4, then elected in term 5.
  auto c = MakeCore(0, 3,
                    StateWith(4, {E(1, "1"), E(1, "2"), E(2, "3"), E(2, "4"), E(2, "5"), E(4, "6"),
                                  E(4, "7")}));
  int64_t now = ElectLeader(*c, 3, 0);
  ASSERT_EQ(c->next_index(1), 8);

  // Follower has term 3 at prev (which the leader lacks) starting at 4:
  // skip all of the follower's term-3 entries.
  auto m = Drain(*c, 1, now);
  ASSERT_EQ(m.size(), 1u);
  c->OnAppendEntriesReply(m[0], AppendEntriesReply{5, false, 3, 4, 8}, now);
  EXPECT_EQ(c->next_index(1), 4);

  // Follower has term 2 at prev: resume after the leader's last term-2 entry.
  m = Drain(*c, 1, now);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(AE(m[0]).prev_log_index, 3);
  c->OnAppendEntriesReply(m[0], AppendEntriesReply{5, false, 2, 3, 4}, now);
  EXPECT_EQ(c->next_index(1), 6);

  // Follower's log is too short: jump straight to its length.
  m = Drain(*c, 1, now);
  ASSERT_EQ(m.size(), 1u);
  c->OnAppendEntriesReply(m[0], AppendEntriesReply{5, false, 0, 0, 2}, now);
  EXPECT_EQ(c->next_index(1), 2);
  // nextIndex never drops to or below matchIndex.
  EXPECT_LT(c->match_index(1), c->next_index(1));
}

TEST(CoreLeader, ABurstOfProposalsTravelsInOneAppendPerFollower) {
  auto c = MakeCore(0, 3);
  int64_t now = ElectLeader(*c, 3, 0);
  for (int p = 1; p < 3; p++) {
    for (Outgoing& m : Drain(*c, p, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
  }
  // TestCount: 1 + 10 Starts in a burst.
  for (int i = 0; i < 11; i++) EXPECT_EQ(c->Propose(B("cmd" + std::to_string(i)), now).index, i + 1);
  // Nothing leaves before the batching delay...
  EXPECT_TRUE(Drain(*c, 1, now).empty());
  now += 1 * kMs;
  // ...then exactly one AppendEntries per follower carries all 11 (both
  // senders run before either reply is back).
  std::vector<Outgoing> sent;
  for (int p = 1; p < 3; p++) {
    auto msgs = Drain(*c, p, now);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(AE(msgs[0]).entries.size(), 11u);
    sent.push_back(std::move(msgs[0]));
  }
  for (Outgoing& m : sent) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
  EXPECT_EQ(c->commit_index(), 11);
  // The new commit index reaches each follower in one more message.
  now += 1 * kMs;
  for (int p = 1; p < 3; p++) {
    auto msgs = Drain(*c, p, now);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(AE(msgs[0]).leader_commit, 11);
    EXPECT_TRUE(AE(msgs[0]).entries.empty());
    c->OnAppendEntriesReply(msgs[0], AppendEntriesReply{1, true}, now);
  }
  // And then nothing until the next heartbeat.
  for (int p = 1; p < 3; p++) EXPECT_TRUE(Drain(*c, p, now + 50 * kMs).empty());
}

TEST(CoreLeader, IdleLeaderSendsTenHeartbeatsPerSecond) {
  auto c = MakeCore(0, 3);
  int64_t start = ElectLeader(*c, 3, 0);
  int sent = 0;
  for (int64_t now = start; now < start + 1000 * kMs; now += 1 * kMs) {
    for (Outgoing& m : Drain(*c, 1, now)) {
      sent++;
      c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
    }
  }
  EXPECT_EQ(sent, 10);  // one every 100 ms, the first at election time
}

TEST(CoreLeader, OneDataSendInFlightThenHeartbeatsThenResendAfterExpiry) {
  auto c = MakeCore(0, 3);
  int64_t t0 = ElectLeader(*c, 3, 0);
  for (Outgoing& m : Drain(*c, 1, t0)) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, t0);
  c->Propose(B("a"), t0);
  auto first = Drain(*c, 1, t0 + 1 * kMs);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(AE(first[0]).entries.size(), 1u);
  // No reply (the call hangs). More proposals do not trigger a second copy.
  c->Propose(B("b"), t0 + 2 * kMs);
  EXPECT_TRUE(Drain(*c, 1, t0 + 50 * kMs).empty());
  // At the heartbeat time: an entry-less AppendEntries keeps the follower quiet.
  auto hb = Drain(*c, 1, t0 + 101 * kMs);
  ASSERT_EQ(hb.size(), 1u);
  EXPECT_TRUE(AE(hb[0]).entries.empty());
  // After the in-flight expiry the data is sent again, now with both entries.
  auto again = Drain(*c, 1, t0 + 1 * kMs + 250 * kMs);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(AE(again[0]).entries.size(), 2u);
  // The late reply to the first send still counts.
  c->OnAppendEntriesReply(first[0], AppendEntriesReply{1, true}, t0 + 300 * kMs);
  EXPECT_EQ(c->match_index(1), 1);
}

TEST(CoreLeader, FailedSendIsRetriedAfterBackoff) {
  auto c = MakeCore(0, 3);
  int64_t now = ElectLeader(*c, 3, 0);
  for (Outgoing& m : Drain(*c, 1, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
  c->Propose(B("a"), now);
  auto sent = Drain(*c, 1, now + 1 * kMs);
  ASSERT_EQ(sent.size(), 1u);
  c->OnSendFailed(sent[0], now + 2 * kMs);
  EXPECT_TRUE(Drain(*c, 1, now + 3 * kMs).empty());
  auto retry = Drain(*c, 1, now + 12 * kMs);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(AE(retry[0]).entries.size(), 1u);
}

TEST(CoreLeader, WakeTimeIsAlwaysInTheFutureWhenNothingIsDue) {
  auto c = MakeCore(0, 3);
  int64_t now = ElectLeader(*c, 3, 0);
  for (int64_t t = now; t < now + 600 * kMs; t += 7 * kMs) {
    if (t % 3 == 0) c->Propose(B("x"), t);
    int64_t wake = 0;
    while (auto m = c->NextMessage(1, t, &wake)) {
    }
    EXPECT_GT(wake, t);
  }
}

// ---------------------------------------------------------------------------
// Apply

TEST(CoreApply, CommittedEntriesAreHandedOverInOrderOnce) {
  auto c = MakeCore(1, 3);
  c->HandleAppendEntries(Append(1, 0, 0, {E(1, "a"), E(1, "b"), E(1, "c")}, 3), 0);
  auto items = c->TakeApply(2);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].index, 1);
  EXPECT_EQ(items[1].data, B("b"));
  items = c->TakeApply(10);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].index, 3);
  EXPECT_FALSE(c->HasApply());
  EXPECT_TRUE(c->TakeApply(10).empty());
}

// ---------------------------------------------------------------------------
// Snapshots (section 7, Figure 13)

TEST(CoreSnapshot, ServiceSnapshotCompactsTheLogAndKeepsStateSmall) {
  auto c = MakeCore(1, 3);
  std::vector<Entry> entries;
  for (int i = 1; i <= 20; i++) entries.push_back(E(1, "command" + std::to_string(i)));
  c->HandleAppendEntries(Append(1, 0, 0, entries, 20), 0);
  const size_t full = c->EncodeState().size();
  // The service cannot snapshot what it was not given yet.
  EXPECT_FALSE(c->Snapshot(5, B("S5")));
  c->TakeApply(100);
  c->TakePersist();
  EXPECT_TRUE(c->Snapshot(19, B("S19")));
  EXPECT_TRUE(c->TakePersist());
  EXPECT_EQ(c->log().snapshot_index(), 19);
  EXPECT_EQ(c->log().LastIndex(), 20);
  EXPECT_EQ(c->snapshot(), B("S19"));
  EXPECT_LT(c->EncodeState().size() * 5, full);
  // An older snapshot is ignored.
  EXPECT_TRUE(c->Snapshot(9, B("S9")));
  EXPECT_EQ(c->snapshot(), B("S19"));
}

TEST(CoreSnapshot, LeaderSendsInstallSnapshotToAFollowerBehindTheSnapshot) {
  auto c = MakeCore(0, 3);
  int64_t now = ElectLeader(*c, 3, 0);
  Drain(*c, 2, now);  // peer 2's heartbeat is lost: its call hangs
  for (Outgoing& m : Drain(*c, 1, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
  for (int i = 0; i < 20; i++) c->Propose(B("c" + std::to_string(i)), now);
  now += 1 * kMs;
  for (Outgoing& m : Drain(*c, 1, now)) c->OnAppendEntriesReply(m, AppendEntriesReply{1, true}, now);
  ASSERT_EQ(c->commit_index(), 20);
  c->TakeApply(100);
  ASSERT_TRUE(c->Snapshot(15, B("snap15")));

  now += 300 * kMs;  // past the in-flight expiry for peer 2
  auto msgs = Drain(*c, 2, now);
  ASSERT_EQ(msgs.size(), 1u);
  const auto& is = std::get<InstallSnapshotArgs>(msgs[0].args);
  EXPECT_EQ(is.last_included_index, 15);
  EXPECT_EQ(is.last_included_term, 1);
  EXPECT_EQ(*is.data, B("snap15"));
  c->OnInstallSnapshotReply(msgs[0], InstallSnapshotReply{1}, now);
  EXPECT_EQ(c->match_index(2), 15);
  // The rest follows as ordinary entries.
  msgs = Drain(*c, 2, now);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(AE(msgs[0]).prev_log_index, 15);
  EXPECT_EQ(AE(msgs[0]).entries.size(), 5u);
}

InstallSnapshotArgs Install(int64_t term, int64_t index, int64_t last_term, const std::string& data) {
  return InstallSnapshotArgs{term, 0, index, last_term, std::make_shared<const Bytes>(B(data))};
}

TEST(CoreSnapshot, Figure13Rule7MismatchedLogIsDiscarded) {
  auto c = MakeCore(1, 3, StateWith(1, {E(1, "a"), E(1, "b")}));
  c->HandleInstallSnapshot(Install(2, 5, 2, "S"), 0);
  EXPECT_EQ(c->log().snapshot_index(), 5);
  EXPECT_EQ(c->log().LastIndex(), 5);
  EXPECT_EQ(c->commit_index(), 5);
  EXPECT_TRUE(c->TakePersist());
  // Rule 8: the snapshot goes to the service, alone and first.
  auto items = c->TakeApply(10);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].is_snapshot);
  EXPECT_EQ(items[0].index, 5);
  EXPECT_EQ(items[0].term, 2);
  EXPECT_EQ(items[0].data, B("S"));
  EXPECT_FALSE(c->HasApply());
}

TEST(CoreSnapshot, Figure13Rule6MatchingPrefixKeepsTheEntriesAfterIt) {
  auto c = MakeCore(1, 3, StateWith(1, {E(1, "a"), E(1, "b"), E(1, "c"), E(1, "d"), E(1, "e")}));
  c->HandleInstallSnapshot(Install(1, 3, 1, "S"), 0);
  EXPECT_EQ(c->log().snapshot_index(), 3);
  EXPECT_EQ(c->log().LastIndex(), 5);
  EXPECT_EQ(c->log().At(4), E(1, "d"));
}

TEST(CoreSnapshot, SnapshotNotBeyondCommitIsIgnored) {
  auto c = MakeCore(1, 3);
  c->HandleAppendEntries(Append(1, 0, 0, {E(1, "a"), E(1, "b"), E(1, "c")}, 3), 0);
  c->TakePersist();
  c->HandleInstallSnapshot(Install(1, 2, 1, "old"), 0);
  // The service must never move backwards.
  EXPECT_EQ(c->log().snapshot_index(), 0);
  EXPECT_FALSE(c->TakePersist());
  EXPECT_EQ(c->TakeApply(10).size(), 3u);
}

TEST(CoreSnapshot, AppendEntriesBehindTheSnapshotSkipsTheCoveredPrefix) {
  auto c = MakeCore(1, 3);
  c->HandleInstallSnapshot(Install(1, 3, 1, "S"), 0);
  AppendEntriesReply r =
      c->HandleAppendEntries(Append(1, 1, 1, {E(1, "b"), E(1, "c"), E(1, "d")}, 4), 0);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(c->log().LastIndex(), 4);
  EXPECT_EQ(c->log().At(4), E(1, "d"));
  EXPECT_EQ(c->commit_index(), 4);
}

TEST(CoreRestart, RestoresPersistentStateAndResumesAfterTheSnapshot) {
  PersistentState st;
  st.term = 7;
  st.voted_for = 2;
  st.snapshot_index = 10;
  st.snapshot_term = 3;
  st.entries = {E(3, "k"), E(4, "l")};
  auto c = MakeCore(0, 3, st, B("S"));
  EXPECT_EQ(c->term(), 7);
  EXPECT_EQ(c->voted_for(), 2);
  EXPECT_EQ(c->log().LastIndex(), 12);
  EXPECT_EQ(c->log().LastTerm(), 4);
  // The harness loads the snapshot into the service itself before make().
  EXPECT_EQ(c->commit_index(), 10);
  EXPECT_EQ(c->last_applied(), 10);
  EXPECT_FALSE(c->HasApply());
  EXPECT_EQ(c->snapshot(), B("S"));
  // Encoding the restored state gives back the same state.
  PersistentState back;
  ASSERT_TRUE(Decode(c->EncodeState(), &back));
  EXPECT_EQ(back.term, 7);
  EXPECT_EQ(back.snapshot_index, 10);
  EXPECT_EQ(back.entries, st.entries);
}

TEST(CoreSingle, OnePeerLeadsAndCommitsAlone) {
  auto c = MakeCore(0, 1);
  c->Tick(c->NextTickAt());
  EXPECT_TRUE(c->is_leader());
  EXPECT_EQ(c->Propose(B("x"), 0).index, 1);
  EXPECT_EQ(c->commit_index(), 1);
}

}  // namespace
}  // namespace raftlab::ref
