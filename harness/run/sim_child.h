// The test child's side of labtest --sim (runtime/sim_runtime.h), and the
// parent's reading of what it left: the simulated runtime a child runs on,
// the verdict text of a halted simulation, and the scheduling-point trace
// that --check-determinism compares between two runs of one seed.
//
// Trace file (sim_trace.txt beside result.json; text, one record a line):
//   # raftlab sim trace 1
//   thread <id> <name>                       one per simulated thread
//   <clock_ns> <thread id> <op> <object>      one per scheduling point, in order
//
// Thread safety: plain functions; WriteSimTraceToFd reads the runtime under
// its own lock. Ownership: nothing is kept.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/sim_runtime.h"
#include "runtime/status.h"

namespace raftlab {

// The run's simulated runtime: seeded with the run's seed, halted at the
// test's time limit (virtual seconds), recording every point when
// `record_trace`.
std::unique_ptr<SimRuntime> MakeChildSimRuntime(uint64_t seed, double limit_s, bool record_trace);

// Moves the calling process (call it before any thread starts: threads
// inherit it) onto ONE of the CPUs it may use. Under simulation only one
// thread runs at a time, and a hand-over between threads on one CPU is a
// plain context switch, where across CPUs it also costs an inter-processor
// wake-up (on a virtual machine about three times the price). Parallel
// children spread out evenly: each takes the first free slot, trying slot 0
// of every CPU ("<lock_dir>/sim-cpu-<n>-0.lock"), then slot 1 of every CPU
// ("sim-cpu-<n>-1.lock"), and so on; a slot is an flock held until the
// process ends. So with more children than CPUs each CPU gets its share,
// never most of them. Returns the CPU, or -1 when the process was left as
// it was (one CPU only, or affinity refused).
int PinToOneCpu(const std::string& lock_dir);

// The failure a halt becomes: "deadlock (under --sim): ...", "test took
// longer than 10 seconds of simulated time ...", or the watchdog's sentence.
std::string SimHaltMessage(SimHaltKind kind, const std::string& why, double limit_s);

// The failure labtest's interposers (harness/labtest/sim_interpose.cc) give a
// run whose plugin called `call` (a real sleep, pthread_create) on the
// simulated thread `thread`.
std::string SimEscapeMessage(const std::string& call, const std::string& thread);

// Whether a simulated run's failure message is one of the two above that
// blame the simulator's limits rather than the Raft: the watchdog (a thread
// blocked or spinning outside the host services) or an interposer (a real
// sleep or a thread of the plugin's own). Such a plugin is not simulation-
// ready; in real time it may well be correct. `grade.sh --sim-seeds`
// (harness/grade/sim_column.h) does not count these runs as failures. A
// deadlock or the virtual time limit is a verdict on the Raft: false.
bool IsSimulatorLimitMessage(std::string_view message);

// What a run's simulation amounted to at one moment.
struct SimSummary {
  uint64_t points = 0;
  uint64_t switches = 0;
  uint64_t hash = 0;
  double seconds = 0;  // the virtual clock
  static SimSummary Of(const SimRuntime& sim);
};

// "<folder of result_file>/sim_trace.txt".
std::string SimTracePath(const std::string& result_file);

// Writes the first `points` recorded points (best effort; fd < 0: nothing).
void WriteSimTraceToFd(int fd, const SimRuntime& sim, uint64_t points);

struct SimTrace {
  std::vector<std::string> names;  // by thread id; [0] unused
  std::vector<SimRuntime::TracePoint> points;
};
StatusOr<SimTrace> ReadSimTrace(const std::string& path);

// Where two traces of one seed part: "" when they agree, else a few lines
// naming the first differing scheduling point of each run and the last one
// they shared.
std::string FirstDivergence(const SimTrace& a, const SimTrace& b);

}  // namespace raftlab
