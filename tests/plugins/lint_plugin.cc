// lint_plugin: valid plugins that export shared state on purpose, for the
// lint tests (tests/harness/plugin/lint_test.cc) and the loader test of copies that
// glibc cannot unload. Built WITHOUT -fvisibility=hidden (lint_plugins.cmake)
// so the compiler exports what it would for a careless student:
//
//   LINT_UNIQUE    an inline function with a static local (a Meyers-style
//                  counter): g++ emits it as STB_GNU_UNIQUE, so every copy of
//                  the library shares ONE counter
//   LINT_WRITABLE  an exported writable global (and a const table and a
//                  cgo runtime global, which the lint must NOT report)
//
// make() bumps a file-static counter (separate per copy) and the shared
// counter; get_state() reports them as (term, is_leader) so a test can see
// which is shared.
#include <raftlab/raftlab.h>

#include <cstdint>
#include <cstdlib>

namespace lint_plugin {

#if defined(LINT_UNIQUE)
inline int& SharedCounter() {
  static int n = 0;  // STB_GNU_UNIQUE: one per process, not per copy
  return n;
}
#else
inline int SharedCounterValue() { return 0; }
#endif

}  // namespace lint_plugin

#if defined(LINT_WRITABLE)
int64_t raftlab_lint_writable_global = 0;           // exported, writable: reported
extern const int64_t raftlab_lint_const_table[4];   // exported, read-only: not reported
const int64_t raftlab_lint_const_table[4] = {1, 2, 3, 4};
// What cgo's runtime exports from every Go plugin (x_cgo_inittls and the
// like): writable, but not the student's state, so NOT reported.
extern "C" {
void* x_cgo_inittls = nullptr;
}
#endif

namespace {

int64_t g_made = 0;  // file-static: one per copy

raftlab_raft* Make(const raftlab_host*, int32_t, int32_t) {
  ++g_made;
#if defined(LINT_UNIQUE)
  ++lint_plugin::SharedCounter();
#endif
#if defined(LINT_WRITABLE)
  ++raftlab_lint_writable_global;
#endif
  return static_cast<raftlab_raft*>(std::malloc(1));
}

int32_t Shared() {
#if defined(LINT_UNIQUE)
  return lint_plugin::SharedCounter();
#else
  return lint_plugin::SharedCounterValue();
#endif
}

void Start(raftlab_raft*, const uint8_t*, size_t, int64_t* index, int64_t* term, int32_t* is_leader) {
  *index = -1;
  *term = g_made;
  *is_leader = 0;
}
void GetState(raftlab_raft*, int64_t* term, int32_t* is_leader) {
  *term = g_made;
  *is_leader = Shared();
}
int32_t HandleRpc(raftlab_raft*, const char*, const uint8_t*, size_t, raftlab_sink*) {
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}
void Snapshot(raftlab_raft*, int64_t, const uint8_t*, size_t) {}
int64_t PersistBytes(raftlab_raft*) { return 0; }
void Kill(raftlab_raft*) {}
void Destroy(raftlab_raft* raft) { std::free(raft); }
const void* GetExtension(const char*) { return nullptr; }

const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin), RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR, 0,         "lint_plugin", "1.0",
    Make,                   Start,             GetState,          HandleRpc, Snapshot,      PersistBytes,
    Kill,                   Destroy,           GetExtension,
};

}  // namespace

extern "C" RAFTLAB_EXPORT const raftlab_plugin* raftlab_entry(uint32_t, uint32_t) { return &kPlugin; }
