// timing.h: every timing constant of the Raft cluster fixture and the Raft
// scenarios, named, with the reason for its value (MIT 6.5840 tester values).
//
// Scaling rule: the fixture multiplies every DEADLINE and WAIT below by
// TestContext::timeout_scale() (--timeout-scale; sanitizer builds), through
// Cluster::Scaled(); CheckOneLeader scales its number of rounds instead of
// their length (see there). Two kinds of durations are deliberately NOT scaled,
// because scaling them would change what the test measures rather than how
// patient it is:
//   - measurement windows whose RPC budget is per unit of time (the 1 s idle
//     window of the RPC-count tests: 60 RPCs per 1 s);
//   - schedule jitter that shapes the fault pattern (Figure 8's random sleeps).
// Those call sites say so beside the constant they use.
//
// Thread safety: constants only.
#pragma once

#include <chrono>
#include <cstdint>

namespace raftlab::timing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The tests' idea of an election timeout (MIT RaftElectionTimeout). Not a
// Raft parameter: scenarios sleep this long to let a cluster settle or elect.
inline constexpr milliseconds kElectionTimeout{1000};

// CheckOneLeader: up to 10 rounds, each sleeping 450 ms + U(0..99) ms before
// polling. 10 rounds of about 0.5 s is where MIT's "elect a new leader within
// five seconds" comes from; the jitter avoids polling in lock step with a
// student's heartbeat period.
inline constexpr int kLeaderCheckRounds = 10;
inline constexpr milliseconds kLeaderCheckSleep{450};
inline constexpr int64_t kLeaderCheckJitterMs = 100;  // U(0..99) ms

// One(): up to 10 s overall to get one command committed; each attempt waits
// at most 2 s for the entry a leader accepted to commit (a leader that loses
// its term in the meantime is then retried), polling nCommitted every 20 ms.
// With no leader accepting, it waits 50 ms before trying every server again.
inline constexpr seconds kOneTotal{10};
inline constexpr seconds kOneAttempt{2};
inline constexpr milliseconds kOnePoll{20};
inline constexpr milliseconds kOneNoLeaderBackoff{50};

// Wait(): up to 30 polls of nCommitted; the sleep starts at 10 ms and doubles
// while under 1 s (10, 20, ..., 640, 1280, 1280 ...): about 30 s worst case,
// enough for a slow but correct follower to catch up after a partition heals.
inline constexpr int kWaitPolls = 30;
inline constexpr milliseconds kWaitFirstSleep{10};
inline constexpr milliseconds kWaitSleepCap{1000};

// kill() must return, with every thread it started joined, within this bound
// (ABI contract: "the harness waits a bounded time (default 5 s)"). A student
// kill() that misses it is reported as a zombie, by peer.
inline constexpr seconds kKillBound{5};

// start(), get_state() and snapshot() must return at once (the ABI says so).
// A call still running after this long is reported with the likely cause
// (a lock held while blocking, e.g. while calling host->apply).
inline constexpr seconds kHarnessCallBound{5};

// After a crash, RPC handlers and start()/get_state() calls that were already
// inside the old instance must drain before destroy(); they are short calls,
// so the same bound applies.
inline constexpr seconds kDrainBound{5};

// Sleep before the first term check of the initial-election test (MIT: 50 ms,
// so that followers have heard the new leader's first heartbeat).
inline constexpr milliseconds kTermSettle{50};

// The "nothing should commit" windows of the no-agreement tests (MIT: 2 s):
// long enough for a buggy leader to commit without a majority.
inline constexpr seconds kNoCommitWindow{2};

// The backup test lets a partitioned leader try to replicate its
// uncommittable commands for half a second (MIT: 500 ms).
inline constexpr milliseconds kPartitionedLeaderWindow{500};

// Retry pause of the concurrent-starts and RPC-count tests when the term
// moved on (MIT: 3 s, "give the solution some time to settle").
inline constexpr seconds kSettleBeforeRetry{3};

// The idle window of the RPC-count tests: its budget (60 RPCs) is per 1 s of
// real time, so this window is NOT scaled.
inline constexpr seconds kIdleWindow{1};

// Churn: the main thread acts every 0.7 x election timeout (MIT: 700 ms).
inline constexpr milliseconds kChurnStep{700};

// Figure 8 schedule (MIT): with probability 10% sleep U(0..499) ms, else
// U(0..12) ms. Schedule jitter: NOT scaled.
inline constexpr int64_t kFigure8LongSleepMs = 500;
inline constexpr int64_t kFigure8ShortSleepMs = 13;

// SJTU part 4: after the fixture asks for snapshots, 2 s for them to be
// persisted and (for a rejoining follower) installed.
inline constexpr seconds kSnapshotSettle{2};

// MIT 3D: the tester snapshots after every 10 applied entries, and the
// persisted Raft state must stay under 2000 bytes.
inline constexpr int kSnapshotInterval = 10;

// The applier's watchdog on a snapshot() call it makes (see kHarnessCallBound).
inline constexpr seconds kSnapshotCallBound{5};


}  // namespace raftlab::timing
