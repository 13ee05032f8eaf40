/*
 * global_counter: a valid plugin with one file-static counter. make()
 * increments it and get_state() reports it as the term, so a test can see
 * whether two instances share the variable (same copy of the .so) or not
 * (distinct copies). No threads; never elects.
 * Built a second time with GC_LOAD_ONCE as load_once.so, whose table sets
 * RAFTLAB_PLUGIN_LOAD_ONCE: then every instance shares the one image.
 */
#include <raftlab/raftlab.h>

#include <stdlib.h>

static int64_t g_instances_made; /* the global under test */

static raftlab_raft *gc_make(const raftlab_host *host, int32_t me, int32_t npeers) {
  (void)host;
  (void)me;
  (void)npeers;
  ++g_instances_made;
  return (raftlab_raft *)malloc(1);
}

static void gc_start(raftlab_raft *raft, const uint8_t *command, size_t len, int64_t *index, int64_t *term,
                     int32_t *is_leader) {
  (void)raft;
  (void)command;
  (void)len;
  *index = -1;
  *term = g_instances_made;
  *is_leader = 0;
}

static void gc_get_state(raftlab_raft *raft, int64_t *term, int32_t *is_leader) {
  (void)raft;
  *term = g_instances_made;
  *is_leader = 0;
}

static int32_t gc_handle_rpc(raftlab_raft *raft, const char *method, const uint8_t *req, size_t req_len,
                             raftlab_sink *reply) {
  (void)raft;
  (void)method;
  (void)req;
  (void)req_len;
  (void)reply;
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}

static void gc_snapshot(raftlab_raft *raft, int64_t index, const uint8_t *snapshot, size_t len) {
  (void)raft;
  (void)index;
  (void)snapshot;
  (void)len;
}

static int64_t gc_persist_bytes(raftlab_raft *raft) {
  (void)raft;
  return 0;
}

static void gc_kill(raftlab_raft *raft) { (void)raft; }
static void gc_destroy(raftlab_raft *raft) { free(raft); }

static const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin), RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR, 0,
#ifdef GC_LOAD_ONCE
    "load_once",
#else
    "global_counter",
#endif
    "1.0",
    gc_make, gc_start, gc_get_state, gc_handle_rpc, gc_snapshot, gc_persist_bytes, gc_kill, gc_destroy,
    NULL, /* no extensions */
#ifdef GC_LOAD_ONCE
    RAFTLAB_PLUGIN_LOAD_ONCE,
#else
    0,
#endif
};

RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kPlugin;
}
