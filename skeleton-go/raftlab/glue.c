/*
 * glue.c: see glue.h. The table below is the plugin's raftlab_plugin; each
 * entry forwards to a Go function exported by export.go, passing the
 * instance as the integer handle Go gave out (runtime/cgo.Handle).
 */
#include "glue.h"

#include <string.h>

#include "_cgo_export.h"

static void rl_buf_write(raftlab_sink *s, const uint8_t *data, size_t len) {
  rl_buf *b = (rl_buf *)s->ctx;
  if (len == 0) return;
  if (b->len + len > b->cap) {
    size_t cap = b->cap == 0 ? 256 : b->cap;
    while (cap < b->len + len) cap *= 2;
    uint8_t *grown = (uint8_t *)realloc(b->data, cap);
    if (grown == NULL) abort(); /* out of memory: the harness reports the crash */
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

rl_buf *rl_buf_new(void) {
  rl_buf *b = (rl_buf *)calloc(1, sizeof(rl_buf));
  if (b == NULL) abort();
  b->sink.ctx = b;
  b->sink.write = rl_buf_write;
  return b;
}

void rl_buf_free(rl_buf *b) {
  if (b == NULL) return;
  free(b->data);
  free(b);
}

int32_t rl_host_call(const raftlab_host *h, int32_t peer, const char *method, const uint8_t *req, size_t len,
                     rl_buf *reply) {
  return h->call(h, peer, method, req, len, &reply->sink);
}

int32_t rl_host_apply(const raftlab_host *h, int32_t kind, int64_t index, int64_t term, const uint8_t *data,
                      size_t len) {
  raftlab_apply_msg m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  m.kind = kind;
  m.index = index;
  m.term = term;
  m.data = data;
  m.len = len;
  return h->apply(h, &m);
}

void rl_host_save(const raftlab_host *h, const uint8_t *state, size_t state_len, const uint8_t *snap,
                  size_t snap_len) {
  h->persist_save(h, state, state_len, snap, snap_len);
}
void rl_host_read_state(const raftlab_host *h, rl_buf *out) { h->persist_read_state(h, &out->sink); }
void rl_host_read_snapshot(const raftlab_host *h, rl_buf *out) { h->persist_read_snapshot(h, &out->sink); }
size_t rl_host_state_size(const raftlab_host *h) { return h->persist_state_size(h); }
size_t rl_host_snapshot_size(const raftlab_host *h) { return h->persist_snapshot_size(h); }
void rl_host_log(const raftlab_host *h, int32_t level, const char *text) { h->log(h, level, text); }
uint64_t rl_host_random(const raftlab_host *h) { return h->random_u64(h); }
int32_t rl_host_killed(const raftlab_host *h) { return h->killed(h); }
void rl_sink_write(raftlab_sink *s, const uint8_t *data, size_t len) { s->write(s, data, len); }

/* --- the plugin table ---------------------------------------------------- */

static raftlab_raft *rl_make(const raftlab_host *host, int32_t me, int32_t npeers) {
  return (raftlab_raft *)(uintptr_t)raftlabGoMake((raftlab_host *)host, me, npeers);
}

static void rl_start(raftlab_raft *raft, const uint8_t *command, size_t len, int64_t *index, int64_t *term,
                     int32_t *is_leader) {
  raftlabGoStart((uintptr_t)raft, (uint8_t *)command, len, index, term, is_leader);
}

static void rl_get_state(raftlab_raft *raft, int64_t *term, int32_t *is_leader) {
  raftlabGoGetState((uintptr_t)raft, term, is_leader);
}

static int32_t rl_handle_rpc(raftlab_raft *raft, const char *method, const uint8_t *req, size_t req_len,
                             raftlab_sink *reply) {
  return raftlabGoHandleRPC((uintptr_t)raft, (char *)method, (uint8_t *)req, req_len, reply);
}

static void rl_snapshot(raftlab_raft *raft, int64_t index, const uint8_t *snapshot, size_t len) {
  raftlabGoSnapshot((uintptr_t)raft, index, (uint8_t *)snapshot, len);
}

static int64_t rl_persist_bytes(raftlab_raft *raft) { return raftlabGoPersistBytes((uintptr_t)raft); }
static void rl_kill(raftlab_raft *raft) { raftlabGoKill((uintptr_t)raft); }
static void rl_destroy(raftlab_raft *raft) { raftlabGoDestroy((uintptr_t)raft); }
static const void *rl_get_extension(const char *id) {
  (void)id;
  return NULL; /* part 5 is not bridged for Go */
}

static const raftlab_plugin kTable = {
    sizeof(raftlab_plugin),
    RAFTLAB_ABI_MAJOR,
    RAFTLAB_ABI_MINOR,
    0,
    "student-raft-go",
    "0.1",
    rl_make,
    rl_start,
    rl_get_state,
    rl_handle_rpc,
    rl_snapshot,
    rl_persist_bytes,
    rl_kill,
    rl_destroy,
    rl_get_extension,
    /* One Go runtime per process: load this file once and make every peer on
     * it. NOT host-threads-only: Go schedules goroutines on threads of its
     * own, so labtest --sim cannot run this plugin. */
    RAFTLAB_PLUGIN_LOAD_ONCE,
};

RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kTable;
}
