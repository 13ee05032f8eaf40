/*
 * bad_raft: fake Raft plugins that break one safety or lifecycle rule on
 * purpose, so the cluster fixture's checkers can be shown to fire. Each is
 * the same source built with one macro (see CMakeLists.txt):
 *
 *   BAD_TWO_LEADERS     peers 0 and 1 both claim to lead term 1
 *                       -> "election safety violated: term 1 has leaders 0 and 1"
 *   BAD_OUT_OF_ORDER    every peer applies index 1, then index 3
 *                       -> "server i apply out of order: expected index 2, got 3"
 *   BAD_DIVERGENT       peer i applies "peer-i" at index 1
 *                       -> "commit index=1 server=i peer-i != server=j peer-j"
 *   BAD_ZOMBIE_THREAD   kill() returns without stopping its worker thread
 *                       -> "kill() returned but 1 thread it started is still running"
 *   BAD_KILL_HANGS      kill() never returns
 *                       -> "kill() did not return within ..."
 *
 * Apart from the rule it breaks, each behaves: a worker thread started
 * through the host does its (mis)deed once and then sleeps until killed.
 */
#include <raftlab/raftlab.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bad_peer {
  const raftlab_host *host;
  int32_t me;
  raftlab_thread *worker;
  raftlab_mutex *mu;
  raftlab_cond *never; /* nobody ever signals it */
} bad_peer;

static void apply_command(bad_peer *p, int64_t index, const char *cmd) {
  raftlab_apply_msg m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  m.kind = RAFTLAB_APPLY_COMMAND;
  m.index = index;
  m.term = 1;
  m.data = (const uint8_t *)cmd;
  m.len = strlen(cmd);
  p->host->apply(p->host, &m);
}

static void block_forever(bad_peer *p) {
  p->host->mutex_lock(p->host, p->mu);
  for (;;) p->host->cond_wait(p->host, p->never, p->mu);
}

static void worker_main(void *arg) {
  bad_peer *p = (bad_peer *)arg;
#if defined(BAD_OUT_OF_ORDER)
  apply_command(p, 1, "x1");
  apply_command(p, 3, "x3");
#elif defined(BAD_DIVERGENT)
  char cmd[32];
  snprintf(cmd, sizeof cmd, "peer-%d", (int)p->me);
  apply_command(p, 1, cmd);
#else
  (void)apply_command;
#endif
#if defined(BAD_ZOMBIE_THREAD)
  block_forever(p); /* ignores killed() */
#else
  (void)block_forever;
  while (!p->host->killed(p->host)) p->host->sleep_ns(p->host, 10 * 1000 * 1000);
#endif
}

static raftlab_raft *bad_make(const raftlab_host *host, int32_t me, int32_t npeers) {
  (void)npeers;
  bad_peer *p = (bad_peer *)calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  p->host = host;
  p->me = me;
  p->mu = host->mutex_new(host);
  p->never = host->cond_new(host);
  p->worker = host->thread_start(host, "bad_raft worker", worker_main, p);
  return (raftlab_raft *)p;
}

static void bad_start(raftlab_raft *raft, const uint8_t *command, size_t len, int64_t *index, int64_t *term,
                      int32_t *is_leader) {
  (void)raft;
  (void)command;
  (void)len;
  *index = -1;
  *term = 0;
  *is_leader = 0;
}

static void bad_get_state(raftlab_raft *raft, int64_t *term, int32_t *is_leader) {
  bad_peer *p = (bad_peer *)raft;
#if defined(BAD_TWO_LEADERS)
  *term = 1;
  *is_leader = p->me <= 1;
#else
  (void)p;
  *term = 0;
  *is_leader = 0;
#endif
}

static int32_t bad_handle_rpc(raftlab_raft *raft, const char *method, const uint8_t *req, size_t req_len,
                              raftlab_sink *reply) {
  (void)raft;
  (void)method;
  (void)req;
  (void)req_len;
  (void)reply;
  return RAFTLAB_ERR_UNKNOWN_METHOD; /* nobody sends it anything */
}

static void bad_snapshot(raftlab_raft *raft, int64_t index, const uint8_t *snapshot, size_t len) {
  (void)raft;
  (void)index;
  (void)snapshot;
  (void)len;
}

static int64_t bad_persist_bytes(raftlab_raft *raft) {
  bad_peer *p = (bad_peer *)raft;
  return (int64_t)p->host->persist_state_size(p->host);
}

static void bad_kill(raftlab_raft *raft) {
  bad_peer *p = (bad_peer *)raft;
#if defined(BAD_KILL_HANGS)
  block_forever(p);
#elif defined(BAD_ZOMBIE_THREAD)
  (void)p; /* "forgets" to stop and join its worker */
#else
  p->host->thread_join(p->host, p->worker);
  p->worker = NULL;
#endif
}

static void bad_destroy(raftlab_raft *raft) {
  bad_peer *p = (bad_peer *)raft;
  p->host->cond_free(p->host, p->never);
  p->host->mutex_free(p->host, p->mu);
  free(p);
}

static const void *bad_get_extension(const char *id) {
  (void)id;
  return NULL;
}

static const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin),
    RAFTLAB_ABI_MAJOR,
    RAFTLAB_ABI_MINOR,
    0,
    "bad_raft",
    "1.0",
    bad_make,
    bad_start,
    bad_get_state,
    bad_handle_rpc,
    bad_snapshot,
    bad_persist_bytes,
    bad_kill,
    bad_destroy,
    bad_get_extension,
};

RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kPlugin;
}
