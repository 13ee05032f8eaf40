// Looking inside a test child that ran past its timeout, before it is killed:
// what its threads were doing (from /proc/PID/task/*/stat: all sleeping
// suggests a deadlock, some running with CPU time rising suggests a busy
// loop), and every thread's stack (eu-stack, else gdb; says so when neither
// is installed). Identical stacks (N idle timer threads) are printed once
// with the list of threads that share them.
//
// Thread safety: free functions, no shared state. Ownership: by value.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace raftlab {

struct ThreadSample {
  int tid = 0;
  std::string name;  // comm, e.g. "raft-ticker"
  char state = '?';  // R running, S sleeping, D disk wait, T stopped, Z zombie
  uint64_t cpu_ticks = 0;  // utime + stime in clock ticks
  std::string wchan;       // kernel wait channel, e.g. "futex_wait_queue" ("" if unknown)
};

// Reads /proc/PID/task/*. Empty when the process is gone.
std::vector<ThreadSample> SampleThreads(pid_t pid);

// Compares two samples taken `interval_s` apart and says in words what the
// process was doing, followed by one line per thread (name, state, CPU).
std::string AnalyseHang(const std::vector<ThreadSample>& before, const std::vector<ThreadSample>& after,
                        double interval_s);

// Samples, waits `interval`, samples again and analyses (uses rt to sleep).
std::string AnalyseHangNow(Runtime& rt, pid_t pid, Nanos interval);

// Every thread's stack of process `pid`, headed by the tool used, or a line
// saying why there is none. Never fails: problems are described in the text.
std::string DumpThreadStacks(Runtime& rt, pid_t pid, Nanos tool_timeout);

// Prints each distinct stack once: blocks start at lines beginning "TID "
// (eu-stack) or "Thread " (gdb); blocks with identical bodies are merged.
std::string CollapseIdenticalStacks(const std::string& dump);

}  // namespace raftlab
