/*
 * raw_threads_plugin: a plugin that never elects a leader (like ok_plugin)
 * and keeps time with the operating system instead of the host, for the
 * import scan of `labtest --sim` (tests/harness/plugin/import_scan_test.cc).
 * It is a correct plugin in real time; under --sim it must be refused.
 *
 *   (default)            its ticker is a pthread_create thread that reads
 *                        clock_gettime and sleeps with nanosleep, joined
 *                        with pthread_join: refused
 *   RAW_MUTEX_ONLY       the ticker is a host thread sleeping with
 *                        host->sleep_ns; only a pthread mutex (a leaf lock)
 *                        guards its counter: warned, not refused
 *   SNEAKY_SLEEP         (with RAW_MUTEX_ONLY) promises to use only the
 *                        host's services (flags) but sleeps with usleep found
 *                        through dlsym, which the import scan cannot see:
 *                        labtest's interposer must fail the run by name
 *                        (harness/labtest/sim_interpose.cc)
 */
#include <raftlab/raftlab.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifndef RAW_MUTEX_ONLY
#include <time.h>
#endif
#ifdef SNEAKY_SLEEP
#include <dlfcn.h>
#endif

typedef struct raw_peer {
  const raftlab_host *host;
  pthread_mutex_t mu; /* guards ticks and stop */
  int64_t ticks;
  int stop;
#ifdef RAW_MUTEX_ONLY
  raftlab_thread *ticker;
#else
  pthread_t ticker;
#endif
} raw_peer;

static int tick(raw_peer *p) {
  pthread_mutex_lock(&p->mu);
  p->ticks++;
  const int stop = p->stop;
  pthread_mutex_unlock(&p->mu);
  return stop;
}

#ifdef RAW_MUTEX_ONLY
static void ticker_main(void *arg) {
  raw_peer *p = (raw_peer *)arg;
#ifdef SNEAKY_SLEEP
  int (*snooze)(unsigned) = (int (*)(unsigned))dlsym(RTLD_DEFAULT, "usleep");
  while (!tick(p) && !p->host->killed(p->host)) {
    if (snooze) {
      snooze(10 * 1000);
    } else {
      p->host->sleep_ns(p->host, 10 * 1000 * 1000);
    }
  }
#else
  while (!tick(p) && !p->host->killed(p->host)) p->host->sleep_ns(p->host, 10 * 1000 * 1000);
#endif
}
#else
static void *ticker_main(void *arg) {
  raw_peer *p = (raw_peer *)arg;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  const struct timespec pause = {0, 10 * 1000 * 1000};
  while (!tick(p)) {
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < start.tv_sec) break; /* a monotonic clock never goes back */
  }
  return NULL;
}
#endif

static raftlab_raft *raw_make(const raftlab_host *host, int32_t me, int32_t npeers) {
  (void)me;
  (void)npeers;
  raw_peer *p = (raw_peer *)calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  p->host = host;
  pthread_mutex_init(&p->mu, NULL);
#ifdef RAW_MUTEX_ONLY
  p->ticker = host->thread_start(host, "raw ticker", ticker_main, p);
#else
  if (pthread_create(&p->ticker, NULL, ticker_main, p) != 0) {
    free(p);
    return NULL;
  }
#endif
  return (raftlab_raft *)p;
}

static void raw_start(raftlab_raft *raft, const uint8_t *command, size_t len, int64_t *index, int64_t *term,
                      int32_t *is_leader) {
  (void)raft;
  (void)command;
  (void)len;
  *index = -1;
  *term = 0;
  *is_leader = 0;
}

static void raw_get_state(raftlab_raft *raft, int64_t *term, int32_t *is_leader) {
  (void)raft;
  *term = 0;
  *is_leader = 0;
}

static int32_t raw_handle_rpc(raftlab_raft *raft, const char *method, const uint8_t *req, size_t req_len,
                              raftlab_sink *reply) {
  (void)raft;
  (void)req;
  (void)req_len;
  (void)reply;
  (void)method;
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}

static void raw_snapshot(raftlab_raft *raft, int64_t index, const uint8_t *snapshot, size_t len) {
  (void)raft;
  (void)index;
  (void)snapshot;
  (void)len;
}

static int64_t raw_persist_bytes(raftlab_raft *raft) {
  raw_peer *p = (raw_peer *)raft;
  return (int64_t)p->host->persist_state_size(p->host);
}

static void raw_kill(raftlab_raft *raft) {
  raw_peer *p = (raw_peer *)raft;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_mutex_unlock(&p->mu);
#ifdef RAW_MUTEX_ONLY
  if (p->ticker != NULL) p->host->thread_join(p->host, p->ticker);
  p->ticker = NULL;
#else
  pthread_join(p->ticker, NULL);
#endif
}

static void raw_destroy(raftlab_raft *raft) {
  raw_peer *p = (raw_peer *)raft;
  pthread_mutex_destroy(&p->mu);
  free(p);
}

static const void *raw_get_extension(const char *id) {
  (void)id;
  return NULL;
}

static const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin),
    RAFTLAB_ABI_MAJOR,
    RAFTLAB_ABI_MINOR,
    0,
    "raw-threads-plugin",
    "1.0",
    raw_make,
    raw_start,
    raw_get_state,
    raw_handle_rpc,
    raw_snapshot,
    raw_persist_bytes,
    raw_kill,
    raw_destroy,
    raw_get_extension,
#ifdef SNEAKY_SLEEP
    RAFTLAB_PLUGIN_HOST_THREADS_ONLY, /* a promise it does not keep */
#else
    0, /* flags: promises nothing */
#endif
};

RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kPlugin;
}
