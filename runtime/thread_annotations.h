// Clang thread-safety annotation macros (no-ops on other compilers).
// Thread safety: compile-time only.
#pragma once

#if defined(__clang__)
#define RAFTLAB_TSA(x) __attribute__((x))
#else
#define RAFTLAB_TSA(x)
#endif

#define CAPABILITY(x) RAFTLAB_TSA(capability(x))
#define SCOPED_CAPABILITY RAFTLAB_TSA(scoped_lockable)
#define GUARDED_BY(x) RAFTLAB_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) RAFTLAB_TSA(pt_guarded_by(x))
#define REQUIRES(...) RAFTLAB_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) RAFTLAB_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) RAFTLAB_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) RAFTLAB_TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) RAFTLAB_TSA(try_acquire_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS RAFTLAB_TSA(no_thread_safety_analysis)
