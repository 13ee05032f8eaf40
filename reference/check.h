// check.h: invariant checks for the reference Raft.
//
// REF_CHECK(cond): always on. For cheap checks whose failure means the
//   reference itself is broken; it logs to stderr and aborts, which the
//   harness reports as a crash with the message.
// REF_DCHECK(cond): on in debug builds, or when RAFTLAB_REF_DEBUG_CHECKS is
//   defined (the unit tests define it); for checks that cost O(log size).
#ifndef RAFTLAB_REFERENCE_CHECK_H_
#define RAFTLAB_REFERENCE_CHECK_H_

#include <cstdio>
#include <cstdlib>

namespace raftlab::ref {

[[noreturn]] inline void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "raftlab reference: invariant violated: %s at %s:%d\n", cond, file, line);
  std::abort();
}

}  // namespace raftlab::ref

#define REF_CHECK(cond) \
  ((cond) ? (void)0 : ::raftlab::ref::CheckFailed(#cond, __FILE__, __LINE__))

#if !defined(NDEBUG) || defined(RAFTLAB_REF_DEBUG_CHECKS)
#define REF_DCHECK(cond) REF_CHECK(cond)
#define REF_DCHECK_IS_ON 1
#else
#define REF_DCHECK(cond) ((void)0)
#define REF_DCHECK_IS_ON 0
#endif

#endif  // RAFTLAB_REFERENCE_CHECK_H_
