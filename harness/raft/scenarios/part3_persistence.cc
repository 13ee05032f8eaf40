// Part 3, persistence: the tests with random schedules and retries, which
// stay C++ (docs/STEPS.md): MIT 3C's Figure 8, unreliable agreement, Figure
// 8 unreliable and churn, SJTU part 3's unreliable Figure 8 (the crash-based
// Figure 8 on an unreliable network, 100 iterations, `figure8` with other
// parameters), and restart_vote, a trap for a votedFor that is not
// persisted before the vote is granted. MIT's persist 1-3 are `steps:` in
// config/raft_lab_test.yml.
#include <algorithm>
#include <atomic>
#include <string>

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

using timing::kElectionTimeout;

// The Figure 8 schedule's sleep: mostly short, sometimes long (NOT scaled:
// it shapes the fault pattern, it is not a deadline).
void Figure8Pause(Cluster& c) {
  if (c.Random(0, 999) < 100) {
    c.SleepUnscaled(Millis(c.Random(0, timing::kFigure8LongSleepMs - 1)));
  } else {
    c.SleepUnscaled(Millis(c.Random(0, timing::kFigure8ShortSleepMs - 1)));
  }
}

// MIT TestFigure83C "Figure 8" (and SJTU unreliable_figure_8 with
// reliable=false, iterations=100): leaders crash right after accepting
// commands; the appliers check on every apply that no two servers ever
// commit different commands at one index.
void Figure8(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  c.One(c.RandomCommand(), 1, true);

  int nup = n;
  for (int64_t iters = 0; iters < p.Int("iterations"); iters++) {
    // Offer a command to every live server; remember who took it as leader.
    int leader = -1;
    for (int i = 0; i < n; i++) {
      if (c.IsUp(i) && c.Start(i, c.RandomCommand()).is_leader) leader = i;
    }
    Figure8Pause(c);

    // Crash that leader right away ...
    if (leader != -1) {
      c.Crash(leader);
      nup--;
    }
    // ... and keep at least three servers up.
    if (nup < 3) {
      const int s = static_cast<int>(c.Random(0, n - 1));
      if (!c.IsUp(s)) {
        c.Restart(s);
        nup++;
      }
    }
  }

  // Everyone back: the cluster must still reach agreement.
  for (int i = 0; i < n; i++) {
    if (!c.IsUp(i)) c.Restart(i);
  }
  c.One(c.RandomCommand(), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"figure8", "leaders crash right after accepting commands; commits never conflict",
                           {ServersParam(5), ReliableParam(true), IntParam("iterations", 1000, "crash rounds")},
                           &Figure8, StepFixture::kRaft});

// MIT TestUnreliableAgree3C "unreliable agreement".
void UnreliableAgree(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  {
    ClientThreads clients(c);
    for (int64_t iters = 1; iters < p.Int("iterations"); iters++) {
      // Several agreements at once, on a lossy network.
      for (int64_t j = 0; j < p.Int("clients"); j++) {
        clients.Spawn("one " + std::to_string(iters) + "/" + std::to_string(j),
                      [&c, iters, j] { c.One(IntCommand(100 * iters + j), 1, true); });
      }
      c.One(IntCommand(iters), 1, true);
    }
    c.SetReliable(true);
    clients.JoinAll();
  }
  c.One(IntCommand(100), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"unreliable_agree", "many concurrent agreements on a lossy network",
                           {ServersParam(5), ReliableParam(false),
                            IntParam("iterations", 50, "rounds (MIT runs 1..49)"),
                            IntParam("clients", 4, "concurrent one() callers per round")},
                           &UnreliableAgree, StepFixture::kRaft});

// MIT TestFigure8Unreliable3C "Figure 8 (unreliable)".
void Figure8Unreliable(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  c.One(IntCommand(c.Random(0, 9999)), 1, true);

  int nup = n;
  for (int64_t iters = 0; iters < p.Int("iterations"); iters++) {
    // Part-way through, replies start arriving very late and out of order.
    if (iters == p.Int("reorder_at")) c.SetLongReordering(true);

    // Offer a command to every server, connected or not.
    int leader = -1;
    for (int i = 0; i < n; i++) {
      if (c.Start(i, IntCommand(c.Random(0, 9999))).is_leader && c.IsConnected(i)) leader = i;
    }
    Figure8Pause(c);

    // Disconnect that leader half of the time; keep three servers connected.
    if (leader != -1 && c.Random(0, 999) < kElectionTimeout.count() / 2) {
      c.Disconnect(leader);
      nup--;
    }
    if (nup < 3) {
      const int s = static_cast<int>(c.Random(0, n - 1));
      if (!c.IsConnected(s)) {
        c.Connect(s);
        nup++;
      }
    }
  }

  // Everyone back: a leader that fell far behind must catch up quickly.
  for (int i = 0; i < n; i++) {
    if (!c.IsConnected(i)) c.Connect(i);
  }
  c.One(IntCommand(c.Random(0, 9999)), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"figure8_unreliable",
                           "Figure 8 with disconnections on a lossy network with long reordering",
                           {ServersParam(5), ReliableParam(false), IntParam("iterations", 1000, "rounds"),
                            IntParam("reorder_at", 200, "round at which long reordering starts")},
                           &Figure8Unreliable, StepFixture::kRaft});

// MIT TestReliableChurn3C / TestUnreliableChurn3C.
void Churn(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  std::atomic<bool> stop{false};
  const int64_t nclients = p.Int("clients");
  std::vector<std::vector<int64_t>> values(nclients);

  {
    ClientThreads clients(c);
    for (int64_t me = 0; me < nclients; me++) {
      // Each client offers random commands to every live server and records
      // the ones it saw committed.
      clients.Spawn("churn client " + std::to_string(me), [&c, &stop, &values, me, n] {
        while (!stop.load()) {
          const int64_t x = c.Random(0, (int64_t{1} << 31) - 1);
          const Command cmd = IntCommand(x);
          int64_t index = -1;
          bool ok = false;
          for (int i = 0; i < n; i++) {
            if (!c.IsUp(i)) continue;
            const Cluster::StartResult r = c.Start(i, cmd);
            if (r.is_leader) {
              ok = true;
              index = r.index;
            }
          }
          if (ok) {
            // Poll with growing pauses (MIT: 10, 20, 50, 100, 200 ms).
            for (int ms : {10, 20, 50, 100, 200}) {
              const ApplyChecker::Committed cm = c.NCommitted(index);
              if (cm.count > 0) {
                if (cm.command == cmd) values[me].push_back(x);
                break;
              }
              c.SleepUnscaled(Millis(ms));  // a poll period, not a deadline
            }
          } else {
            c.SleepUnscaled(Millis(79 + me * 17));
          }
        }
      });
    }

    // Meanwhile, the main thread disconnects, restarts and crashes servers.
    for (int64_t iters = 0; iters < p.Int("iterations"); iters++) {
      if (c.Random(0, 999) < 200) c.Disconnect(static_cast<int>(c.Random(0, n - 1)));
      if (c.Random(0, 999) < 500) {
        const int i = static_cast<int>(c.Random(0, n - 1));
        if (!c.IsUp(i)) c.Restart(i);
        c.Connect(i);
      }
      if (c.Random(0, 999) < 200) {
        const int i = static_cast<int>(c.Random(0, n - 1));
        if (c.IsUp(i)) c.Crash(i);
      }
      c.Sleep(timing::kChurnStep);
    }

    // Calm down: reliable network, everyone up and connected.
    c.Sleep(kElectionTimeout);
    c.SetReliable(true);
    for (int i = 0; i < n; i++) {
      if (!c.IsUp(i)) c.Restart(i);
      c.Connect(i);
    }
    stop.store(true);
    clients.JoinAll();
  }
  c.Sleep(kElectionTimeout);

  // Every index must be committed on every server, with an int ...
  const int64_t last = c.One(c.RandomCommand(), n, true);
  std::vector<int64_t> really;
  for (int64_t index = 1; index <= last; index++) {
    const std::optional<Command> v = c.Wait(index, n, -1);
    really.push_back(IntValue(c, *v, "committed value at index " + std::to_string(index) + ":"));
  }
  // ... and every value a client saw committed must be in the final log.
  std::sort(really.begin(), really.end());
  for (const auto& vs : values) {
    for (int64_t v : vs) {
      if (!std::binary_search(really.begin(), really.end(), v)) {
        c.Fail("didn't find a value: " + std::to_string(v) + " was reported committed but is not in the log");
      }
    }
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"churn", "clients submit while servers disconnect, crash and restart at random",
                           {ServersParam(5), ReliableParam(true), IntParam("iterations", 20, "churn steps"),
                            IntParam("clients", 3, "client threads")},
                           &Churn, StepFixture::kRaft});

// A second leader of one term is found by ElectionSafety on any get_state()
// answer, so the watch only has to ask everyone now and then. 10 ms polls
// (NOT scaled: a poll period, not a deadline).
constexpr Millis kWatchPoll{10};

// Asks every live server for its state (each answer goes through the
// fixture's Election Safety check) for `window`.
void WatchElections(Cluster& c, Nanos window) {
  const Nanos end = c.ctx().runtime().now() + window;
  while (c.ctx().runtime().now() < end) {
    for (int i = 0; i < c.n(); i++) c.GetState(i);
    c.SleepUnscaled(kWatchPoll);
  }
}

// restart_vote: 3 servers A, B, C. C is down from the start, so A and B
// elect a leader L in term 1 with the vote of the other one, V. Then L is
// cut off, V crashes and restarts (a correct V remembers its vote for L),
// and C restarts beside V with term 0: C's first election is for term 1,
// and C's timer starts `head_start_ms` before V's, so C usually asks V
// before V times out itself. A V that forgot its vote grants it, and C
// becomes a second leader of term 1 (Figure 2: votedFor is persistent
// state, saved before the vote is granted). Each attempt is a fresh
// cluster. Timing only decides whether the trap fires; a correct Raft
// passes on any timing.
void RestartVote(TestContext& ctx) {
  const Params& p = ctx.params();
  if (p.Int("servers") != 3) ctx.Fail("restart_vote needs servers: 3 (its trap has three roles)");
  const ClusterOptions opts = OptionsFrom(p);
  for (int64_t attempt = 1; attempt <= p.Int("attempts"); attempt++) {
    Cluster c(ctx, opts);
    c.Event("attempt " + std::to_string(attempt));
    const int late = 2;
    c.Crash(late);
    const int leader = c.CheckOneLeader();
    const int voter = 1 - leader;
    // The trap works when this is the first election's term (late's first
    // candidacy comes from the same starting term); otherwise it is inert.
    c.Event("leader " + std::to_string(leader) + " in term " + std::to_string(c.GetState(leader).term));
    // The leader alone on one side; the voter and the late server together.
    c.Partition({{voter, late}, {leader}});
    c.Crash(voter);
    c.Restart(late);
    c.SleepUnscaled(Millis(p.Int("head_start_ms")));
    c.Restart(voter);
    // A second leader of the leader's term fails the test inside GetState.
    WatchElections(c, c.Scaled(Millis(p.Int("watch_ms"))));
    // The two connected servers are a majority: they must elect someone.
    c.CheckOneLeader();
    c.End();
  }
}

RAFTLAB_REGISTER_SCENARIO({"restart_vote",
                           "a voter that crashes right after voting must not vote again in that term",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("attempts", 5, "fresh clusters, each one trap"),
                            IntParam("head_start_ms", 200, "the late server starts this long before the voter"),
                            IntParam("watch_ms", 1500, "how long to watch for a second leader of term 1")},
                           &RestartVote, StepFixture::kRaft});

}  // namespace
}  // namespace raftlab::scenarios
