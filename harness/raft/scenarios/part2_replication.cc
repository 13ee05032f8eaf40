// Part 2, log replication: the tests whose loops and retries the step
// language does not express (docs/STEPS.md): MIT 3B's concurrent starts and
// backup, and dslabs-cpp test 11 (the Figure 8 commit rule). The
// straight-line agreement and failure tests (basic agree, follower and
// leader failure, fail agree, fail no agree, rejoin) are `steps:` in
// config/raft_lab_test.yml; what replication costs (RPC counts, bytes,
// latency) is in part2_costs.cc.
#include <algorithm>

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

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
                           &ConcurrentStarts, StepFixture::kRaft});

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
                           &Backup, StepFixture::kRaft});

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
                           &Figure8CommitRule, StepFixture::kRaft});

}  // namespace
}  // namespace raftlab::scenarios
