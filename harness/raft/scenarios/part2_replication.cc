// Part 2, log replication: MIT 3B's agreement and failure tests, SJTU
// part 2's leader-failure variant of fail_agree, and dslabs-cpp tests 3-9
// and 11 where they differ (5 servers, other limits, the Figure 8 commit rule).
// What replication costs (RPC counts, bytes, latency) is in part2_costs.cc.
#include <algorithm>
#include <set>

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

using timing::kElectionTimeout;

// MIT TestBasicAgree3B.
void BasicAgree(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  for (int64_t index = 1; index <= ctx.params().Int("iterations"); index++) {
    // Nothing may be committed before the command is even started.
    if (c.NCommitted(index).count > 0) c.Fail("some have committed before Start()");
    // Every server agrees on it, at the next index.
    const int64_t got = c.One(IntCommand(index * 100), n, false);
    if (got != index) c.Fail("got index " + std::to_string(got) + " but expected " + std::to_string(index));
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"basic_agree", "commands commit on every server at indices 1, 2, 3",
                           {ServersParam(3), ReliableParam(true), IntParam("iterations", 3, "agreements")},
                           &BasicAgree});

// MIT TestFollowerFailure3B "test progressive failure of followers".
void FollowerFailure(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  c.One(IntCommand(101), n, false);

  // Disconnect one follower: the leader and the rest still agree.
  const int leader1 = c.CheckOneLeader();
  c.Disconnect((leader1 + 1) % n);
  c.One(IntCommand(102), n - 1, false);
  c.Sleep(kElectionTimeout);
  c.One(IntCommand(103), n - 1, false);

  // Disconnect the remaining followers.
  const int leader2 = c.CheckOneLeader();
  for (int k = 1; k < n; k++) c.Disconnect((leader2 + k) % n);

  // The leader still accepts a command ...
  const Cluster::StartResult r = c.Start(leader2, IntCommand(104));
  if (!r.is_leader) c.Fail("leader rejected Start()");
  if (r.index != 4) c.Fail("expected index 4, got " + std::to_string(r.index));
  c.Sleep(timing::kNoCommitWindow);

  // ... but without followers it cannot commit it.
  const int nd = c.NCommitted(r.index).count;
  if (nd > 0) c.Fail(std::to_string(nd) + " committed but no majority");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"follower_failure", "followers fail one by one; nothing commits without a majority",
                           {ServersParam(3), ReliableParam(true)}, &FollowerFailure});

// MIT TestLeaderFailure3B "test failure of leaders".
void LeaderFailure(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  c.One(IntCommand(101), n, false);

  // Disconnect the first leader: the rest elect another and keep agreeing.
  const int leader1 = c.CheckOneLeader();
  c.Disconnect(leader1);
  c.One(IntCommand(102), n - 1, false);
  c.Sleep(kElectionTimeout);
  c.One(IntCommand(103), n - 1, false);

  // Disconnect the new leader too, and submit to everyone.
  const int leader2 = c.CheckOneLeader();
  c.Disconnect(leader2);
  for (int i = 0; i < n; i++) c.Start(i, IntCommand(104));
  c.Sleep(timing::kNoCommitWindow);

  // No majority is connected, so index 4 must not commit anywhere.
  const int nd = c.NCommitted(4).count;
  if (nd > 0) c.Fail(std::to_string(nd) + " committed but no majority");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"leader_failure", "leaders fail one by one; nothing commits without a majority",
                           {ServersParam(3), ReliableParam(true)}, &LeaderFailure});

// MIT TestFailAgree3B "agreement after follower reconnects"; SJTU fail_agree
// disconnects the leader instead; dslabs disconnects 2 of 5 followers.
void FailAgree(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  c.One(IntCommand(101), n, false);

  // Disconnect some followers (or the leader itself).
  const int leader = c.CheckOneLeader();
  std::vector<int> victims;
  if (p.Bool("disconnect_leader")) {
    victims.push_back(leader);
  } else {
    for (int64_t k = 1; k <= p.Int("disconnects"); k++) victims.push_back(static_cast<int>((leader + k) % n));
  }
  for (int v : victims) c.Disconnect(v);

  // The rest (still a majority) can agree despite the disconnected servers;
  // when the leader is the one that left, they must first elect a new one.
  const int rest = n - static_cast<int>(victims.size());
  const bool retry = p.Bool("disconnect_leader");
  c.One(IntCommand(102), rest, retry);
  c.One(IntCommand(103), rest, retry);
  c.Sleep(kElectionTimeout);
  c.One(IntCommand(104), rest, retry);
  c.One(IntCommand(105), rest, retry);

  // Reconnect: everyone keeps the earlier agreements and agrees on new commands.
  for (int v : victims) c.Connect(v);
  c.One(IntCommand(106), n, true);
  c.Sleep(kElectionTimeout);
  c.One(IntCommand(107), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"fail_agree", "a majority agrees while servers are disconnected; all agree after",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("disconnects", 1, "followers disconnected (leader+1 ...)"),
                            BoolParam("disconnect_leader", false, "disconnect the leader instead (SJTU)")},
                           &FailAgree});

// MIT TestFailNoAgree3B "no agreement if too many followers disconnect".
void FailNoAgree(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  c.One(IntCommand(10), n, false);

  // Disconnect a majority of the servers (3 of 5 followers).
  const int leader = c.CheckOneLeader();
  const int cut = n - Majority(n) + 1;
  for (int k = 1; k <= cut; k++) c.Disconnect((leader + k) % n);

  // The leader accepts a command at index 2 but cannot commit it.
  const Cluster::StartResult r = c.Start(leader, IntCommand(20));
  if (!r.is_leader) c.Fail("leader rejected Start()");
  if (r.index != 2) c.Fail("expected index 2, got " + std::to_string(r.index));
  c.Sleep(timing::kNoCommitWindow);
  const int nd = c.NCommitted(r.index).count;
  if (nd > 0) c.Fail(std::to_string(nd) + " committed but no majority");

  // Repair. The reconnected majority may have chosen a leader among itself,
  // forgetting index 2, so the next command lands at index 2 or 3.
  for (int k = 1; k <= cut; k++) c.Connect((leader + k) % n);
  const int leader2 = c.CheckOneLeader();
  const Cluster::StartResult r2 = c.Start(leader2, IntCommand(30));
  if (!r2.is_leader) c.Fail("leader2 rejected Start()");
  if (r2.index < 2 || r2.index > 3) c.Fail("unexpected index " + std::to_string(r2.index));
  c.One(IntCommand(1000), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"fail_no_agree", "no commit while a majority is disconnected",
                           {ServersParam(5), ReliableParam(true)}, &FailNoAgree});

// MIT TestConcurrentStarts3B: Start() from several threads at once.
void ConcurrentStarts(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  const int64_t starts = p.Int("starts");
  bool success = false;
  for (int64_t attempt = 0; attempt < p.Int("attempts") && !success; attempt++) {
    // Give the solution some time to settle before retrying.
    if (attempt > 0) c.Sleep(timing::kSettleBeforeRetry);
    const int leader = c.CheckOneLeader();
    const Cluster::StartResult first = c.Start(leader, IntCommand(1));
    if (!first.is_leader) continue;  // the leader moved on really quickly
    const int64_t term = first.term;

    // Several threads Start() at once on the leader.
    std::unique_ptr<Mutex> mu = ctx.runtime().make_mutex();
    std::vector<int64_t> indices;
    {
      ClientThreads clients(c);
      for (int64_t k = 0; k < starts; k++) {
        clients.Spawn("start " + std::to_string(k), [&, k] {
          const Cluster::StartResult r = c.Start(leader, IntCommand(100 + k));
          if (!r.is_leader || r.term != term) return;
          MutexLock l(*mu);
          indices.push_back(r.index);
        });
      }
      clients.JoinAll();
    }
    // A term change means the leader may have lost some: try again.
    if (c.TermMovedOn(term)) continue;

    // Every accepted command must commit on every server.
    std::vector<int64_t> values;
    bool moved_on = false;
    for (int64_t index : indices) {
      std::optional<Command> cmd = c.Wait(index, n, term);
      if (!cmd) {
        moved_on = true;
        break;
      }
      values.push_back(IntValue(c, *cmd, "value"));
    }
    if (moved_on) continue;
    for (int64_t k = 0; k < starts; k++) {
      if (std::find(values.begin(), values.end(), 100 + k) == values.end()) {
        std::string all;
        for (int64_t v : values) all += (all.empty() ? "" : " ") + std::to_string(v);
        c.Fail("cmd " + std::to_string(100 + k) + " missing in [" + all + "]");
      }
    }
    success = true;
  }
  if (!success) c.Fail("term changed too often");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"concurrent_starts", "concurrent Start()s on the leader all commit",
                           {ServersParam(3), ReliableParam(true), IntParam("starts", 5, "concurrent Start()s"),
                            IntParam("attempts", 5, "tries when the term changes")},
                           &ConcurrentStarts});

// MIT TestRejoin3B "rejoin of partitioned leader".
void Rejoin(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  c.One(IntCommand(101), n, true);

  // Leader network failure; the old leader tries to agree on some entries.
  const int leader1 = c.CheckOneLeader();
  c.Disconnect(leader1);
  c.Start(leader1, IntCommand(102));
  c.Start(leader1, IntCommand(103));
  c.Start(leader1, IntCommand(104));

  // The new leader commits, also at index 2.
  c.One(IntCommand(103), n - 1, true);

  // New leader network failure; the old leader comes back with its stale
  // entries, which must be overwritten.
  const int leader2 = c.CheckOneLeader();
  c.Disconnect(leader2);
  c.Connect(leader1);
  c.One(IntCommand(104), n - 1, true);

  // All together now.
  c.Connect(leader2);
  c.One(IntCommand(105), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"rejoin", "a partitioned leader's uncommitted entries are overwritten when it rejoins",
                           {ServersParam(3), ReliableParam(true)}, &Rejoin});

// MIT TestBackup3B "leader backs up quickly over incorrect follower logs".
void Backup(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  const int majority = Majority(n);
  const int64_t batch = p.Int("batch");
  c.One(c.RandomCommand(), n, true);

  // Put the leader and one follower in a partition.
  const int leader1 = c.CheckOneLeader();
  for (int k = 2; k < n; k++) c.Disconnect((leader1 + k) % n);

  // Submit lots of commands that won't commit.
  for (int64_t k = 0; k < batch; k++) c.Start(leader1, c.RandomCommand());
  c.Sleep(timing::kPartitionedLeaderWindow);
  c.Disconnect((leader1 + 0) % n);
  c.Disconnect((leader1 + 1) % n);

  // Allow the other partition to recover; lots of successful commands there.
  for (int k = 2; k < n; k++) c.Connect((leader1 + k) % n);
  for (int64_t k = 0; k < batch; k++) c.One(c.RandomCommand(), majority, true);

  // Now another partitioned leader and one follower.
  const int leader2 = c.CheckOneLeader();
  int other = (leader1 + 2) % n;
  if (leader2 == other) other = (leader2 + 1) % n;
  c.Disconnect(other);

  // Lots more commands that won't commit.
  for (int64_t k = 0; k < batch; k++) c.Start(leader2, c.RandomCommand());
  c.Sleep(timing::kPartitionedLeaderWindow);

  // Bring the original leader back to life with its follower and `other`:
  // their logs are far behind or wrong, and must be fixed quickly.
  for (int i = 0; i < n; i++) c.Disconnect(i);
  c.Connect((leader1 + 0) % n);
  c.Connect((leader1 + 1) % n);
  c.Connect(other);
  for (int64_t k = 0; k < batch; k++) c.One(c.RandomCommand(), majority, true);

  // Now everyone.
  for (int i = 0; i < n; i++) c.Connect(i);
  c.One(c.RandomCommand(), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"backup", "a leader backs up quickly over long incorrect follower logs",
                           {ServersParam(5), ReliableParam(true),
                            IntParam("batch", 50, "commands per partition phase")},
                           &Backup});

// dslabs-cpp test 11 "Figure 8": a leader must not commit an entry from an
// earlier term by counting replicas (Raft section 5.4.2); it becomes
// committed only once an entry of the leader's own term commits.
void Figure8CommitRule(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  if (n != 5) c.Fail("figure8_commit_rule needs exactly 5 servers");
  const Millis settle(p.Int("settle_ms"));
  auto at = [n](int base, int k) { return (base + k) % n; };
  auto connect_all = [&] {
    for (int i = 0; i < n; i++) c.Connect(i);
  };

  for (int64_t attempt = 0; attempt < p.Int("attempts"); attempt++) {
    // S1 (leader1) commits a first command everywhere.
    const int s1 = c.CheckOneLeader();
    const Cluster::StartResult r0 = c.Start(s1, IntCommand(1100));
    if (!r0.is_leader) continue;  // term moved on too quickly: start over
    if (!c.Wait(r0.index, n, r0.term)) continue;

    // C1 reaches only S1 and one follower S2 (= leader1 + 4).
    for (int k = 1; k <= 3; k++) c.Disconnect(at(s1, k));
    const Cluster::StartResult c1 = c.Start(s1, IntCommand(1101));
    if (!c1.is_leader) {
      connect_all();
      continue;
    }
    c.Sleep(settle);
    if (c.NCommitted(c1.index).count > 0) c.Fail("index " + std::to_string(c1.index) + " committed on 2 of 5 servers");

    // S3 is elected among the other three; then S1 and S2 hear of its term.
    c.Disconnect(at(s1, 4));
    c.Disconnect(s1);
    for (int k = 1; k <= 3; k++) c.Connect(at(s1, k));
    const int s3 = c.CheckOneLeader();
    c.Connect(at(s1, 4));
    c.Connect(s1);
    c.Sleep(settle);
    if (c.CheckOneLeader() != s3) {  // leadership moved: this attempt no longer sets up Figure 8
      connect_all();
      continue;
    }

    // C2 goes to S3 alone, at C1's index but in a newer term.
    for (int i = 0; i < n; i++) {
      if (i != s3) c.Disconnect(i);
    }
    const Cluster::StartResult c2 = c.Start(s3, IntCommand(1102));
    if (!c2.is_leader) {
      connect_all();
      continue;
    }
    if (c2.index != c1.index) {
      c.Fail("Start() returned index " + std::to_string(c2.index) + " (" + std::to_string(c1.index) + " expected)");
    }
    if (c2.term <= c1.term) {
      c.Fail("Start() returned term " + std::to_string(c2.term) + " (more than " + std::to_string(c1.term) +
             " expected)");
    }
    c.Sleep(settle);
    if (c.NCommitted(c1.index).count > 0) c.Fail("index " + std::to_string(c1.index) + " committed without a majority");

    // S1 or S2 becomes leader again with one more server: C1 is now on three
    // servers, but it is from an old term, so it must NOT count as committed.
    c.Disconnect(s3);
    c.Connect(s1);
    c.Connect(at(s1, 4));
    const int third = (s3 == at(s1, 1)) ? at(s1, 2) : at(s1, 1);
    c.Connect(third);
    const int s4 = c.CheckOneLeader();
    if (s4 != s1 && s4 != at(s1, 4)) {
      connect_all();
      continue;
    }
    c.Sleep(settle);
    if (c.NCommitted(c1.index).count > 0) {
      c.Fail("index " + std::to_string(c1.index) + " (a command from term " + std::to_string(c1.term) +
             ") was committed by counting replicas in a later term (Figure 8, section 5.4.2: only entries of the "
             "leader's current term are committed by counting replicas)");
    }

    // Committing a command of the current term commits C1 along with it.
    const int64_t idx = c.One(IntCommand(1103), 3, false);
    if (idx <= c1.index) c.Fail("failed to reach agreement after index " + std::to_string(c1.index));
    const ApplyChecker::Committed committed = c.NCommitted(c1.index);
    if (committed.count != 3) {
      c.Fail(std::to_string(committed.count) + " servers committed index " + std::to_string(c1.index) +
             " (3 expected)");
    }
    if (committed.command != IntCommand(1101)) {
      c.Fail("value 1101 is not committed at index " + std::to_string(c1.index) + " when it should be");
    }
    connect_all();
    c.End();
    return;
  }
  c.Fail("failed to set up the Figure 8 situation in " + std::to_string(p.Int("attempts")) + " attempts");
}

RAFTLAB_REGISTER_SCENARIO({"figure8_commit_rule",
                           "an old-term entry on a majority is not committed until a current-term entry is",
                           {ServersParam(5), ReliableParam(true),
                            IntParam("settle_ms", 1000, "pause after each step"),
                            IntParam("attempts", 10, "tries to set up the situation")},
                           &Figure8CommitRule});

}  // namespace
}  // namespace raftlab::scenarios
