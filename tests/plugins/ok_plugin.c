/*
 * ok_plugin: the smallest valid raftlab plugin. It never elects a leader:
 * start() always answers "not leader" and get_state() reports term 0. It runs
 * one background thread through the host (sleep, killed) and joins it in
 * kill(), so it behaves as a well-mannered peer for harness tests. It also
 * answers "Raft.Echo" by echoing the request, so tests can check RPC wiring.
 *
 * The same source builds several deliberately broken plugins for the loader
 * tests, each selected by one macro (see CMakeLists.txt):
 *   BROKEN_ABI_MAJOR=n     reports ABI major n
 *   BROKEN_NULL_ENTRY      raftlab_entry returns NULL
 *   BROKEN_NO_KILL         the kill function pointer is NULL
 *   BROKEN_STRUCT_SIZE=n   struct_size is n bytes
 *   BROKEN_UNRESOLVED      calls a function that nothing defines
 */
#include <raftlab/raftlab.h>

#include <stdlib.h>
#include <string.h>

typedef struct ok_peer {
  const raftlab_host *host;
  raftlab_thread *ticker;
} ok_peer;

#ifdef BROKEN_UNRESOLVED
/* Declared but defined nowhere: dlopen(RTLD_NOW) must fail on it. */
extern int raftlab_test_function_nobody_defines(int);
#endif

static void ticker_main(void *arg) {
  ok_peer *p = (ok_peer *)arg;
  while (!p->host->killed(p->host)) p->host->sleep_ns(p->host, 10 * 1000 * 1000);
}

static raftlab_raft *ok_make(const raftlab_host *host, int32_t me, int32_t npeers) {
  (void)me;
  (void)npeers;
#ifdef BROKEN_UNRESOLVED
  if (raftlab_test_function_nobody_defines(me) != 0) return NULL;
#endif
  ok_peer *p = (ok_peer *)calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  p->host = host;
  p->ticker = host->thread_start(host, "ok_plugin ticker", ticker_main, p);
  return (raftlab_raft *)p;
}

static void ok_start(raftlab_raft *raft, const uint8_t *command, size_t len, int64_t *index, int64_t *term,
                     int32_t *is_leader) {
  (void)raft;
  (void)command;
  (void)len;
  *index = -1;
  *term = 0;
  *is_leader = 0;
}

static void ok_get_state(raftlab_raft *raft, int64_t *term, int32_t *is_leader) {
  (void)raft;
  *term = 0;
  *is_leader = 0;
}

static int32_t ok_handle_rpc(raftlab_raft *raft, const char *method, const uint8_t *req, size_t req_len,
                             raftlab_sink *reply) {
  (void)raft;
  if (strcmp(method, "Raft.Echo") != 0) return RAFTLAB_ERR_UNKNOWN_METHOD;
  reply->write(reply, req, req_len);
  return RAFTLAB_OK;
}

static void ok_snapshot(raftlab_raft *raft, int64_t index, const uint8_t *snapshot, size_t len) {
  (void)raft;
  (void)index;
  (void)snapshot;
  (void)len;
}

static int64_t ok_persist_bytes(raftlab_raft *raft) {
  ok_peer *p = (ok_peer *)raft;
  return (int64_t)p->host->persist_state_size(p->host);
}

/* unused in the BROKEN_NO_KILL variant */
__attribute__((unused)) static void ok_kill(raftlab_raft *raft) {
  ok_peer *p = (ok_peer *)raft;
  if (p->ticker != NULL) p->host->thread_join(p->host, p->ticker);
  p->ticker = NULL;
}

static void ok_destroy(raftlab_raft *raft) { free(raft); }

static const void *ok_get_extension(const char *id) {
  (void)id;
  return NULL;
}

#ifndef BROKEN_ABI_MAJOR
#define BROKEN_ABI_MAJOR RAFTLAB_ABI_MAJOR
#endif
#ifndef BROKEN_STRUCT_SIZE
#define BROKEN_STRUCT_SIZE sizeof(raftlab_plugin)
#endif
#ifdef BROKEN_NO_KILL
#define OK_KILL NULL
#else
#define OK_KILL ok_kill
#endif

static const raftlab_plugin kPlugin = {
    (uint32_t)BROKEN_STRUCT_SIZE,
    BROKEN_ABI_MAJOR,
    RAFTLAB_ABI_MINOR,
    0,
    "ok_plugin",
    "1.0",
    ok_make,
    ok_start,
    ok_get_state,
    ok_handle_rpc,
    ok_snapshot,
    ok_persist_bytes,
    OK_KILL,
    ok_destroy,
    ok_get_extension,
    0, /* flags: promises nothing (ABI 1.1) */
};

RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
#ifdef BROKEN_NULL_ENTRY
  (void)kPlugin;
  return NULL;
#else
  return &kPlugin;
#endif
}
