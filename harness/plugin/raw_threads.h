// The threads a plugin copy starts itself (std::thread, pthread_create),
// not through host->thread_start: the harness cannot join or count them as
// it does host threads (host_services.h), so a kill() that leaves one
// running would go unseen. labtest's pthread_create interposer
// (harness/labtest/sim_interpose.cc) asks WrapIfStartedByPlugin for every
// new thread; when the creating call came from code inside a plugin copy
// (copy_registry.h: each peer's private copy has its own address range, so
// the caller's address says whose thread it is), the thread runs under a
// wrapper that records whether it is still alive. After a peer's kill()
// returns, LiveRawThreadsIn(its copy's range) says how many of its own
// threads still run: a zombie, reported like one with host threads.
//
// A call is the plugin's when, walking up from pthread_create, the first
// frame outside the C and C++ runtime libraries lies in a plugin copy (a
// std::thread's pthread_create is called from libstdc++, on behalf of the
// plugin); threads the harness starts for a plugin (host->thread_start) are
// the harness's. Sanitizer builds of labtest have no interposer, and so no
// record.
//
// Thread safety: every function may be called from any thread. Ownership:
// records live in static storage for the process's life (a thread may
// outlive everything else).
#pragma once

#include <chrono>
#include <cstddef>

#include "harness/plugin/copy_registry.h"
#include "runtime/runtime.h"

namespace raftlab {

// When the caller (the interposer, called by whoever creates the thread)
// was reached from plugin code, replaces *start and *arg with a recording
// wrapper of them and returns a token for ThreadCreateFailed; else leaves
// them and returns nullptr.
void* WrapIfStartedByPlugin(void* (**start)(void*), void** arg);

// pthread_create failed for a wrapped thread: forget it.
void ThreadCreateFailed(void* token);

// How many recorded threads started from code in [range.start, range.end)
// are still alive.
size_t LiveRawThreadsIn(const PluginCopyRange& range);

// How long after kill() returns a peer's own threads get to end before
// they count as a zombie (scaled by --timeout-scale like every bound).
inline constexpr std::chrono::milliseconds kRawThreadExitGrace{500};

// LiveRawThreadsIn(range), after giving live ones up to `grace` (polled on
// `rt`) to end: a thread that was told to stop and is on its way out is not
// a zombie.
size_t RawThreadsStillAlive(Runtime& rt, const PluginCopyRange& range, Nanos grace);

}  // namespace raftlab
