// Cluster: MIT's checking helpers (checkOneLeader, checkTerms, checkNoLeader,
// nCommitted, one, wait), with MIT's timing (harness/raft/timing.h) and messages.
#include <algorithm>
#include <cmath>
#include <map>

#include "harness/raft/cluster.h"
#include "harness/raft/timing.h"

namespace raftlab {

int Cluster::CheckOneLeader() {
  // --timeout-scale adds rounds rather than lengthening them: the RPC-count
  // tests measure the first election by the RPCs sent during exactly one
  // MIT-sized round, so a round must stay 450-549 ms.
  const double scale = ctx_.timeout_scale() > 0 ? ctx_.timeout_scale() : 1.0;
  const int rounds = std::max(1, static_cast<int>(std::lround(timing::kLeaderCheckRounds * scale)));
  for (int round = 0; round < rounds; round++) {
    SleepUnscaled(timing::kLeaderCheckSleep + Millis(Random(0, timing::kLeaderCheckJitterMs - 1)));
    std::map<int64_t, std::vector<int>> leaders;  // term -> servers claiming it
    for (int i = 0; i < n_; i++) {
      if (!IsConnected(i) || !IsUp(i)) continue;
      const State s = GetState(i);  // election safety is checked inside
      if (s.is_leader) leaders[s.term].push_back(i);
    }
    for (const auto& [term, ids] : leaders) {
      if (ids.size() > 1) {
        Fail("term " + std::to_string(term) + " has " + std::to_string(ids.size()) + " (>1) leaders");
      }
    }
    if (!leaders.empty()) return leaders.rbegin()->second.front();  // leader of the newest term
  }
  Fail("expected one leader, got none");
}

int64_t Cluster::CheckTerms() {
  int64_t term = -1;
  for (int i = 0; i < n_; i++) {
    if (!IsConnected(i) || !IsUp(i)) continue;
    const int64_t t = GetState(i).term;
    if (term == -1) {
      term = t;
    } else if (t != term) {
      Fail("servers disagree on term (" + std::to_string(term) + " and " + std::to_string(t) +
           " among connected servers)");
    }
  }
  return term;
}

void Cluster::CheckNoLeader() {
  for (int i = 0; i < n_; i++) {
    if (!IsConnected(i) || !IsUp(i)) continue;
    const State s = GetState(i);
    if (s.is_leader) {
      Fail("expected no leader among connected servers, but " + std::to_string(i) + " claims to be leader in term " +
           std::to_string(s.term) + " (a leader needs votes from a majority of ALL servers)");
    }
  }
}

ApplyChecker::Committed Cluster::NCommitted(int64_t index) {
  ThrowIfFailed();  // an apply error found by an applier fails here at the latest
  return checker_.NCommitted(index);
}

int64_t Cluster::One(const Command& cmd, int expected, bool retry) {
  const Nanos t0 = rt_.now();
  const Nanos total = Scaled(timing::kOneTotal);
  const Nanos attempt = Scaled(timing::kOneAttempt);
  int starts = 0;
  std::string last_try = "no server accepted it as leader";
  while (rt_.now() - t0 < total) {
    ThrowIfFailed();
    // Try every connected, live server round-robin until one is leader.
    int64_t index = -1;
    for (int si = 0; si < n_; si++) {
      starts = (starts + 1) % n_;
      if (!IsConnected(starts) || !IsUp(starts)) continue;
      const StartResult r = Start(starts, cmd);
      if (r.is_leader) {
        index = r.index;
        break;
      }
    }
    if (index != -1) {
      // Somebody claimed to be leader and submitted the command: wait a while for agreement.
      const Nanos t1 = rt_.now();
      ApplyChecker::Committed c;
      while (rt_.now() - t1 < attempt) {
        c = NCommitted(index);
        if (c.count > 0 && c.count >= expected && c.command == cmd) return index;
        SleepUnscaled(timing::kOnePoll);  // a poll period, not a deadline
      }
      last_try = "the leader put it at index " + std::to_string(index) + "; " + std::to_string(c.count) + " of " +
                 std::to_string(expected) + " servers committed " +
                 (c.command ? (c.command == cmd ? std::string("it") : DescribeCommand(*c.command)) : "anything") +
                 " there within " + std::to_string(std::chrono::duration_cast<Millis>(attempt).count()) + " ms";
      if (!retry) Fail("one(" + DescribeCommand(cmd) + ") failed to reach agreement (" + last_try + ")");
    } else {
      Sleep(timing::kOneNoLeaderBackoff);
    }
  }
  Fail("one(" + DescribeCommand(cmd) + ") failed to reach agreement within " +
       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(total).count()) + " s (" + last_try + ")");
}

std::optional<Command> Cluster::Wait(int64_t index, int n, int64_t start_term) {
  Nanos to = timing::kWaitFirstSleep;
  for (int iters = 0; iters < timing::kWaitPolls; iters++) {
    if (NCommitted(index).count >= n) break;
    Sleep(to);
    if (to < timing::kWaitSleepCap) to *= 2;
    if (start_term > -1) {
      for (int i = 0; i < n_; i++) {
        if (!IsUp(i)) continue;
        if (GetState(i).term > start_term) return std::nullopt;  // someone moved on: the caller retries
      }
    }
  }
  const ApplyChecker::Committed c = NCommitted(index);
  if (c.count < n) {
    Fail("only " + std::to_string(c.count) + " decided for index " + std::to_string(index) + "; wanted " +
         std::to_string(n));
  }
  return c.command;
}

bool Cluster::TermMovedOn(int64_t term) {
  for (int i = 0; i < n_; i++) {
    if (!IsUp(i)) continue;
    if (GetState(i).term != term) return true;
  }
  return false;
}

}  // namespace raftlab
