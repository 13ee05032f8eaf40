// The Raft step verbs: one registration block and one handler per verb,
// each a thin layer over the Raft fixture (harness/raft/cluster.h). A check
// fails with the message the C++ scenarios gave for the same check (the
// straight-line scenarios of parts 1-3 they replaced; harness/raft/cluster.h).
//
// Thread safety: handlers run on the scenario thread. Ownership: none kept.
#include <fmt/format.h>

#include <string>

#include "harness/raft/commands.h"
#include "harness/raft/timing.h"
#include "harness/steps/step_run.h"
#include "harness/steps/verb_util.h"

namespace raftlab::steps {
namespace {

using T = StepArgType;

// --- cluster -------------------------------------------------------------------
void RunCluster(StepRun& r, const Step& s) {
  ClusterOptions o;
  o.servers = static_cast<int>(r.Int(s, "servers", 3));
  o.reliable = r.Bool(s, "reliable", true);
  o.snapshot_interval = r.Bool(s, "snapshot", false) ? 10 : 0;
  r.StartRaft(o);
}

RAFTLAB_REGISTER_STEP({"cluster",
                       StepFixture::kRaft,
                       true,
                       "servers",
                       {Ranged(Opt("servers", T::kInt, "3", "Raft peers"), 1, 9),
                        Opt("reliable", T::kBool, "true", "false: the network drops, delays and reorders RPCs"),
                        Opt("snapshot", T::kBool, "false",
                            "MIT 3D's snapshot applier: after applying index I with (I+1) % 10 == 0, snapshot(I)")},
                       "start a Raft cluster; binds n (the number of servers)",
                       "make_config / MakeTest",
                       nullptr,
                       &RunCluster});

// --- leaders and terms ---------------------------------------------------------
void RunCheckOneLeader(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  int leader = c.CheckOneLeader();
  if (StepRun::Has(s, "not")) {
    // A cut-off leader keeps claiming its old term until it hears a newer
    // one, and a partition leaves it "connected" to its own group: give the
    // others the same budget as CheckOneLeader to elect someone else.
    const int old = r.Peer(s, "not");
    for (int round = 1; leader == old && round < timing::kLeaderCheckRounds; round++) {
      c.Sleep(timing::kLeaderCheckSleep);
      leader = c.CheckOneLeader();
    }
    if (leader == old) c.Fail("no re-election: server " + std::to_string(old) + " is still the leader");
  }
  if (StepRun::Has(s, "same_as")) {
    const int want = r.Peer(s, "same_as");
    if (leader != want) {
      c.FailUnlessStalled("leader changed from " + std::to_string(want) + " to " + std::to_string(leader) +
                          " even though there were no failures");
    }
  }
  r.BindArg(s, "as", leader);
}

RAFTLAB_REGISTER_STEP({"check_one_leader",
                       StepFixture::kRaft,
                       false,
                       "as",
                       {As("name the leader (a peer) for later steps"),
                        Opt("not", T::kPeer, "",
                            "the leader must be another peer (waits up to ~5 s more for the others to elect one)"),
                        Opt("same_as", T::kPeer, "", "fail if the leader is not this peer (nothing should change)")},
                       "exactly one connected peer claims leadership in the newest term, within about 5 s",
                       "checkOneLeader",
                       nullptr,
                       &RunCheckOneLeader});

void RunCheckNoLeader(StepRun& r, const Step&) { r.raft().CheckNoLeader(); }

RAFTLAB_REGISTER_STEP({"check_no_leader",
                       StepFixture::kRaft,
                       false,
                       "",
                       {},
                       "no connected peer claims to be leader",
                       "checkNoLeader",
                       nullptr,
                       &RunCheckNoLeader});

void RunCheckTerms(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  const int64_t term = c.CheckTerms();
  if (StepRun::Has(s, "at_least")) {
    const int64_t min = r.Int(s, "at_least", 0);
    if (term < min) c.Fail("term is " + std::to_string(term) + ", but should be at least " + std::to_string(min));
  }
  if (StepRun::Has(s, "same_as")) {
    const int64_t before = r.Int(s, "same_as", 0);
    if (term != before) {
      const std::string msg = "term changed from " + std::to_string(before) + " to " + std::to_string(term) +
                              " even though there were no failures";
      // MIT's TestInitialElection3A only warns: a correct Raft on a loaded
      // machine may time out once. SJTU and dslabs fail.
      if (r.Bool(s, "warn", false)) {
        c.Event("warning: " + msg);
      } else {
        c.FailUnlessStalled(msg + " (heartbeats must keep followers from timing out)");
      }
    }
  }
  r.BindArg(s, "as", term);
}

RAFTLAB_REGISTER_STEP({"check_terms",
                       StepFixture::kRaft,
                       false,
                       "as",
                       {As("name the agreed term for a later same_as"),
                        Opt("at_least", T::kInt, "", "fail if the term is lower (1: an election happened)"),
                        Opt("same_as", T::kInt, "", "fail if the term differs (a term bound earlier)"),
                        Opt("warn", T::kBool, "false",
                            "true: a term that differs from same_as is only a warning (MIT)")},
                       "every connected peer reports the same term",
                       "checkTerms",
                       nullptr,
                       &RunCheckTerms});

// --- agreement -----------------------------------------------------------------
void RunOne(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  const Command cmd = r.CommandArg(s, "command");
  const int expected = static_cast<int>(r.Int(s, "servers", r.n()));
  const int64_t got = c.One(cmd, expected, r.Bool(s, "retry", false));
  if (StepRun::Has(s, "index")) {
    const int64_t want = r.Int(s, "index", 0);
    if (got != want) c.Fail("got index " + std::to_string(got) + " but expected " + std::to_string(want));
  }
  r.BindArg(s, "as", got);
}

RAFTLAB_REGISTER_STEP({"one",
                       StepFixture::kRaft,
                       false,
                       "command",
                       {Req("command", T::kCommand, "an integer (sent as its decimal text), any text, or random"),
                        Ranged(Opt("servers", T::kInt, "n", "servers that must commit it"), 1, 9),
                        Opt("retry", T::kBool, "false", "submit again if the first leader fails to commit it"),
                        Opt("index", T::kInt, "", "fail unless it commits at this index"),
                        As("name the index it committed at")},
                       "get the command committed on at least `servers` servers within 10 s",
                       "one",
                       nullptr,
                       &RunOne});

void RunStart(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  const int peer = r.Peer(s, "peer");
  const Cluster::StartResult res = c.Start(peer, r.CommandArg(s, "command"));
  if (StepRun::Has(s, "leader")) {
    const bool want = r.Bool(s, "leader", true);
    if (want && !res.is_leader) c.Fail("leader rejected Start() (server " + std::to_string(peer) + ")");
    if (!want && res.is_leader) {
      c.Fail("server " + std::to_string(peer) + " accepted Start() as leader, but it should not be leader");
    }
  }
  if (StepRun::Has(s, "index")) {
    const int64_t want = r.Int(s, "index", 0);
    if (res.index != want) c.Fail("expected index " + std::to_string(want) + ", got " + std::to_string(res.index));
  }
  // A range, for start()s after a repair, where the new leader may or may
  // not have kept an uncommitted entry (MIT TestFailNoAgree3B: 2 or 3).
  const bool low = StepRun::Has(s, "index_at_least"), high = StepRun::Has(s, "index_at_most");
  if ((low && res.index < r.Int(s, "index_at_least", 0)) || (high && res.index > r.Int(s, "index_at_most", 0))) {
    c.Fail("unexpected index " + std::to_string(res.index) + " from start() (expected " +
           (low ? "at least " + std::to_string(r.Int(s, "index_at_least", 0)) : std::string()) +
           (low && high ? " and " : "") +
           (high ? "at most " + std::to_string(r.Int(s, "index_at_most", 0)) : std::string()) + ")");
  }
  r.BindArg(s, "as", res.index);
}

RAFTLAB_REGISTER_STEP({"start",
                       StepFixture::kRaft,
                       false,
                       "",
                       {Req("peer", T::kPeer, "the peer to call start() on"),
                        Req("command", T::kCommand, "an integer, any text, or random"),
                        Opt("leader", T::kBool, "", "true: fail unless it accepts as leader; false: unless it refuses"),
                        Opt("index", T::kInt, "", "fail unless start() returns this index"),
                        Opt("index_at_least", T::kInt, "", "fail if start() returns a lower index"),
                        Opt("index_at_most", T::kInt, "", "fail if start() returns a higher index"),
                        As("name the index start() returned")},
                       "call start(command) on one peer (does not wait for a commit)",
                       "rf.Start / start1",
                       nullptr,
                       &RunStart});

void RunCommitted(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  const int64_t index = r.Int(s, "index", 0);
  const ApplyChecker::Committed got = c.NCommitted(index);
  if (StepRun::Has(s, "at_most")) {
    const int64_t max = r.Int(s, "at_most", 0);
    if (got.count > max) {
      c.Fail(std::to_string(got.count) + " committed but no majority (index " + std::to_string(index) + ", at most " +
             std::to_string(max) + " expected)");
    }
  }
  if (StepRun::Has(s, "at_least")) {
    const int64_t min = r.Int(s, "at_least", 0);
    if (got.count < min) {
      c.Fail("only " + std::to_string(got.count) + " decided for index " + std::to_string(index) + "; wanted " +
             std::to_string(min));
    }
  }
  if (StepRun::Has(s, "command") && got.count > 0) {
    const Command want = r.CommandArg(s, "command");
    if (got.command != want) {
      c.Fail("wrong value " + DescribeCommand(got.command.value_or("")) + " committed for index " +
             std::to_string(index) + "; expected " + DescribeCommand(want));
    }
  }
}

RAFTLAB_REGISTER_STEP({"committed",
                       StepFixture::kRaft,
                       false,
                       "",
                       {Req("index", T::kInt, "the log index"),
                        Ranged(Opt("at_most", T::kInt, "", "fail if more servers applied it (0: nothing may commit)"),
                               0, 9),
                        Ranged(Opt("at_least", T::kInt, "", "fail if fewer servers applied it"), 0, 9),
                        Opt("command", T::kCommand, "", "fail if the applied command differs")},
                       "how many servers applied the index, now (no waiting)",
                       "nCommitted",
                       [](const Step& s) -> std::string {
                         if (!s.args.count("at_most") && !s.args.count("at_least") && !s.args.count("command")) {
                           return "give at_most, at_least or command (a step that checks nothing is not a check)";
                         }
                         return "";
                       },
                       &RunCommitted});

void RunWait(StepRun& r, const Step& s) {
  Cluster& c = r.raft();
  const int64_t index = r.Int(s, "index", 0);
  const std::optional<Command> got = c.Wait(index, static_cast<int>(r.Int(s, "servers", r.n())), -1);
  if (StepRun::Has(s, "command")) {
    const Command want = r.CommandArg(s, "command");
    if (got != want) {
      c.Fail("wrong value " + DescribeCommand(got.value_or("")) + " committed for index " + std::to_string(index) +
             "; expected " + DescribeCommand(want));
    }
  }
}

RAFTLAB_REGISTER_STEP({"wait",
                       StepFixture::kRaft,
                       false,
                       "",
                       {Req("index", T::kInt, "the log index (e.g. a name bound by start)"),
                        Ranged(Opt("servers", T::kInt, "n", "servers that must apply it"), 1, 9),
                        Opt("command", T::kCommand, "", "fail if the committed command differs")},
                       "wait (about 30 s at most) until `servers` servers applied the index",
                       "wait",
                       nullptr,
                       &RunWait});

}  // namespace
}  // namespace raftlab::steps
