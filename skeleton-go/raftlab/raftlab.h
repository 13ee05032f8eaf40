/*
 * raftlab.h: the stable C ABI between the raftlab harness (labtest) and a
 * student's Raft plugin (a shared library).
 *
 * This is the only header a plugin must include. It is plain C11 and also
 * valid C++. A C++ convenience layer over it lives in raftlab.hpp.
 *
 * Shape of the ABI (modelled on CLAP):
 *   - The plugin exports exactly one symbol, raftlab_entry(). It returns a
 *     const raftlab_plugin: a table of function pointers for the required
 *     Raft interface, plus get_extension() for optional parts (part 5).
 *   - The harness hands every instance a const raftlab_host: the services the
 *     instance may use (RPC, apply, Persister, log, randomness, clock, sleep,
 *     threads, locks, condition variables, the killed flag).
 *   - Every growable struct starts with struct_size; fields are only ever
 *     appended. A reader uses a field only when it lies inside struct_size.
 *   - Major version changes break; minor versions only append.
 *
 * Thread safety: each function says who may call it and when:
 *   [any-thread]      any thread, concurrently with other calls.
 *   [harness-thread]  a harness thread, never re-entered concurrently for
 *                     the same instance unless stated.
 *   [plugin-thread]   a thread the plugin runs (its own, or one it is called
 *                     on by the harness).
 *   [after-make, before-kill] and similar name the lifecycle window.
 *
 * Ownership: bytes cross the boundary as (pointer, length) and are borrowed
 * for the duration of the call only; whoever keeps them copies them.
 * Variable-size output goes through a raftlab_sink the caller provides, never
 * through memory allocated on one side and freed on the other.
 *
 * Peers of one cluster live in ONE process. The harness loads every peer
 * (and every restart of a peer) from its own private copy of the plugin file,
 * so ordinary globals and statics are not shared between peers and do not
 * survive a crash.
 *   Rationale: a Raft peer must only learn about the others through RPC. If
 *   two peers shared a global they could "communicate" through memory, and a
 *   crashed peer's memory would survive its restart; both hide real bugs.
 *   Caveat: g++ emits static locals of inline functions and static members of
 *   templates as STB_GNU_UNIQUE symbols, which the dynamic loader merges
 *   process-wide, even across copies. Build with -fvisibility=hidden (the
 *   skeleton does) or -fno-gnu-unique so that they stay private.
 *   Exception: a plugin that sets RAFTLAB_PLUGIN_LOAD_ONCE (a Go plugin) is
 *   loaded once per process, and all its peers share that one image; it
 *   must keep each peer's state in that peer's own objects.
 *
 * Errors never cross the boundary as C++ exceptions: the convenience layer's
 * glue catches everything and reports RAFTLAB_ERR_INTERNAL.
 */
#ifndef RAFTLAB_RAFTLAB_H_
#define RAFTLAB_RAFTLAB_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions and the entry symbol                                            */
/* ------------------------------------------------------------------------ */

#define RAFTLAB_ABI_MAJOR 1
#define RAFTLAB_ABI_MINOR 1

/* The one symbol a plugin exports (use RAFTLAB_EXPORT on its definition). */
#define RAFTLAB_ENTRY_SYMBOL "raftlab_entry"

#if defined(__GNUC__) || defined(__clang__)
#define RAFTLAB_EXPORT __attribute__((visibility("default")))
#else
#define RAFTLAB_EXPORT
#endif

/* Result codes shared by every function that returns int32_t status. */
enum {
  RAFTLAB_OK = 0,
  RAFTLAB_ERR_NO_KEY = 1,         /* clerk get/put: key absent             */
  RAFTLAB_ERR_VERSION = 2,        /* clerk put: version does not match     */
  RAFTLAB_ERR_MAYBE = 3,          /* clerk put: a resent put saw ErrVersion */
  RAFTLAB_ERR_WRONG_LEADER = 4,   /* rsm submit: not (or no longer) leader */
  RAFTLAB_ERR_UNKNOWN_METHOD = 5, /* handle_rpc: no such "Service.Method"  */
  RAFTLAB_ERR_KILLED = 6,         /* the instance was killed               */
  RAFTLAB_ERR_INTERNAL = 7        /* the plugin failed (e.g. an exception) */
};

/* Log levels for raftlab_host.log. */
enum {
  RAFTLAB_LOG_DEBUG = 0,
  RAFTLAB_LOG_INFO = 1,
  RAFTLAB_LOG_WARN = 2,
  RAFTLAB_LOG_ERROR = 3
};

/* ------------------------------------------------------------------------ */
/* Small shared types                                                       */
/* ------------------------------------------------------------------------ */

/*
 * A byte sink: where the receiver of a call writes variable-size output.
 * write() appends; it may be called any number of times (zero means "empty").
 * The sink and its ctx belong to whoever created it; it is valid only during
 * the call it was passed to. [the thread the sink was passed to]
 */
typedef struct raftlab_sink {
  void *ctx; /* owned by the sink's creator; opaque to the writer */
  /* data is borrowed for the call; the sink copies it. */
  void (*write)(struct raftlab_sink *self, const uint8_t *data, size_t len);
} raftlab_sink;

/* What raftlab_host.apply delivers: MIT's ApplyMsg. */
enum {
  RAFTLAB_APPLY_COMMAND = 1,  /* a committed log entry                      */
  RAFTLAB_APPLY_SNAPSHOT = 2  /* a snapshot installed from the leader       */
};

typedef struct raftlab_apply_msg {
  uint32_t struct_size; /* sizeof(raftlab_apply_msg) at the writer's version */
  int32_t kind;         /* RAFTLAB_APPLY_COMMAND or RAFTLAB_APPLY_SNAPSHOT   */
  int64_t index;        /* command index (from 1) or snapshot's last index   */
  int64_t term;         /* the entry's term or the snapshot's last term      */
  const uint8_t *data;  /* command or snapshot bytes; borrowed for the call  */
  size_t len;
} raftlab_apply_msg;

/* Opaque handles. Host objects are created and freed through the host. */
typedef struct raftlab_thread raftlab_thread;
typedef struct raftlab_mutex raftlab_mutex;
typedef struct raftlab_cond raftlab_cond;

/* Plugin instances: opaque to the harness, owned by the plugin. */
typedef struct raftlab_raft raftlab_raft;
typedef struct raftlab_rsm raftlab_rsm;
typedef struct raftlab_kvserver raftlab_kvserver;
typedef struct raftlab_clerk raftlab_clerk;

/* ------------------------------------------------------------------------ */
/* Host services                                                            */
/* ------------------------------------------------------------------------ */

/*
 * The services the harness gives to ONE instance (one Raft peer, one rsm or
 * KV server, or one clerk). Owned by the harness; valid from make() until the
 * instance's destroy() returns. Every function pointer is non-NULL. A service
 * that makes no sense for a role (a clerk persisting, say) is rejected and
 * reported as a student error, never a crash.
 *
 * Rationale for the runtime services (clock, sleep, threads, locks):
 * when a plugin uses these instead of raw OS calls, the harness can run it
 * under a simulated clock and a deterministic scheduler, which makes rare
 * interleavings reproducible from a seed. In the real-time runtime they map
 * directly onto OS threads, mutexes and a monotonic clock. In real-time mode
 * you may still use std::thread, std::mutex and std::chrono instead.
 *
 * Modes: a plain `labtest` run (and grading, and --race) uses REAL time.
 * The simulated runtime is opt-in: `labtest --sim`. A plugin is ready for
 * it when it sets RAFTLAB_PLUGIN_HOST_THREADS_ONLY (below) and passes the
 * import scan that --sim runs before any test (see that flag).
 *
 * Killing an instance (a Raft peer, an rsm or KV server), in this order:
 *   1. killed() starts returning 1; sleep_ns() wakes up at once; apply()
 *      returns RAFTLAB_ERR_KILLED, even one already blocked in it.
 *   2. The instance's network ends are cut. A call() already blocked inside
 *      the host returns 0 within about 100 ms (labrpc's death poll, plus
 *      scheduling), whatever it was waiting for: a reply, a dead peer's
 *      failure delay (otherwise up to 7 s), or a reply held back by long
 *      reordering (otherwise up to 2.2 s). In --sim this is 100 ms of
 *      virtual time.
 *   3. The plugin's kill() is called; it has 5 s (times --timeout-scale) to
 *      stop and join every thread, so threads blocked in call() get out in
 *      time. Do not add RPC timeouts of your own for this.
 * From step 1 on, call() returns 0 at once, apply() RAFTLAB_ERR_KILLED,
 * persist_save() saves nothing, and thread_start() returns NULL.
 *   Such a rejected call made between step 1 and kill() returning is NOT a
 *   failure: a thread that checked killed() just before step 1 makes it,
 *   and no correct plugin can avoid that race. The harness notes it in the
 *   run's events ("... after kill (rejected; during kill(), so not counted
 *   as an error)"). The same call once kill() has returned fails the test:
 *   it comes from a thread kill() did not join (a zombie). Each is reported
 *   once per function name.
 * A clerk has no kill(); see raftlab_clerk_ext for how it is stopped.
 */
typedef struct raftlab_host {
  uint32_t struct_size; /* sizeof(raftlab_host) at the harness's version */
  uint32_t abi_major;   /* the harness's RAFTLAB_ABI_MAJOR */
  uint32_t abi_minor;   /* the harness's RAFTLAB_ABI_MINOR */
  uint32_t reserved;    /* zero */
  void *host_ctx;       /* owned by the harness; do not touch */

  /* --- network (labrpc) ------------------------------------------------ */

  /*
   * Sends an RPC to peer `peer` (0 <= peer < npeers; a clerk: server index)
   * and blocks until it completes. method is "Service.Method", e.g.
   * "Raft.RequestVote". The service part routes the call: "Raft" reaches the
   * peer's raft (or rsm, or KV server) handle_rpc, "KVServer" a KV server's;
   * any other service fails the call and is reported as an unknown service.
   * The method part is yours: name your RPCs as you like ("Raft.Vote" works
   * as well as "Raft.RequestVote"); the harness passes it to handle_rpc
   * untouched, counts every RPC whatever its name, and no test looks at it.
   *   Rationale: the count and byte tests (3B-count, 3B-rpc-bytes, ...) use
   *   totals per run and per server, the timeline counts RPCs per pair of
   *   peers, and the late-duplicate tests replay recorded requests under the
   *   name they were sent with; none asks for "Raft.RequestVote",
   *   "Raft.AppendEntries" or "Raft.InstallSnapshot". A variant of the
   *   reference that names them Raft.Vote, Raft.Append and
   *   Raft.TakeSnapshot passes every graded test. What does fail is a name
   *   the receiving handle_rpc does not know: it returns
   *   RAFTLAB_ERR_UNKNOWN_METHOD, call() returns 0, and the test fails with
   *   "unknown RPC method 'Raft.X' on server server-N" (an unknown service:
   *   "unknown RPC service").
   * req is borrowed for the call. On success the reply
   * bytes are written to *reply and 1 is returned. Returns 0 when the
   * request or the reply was lost, the peer is dead, partitioned away or
   * disconnected: then nothing was written. May block up to about 7 s (a
   * partitioned peer answers late, like MIT's labrpc), so never hold a lock
   * across it and never call it from a function the harness calls (start,
   * get_state, handle_rpc). Once this instance is killed, a blocked call
   * returns 0 within about 100 ms (see "Killing an instance" above).
   * Returns 1 only if the handler ran AND its reply
   * came back. Do not add timeouts of your own. [any-thread]
   * [after-make, before-kill]
   */
  int32_t (*call)(const struct raftlab_host *host, int32_t peer,
                  const char *method, const uint8_t *req, size_t req_len,
                  raftlab_sink *reply);

  /*
   * Delivers one committed entry or installed snapshot to the service above
   * Raft, like sending on MIT's applyCh: it blocks until the harness's
   * applier has taken the message, which may call snapshot() on this
   * instance from another thread before apply() returns. So never hold the
   * lock that snapshot() needs while calling apply(). Commands must come in
   * index order, each exactly once. msg is borrowed for the call. Returns
   * RAFTLAB_OK, or RAFTLAB_ERR_KILLED when this instance was killed.
   * [plugin-thread] [after-make, before-kill]
   */
  int32_t (*apply)(const struct raftlab_host *host,
                   const raftlab_apply_msg *msg);

  /* --- Persister ---------------------------------------------------------- */

  /*
   * Atomically replaces the saved Raft state and snapshot with copies of
   * the given bytes. A NULL or empty snapshot stores an EMPTY snapshot and
   * erases an earlier one: once your log is trimmed, pass the current
   * snapshot on every save. [any-thread] [after-make, before-kill]
   */
  void (*persist_save)(const struct raftlab_host *host, const uint8_t *state,
                       size_t state_len, const uint8_t *snapshot,
                       size_t snapshot_len);
  /* Writes a copy of the saved Raft state (possibly empty) to *out. [any-thread] */
  void (*persist_read_state)(const struct raftlab_host *host, raftlab_sink *out);
  /* Writes a copy of the saved snapshot (possibly empty) to *out. [any-thread] */
  void (*persist_read_snapshot)(const struct raftlab_host *host,
                                raftlab_sink *out);
  /* Sizes in bytes of the saved state and snapshot. [any-thread] */
  size_t (*persist_state_size)(const struct raftlab_host *host);
  size_t (*persist_snapshot_size)(const struct raftlab_host *host);

  /* --- diagnostics and randomness ------------------------------------------ */

  /*
   * Records one log line (UTF-8, no trailing newline needed; text borrowed).
   * The harness stamps it with time and peer, keeps it per test, shows the
   * tail on failure and everything live with -v. Never blocks for long.
   * [any-thread]
   */
  void (*log)(const struct raftlab_host *host, int32_t level, const char *text);

  /*
   * A uniformly random 64-bit value from this instance's generator, derived
   * from the run's seed. Use it for election timeouts so that a seed replays
   * the same choices. [any-thread]
   */
  uint64_t (*random_u64)(const struct raftlab_host *host);

  /* --- runtime: clock and sleep --------------------------------------------- */

  /* Monotonic time in nanoseconds since an arbitrary origin. [any-thread] */
  int64_t (*now_ns)(const struct raftlab_host *host);
  /*
   * Sleeps for ns nanoseconds (returns at once for ns <= 0). Returns early
   * once the instance is killed, so loops that sleep then check killed()
   * end promptly. [plugin-thread] May block for ns.
   */
  void (*sleep_ns)(const struct raftlab_host *host, int64_t ns);

  /* --- runtime: threads ---------------------------------------------------------- */

  /*
   * Starts a thread running fn(arg). name (borrowed) labels it in stack
   * dumps and logs. Returns a handle that must be passed to thread_join
   * exactly once, before kill() returns; NULL if the thread could not be
   * created. arg is owned by the caller and must outlive the thread.
   * [any-thread] [after-make, before-kill]
   */
  raftlab_thread *(*thread_start)(const struct raftlab_host *host,
                                  const char *name, void (*fn)(void *arg),
                                  void *arg);
  /* Waits for the thread to finish and frees the handle. [plugin-thread] */
  void (*thread_join)(const struct raftlab_host *host, raftlab_thread *thread);

  /* --- runtime: mutexes and condition variables ---------------------------------- */

  /* A non-recursive mutex; free it (unlocked) before destroy() returns. */
  raftlab_mutex *(*mutex_new)(const struct raftlab_host *host);
  void (*mutex_free)(const struct raftlab_host *host, raftlab_mutex *m);
  void (*mutex_lock)(const struct raftlab_host *host, raftlab_mutex *m);
  void (*mutex_unlock)(const struct raftlab_host *host, raftlab_mutex *m);

  /* A condition variable used with one raftlab_mutex. */
  raftlab_cond *(*cond_new)(const struct raftlab_host *host);
  void (*cond_free)(const struct raftlab_host *host, raftlab_cond *c);
  /* Atomically unlocks m and waits; relocks m before returning. May wake
   * spuriously. [plugin-thread] */
  void (*cond_wait)(const struct raftlab_host *host, raftlab_cond *c,
                    raftlab_mutex *m);
  /* As cond_wait, but gives up at deadline_ns (now_ns() time base).
   * Returns 1 if the deadline passed, 0 otherwise. [plugin-thread] */
  int32_t (*cond_wait_until)(const struct raftlab_host *host, raftlab_cond *c,
                             raftlab_mutex *m, int64_t deadline_ns);
  void (*cond_notify_one)(const struct raftlab_host *host, raftlab_cond *c);
  void (*cond_notify_all)(const struct raftlab_host *host, raftlab_cond *c);

  /* --- lifecycle ---------------------------------------------------------------------- */

  /*
   * 1 once the harness has begun to kill this instance, else 0. Check it in
   * every long-running loop. [any-thread]
   */
  int32_t (*killed)(const struct raftlab_host *host);
} raftlab_host;

/* ------------------------------------------------------------------------ */
/* The plugin: required Raft interface (parts 1-4)                          */
/* ------------------------------------------------------------------------ */

typedef struct raftlab_plugin {
  uint32_t struct_size; /* sizeof(raftlab_plugin) at the plugin's version */
  uint32_t abi_major;   /* the plugin's RAFTLAB_ABI_MAJOR */
  uint32_t abi_minor;   /* the plugin's RAFTLAB_ABI_MINOR */
  uint32_t reserved;    /* zero */
  const char *name;     /* e.g. "raftlab-reference"; static storage */
  const char *version;  /* free-form, e.g. "1.0"; static storage */

  /*
   * Creates Raft peer `me` of `npeers` (0 <= me < npeers). Reads the saved
   * state and snapshot through host->persist_read_* to recover after a
   * crash. Must return quickly: start threads (host->thread_start) for
   * long-running work. host is owned by the harness and stays valid until
   * destroy() returns. Returns NULL on failure. [harness-thread]
   */
  raftlab_raft *(*make)(const raftlab_host *host, int32_t me, int32_t npeers);

  /*
   * Proposes a command (bytes borrowed). If this peer believes it is the
   * leader it appends the command and writes its log index, the current term
   * and is_leader = 1; otherwise is_leader = 0 (index and term are then
   * ignored). Must return at once: never wait for agreement, never call
   * host->call. Called concurrently from many harness threads, and on
   * disconnected peers. [any-thread] [after-make, before-destroy]
   */
  void (*start)(raftlab_raft *raft, const uint8_t *command, size_t len,
                int64_t *index, int64_t *term, int32_t *is_leader);

  /* Writes the current term and whether this peer believes it is leader.
   * Polled often; must not block. [any-thread] [after-make, before-destroy] */
  void (*get_state)(raftlab_raft *raft, int64_t *term, int32_t *is_leader);

  /*
   * Handles one incoming RPC sent by a peer's host->call. method is
   * "Service.Method", exactly as the sender passed it (service "Raft"; the
   * method name is the plugin's own choice, see call); req is borrowed.
   * Writes the reply to *reply and
   * returns RAFTLAB_OK, or RAFTLAB_ERR_UNKNOWN_METHOD. Runs on a harness
   * pool thread and may block briefly (locks), never on RPCs of its own.
   * Persist before replying whenever the reply depends on new state.
   * [any-thread] [after-make, before-destroy]
   */
  int32_t (*handle_rpc)(raftlab_raft *raft, const char *method,
                        const uint8_t *req, size_t req_len,
                        raftlab_sink *reply);

  /*
   * The service above has a snapshot covering every entry up to and
   * including `index`: drop those entries and persist the snapshot (bytes
   * borrowed) together with Raft state. Called on every peer, possibly from
   * the harness's applier while your apply() call is still in progress.
   * [any-thread] [after-make, before-destroy]
   */
  void (*snapshot)(raftlab_raft *raft, int64_t index, const uint8_t *snapshot,
                   size_t len);

  /* Size in bytes of the persisted Raft state (host->persist_state_size()).
   * [any-thread] [after-make, before-destroy] */
  int64_t (*persist_bytes)(raftlab_raft *raft);

  /*
   * Stops the peer: must stop and JOIN every thread it started, then
   * return. The harness waits a bounded time (default 5 s) and reports a
   * peer that does not return, or whose threads keep running, as a zombie:
   * host threads, and (in real time) threads your code started itself with
   * std::thread or pthread_create that are still alive 0.5 s after kill()
   * returned (each peer's copy of your code has its own addresses, so the
   * harness knows whose thread it is).
   * host->killed() already returns 1 when kill() is called, and host->call()
   * calls still blocked return 0 within about 100 ms; a call, apply or
   * persist_save your threads make until kill() returns is rejected but not
   * counted as an error (see "Killing an instance" at raftlab_host).
   * [harness-thread] [once, after-make]
   */
  void (*kill)(raftlab_raft *raft);

  /* Frees the instance. Called once, after kill() returned. [harness-thread] */
  void (*destroy)(raftlab_raft *raft);

  /*
   * Returns the extension with id `id` (e.g. RAFTLAB_EXT_RSM), or NULL when
   * the plugin does not implement it. Tests that need an absent extension
   * report "skipped: not implemented". The pointer is static. [any-thread]
   */
  const void *(*get_extension)(const char *id);

  /*
   * Since ABI 1.1: RAFTLAB_PLUGIN_* bits saying what the plugin promises.
   * A plugin built against 1.0 has a struct_size that ends before this field;
   * the harness then reads 0 (no promises). Set it once, in the static table.
   */
  uint64_t flags;
} raftlab_plugin;

/*
 * The plugin uses only the host's threads, mutexes, condition variables,
 * clock and sleep (host->thread_*, mutex_*, cond_*, now_ns, sleep_ns): no
 * std::thread, pthread_create, std::condition_variable, sleep, nanosleep or
 * clock_gettime of its own. Leaf locks (a plain mutex never held across a
 * host call) are allowed. Such a plugin can run under `labtest --sim`, the
 * simulated runtime, where every failure replays exactly from its seed.
 * The C++ skeleton and the reference set it; labtest --sim also checks the
 * plugin's imported symbols before it trusts the bit.
 *   How to know your plugin is simulation-ready: set this bit (in C++,
 *   `static constexpr uint64_t kPluginFlags =
 *   RAFTLAB_PLUGIN_HOST_THREADS_ONLY;` in your Raft class, as the skeleton
 *   does) and run `labtest --sim`. Before any test it reads the plugin's
 *   imported (undefined dynamic) symbols, as `nm -D --undefined-only` shows
 *   them. Thread creation (pthread_create, std::thread), sleeps (nanosleep,
 *   usleep, std::this_thread::sleep_for), clocks (clock_gettime, time,
 *   std::chrono's clocks) and waits of its own (pthread_cond_*wait,
 *   std::condition_variable, semaphores, select/poll) make it refuse the
 *   plugin with one line naming those symbols and exit 2. Raw locks
 *   (pthread_mutex_lock, i.e. std::mutex) and joins of raw threads only
 *   warn. A plain `labtest` run, in real time, checks none of this.
 */
#define RAFTLAB_PLUGIN_HOST_THREADS_ONLY (UINT64_C(1) << 0)

/*
 * The plugin file can be loaded only once per process (a Go c-shared
 * library carries one Go runtime per process). The harness then loads ONE
 * image per test process and calls make() for every peer and every restart
 * on it, instead of loading a private copy per peer: isolation between peers
 * (no shared globals, nothing surviving a crash) becomes the plugin's duty.
 */
#define RAFTLAB_PLUGIN_LOAD_ONCE (UINT64_C(1) << 1)

/*
 * The entry symbol. The harness passes its own ABI version; the plugin
 * returns its table (static storage, never freed) whatever the versions,
 * so the harness can name both when the majors differ. NULL means the
 * plugin refuses to load. [harness-thread] May be called more than once.
 */
typedef const raftlab_plugin *(*raftlab_entry_fn)(uint32_t host_abi_major,
                                                  uint32_t host_abi_minor);
RAFTLAB_EXPORT const raftlab_plugin *raftlab_entry(uint32_t host_abi_major,
                                                   uint32_t host_abi_minor);

/* ------------------------------------------------------------------------ */
/* Extensions for part 5 (looked up with get_extension)                     */
/* ------------------------------------------------------------------------ */

/*
 * A state machine the HOST supplies to the rsm (the harness's counter in the
 * rsm tests, or the plugin's own KV store). Owned by whoever made it; valid
 * until the rsm's destroy() returns. Called from the rsm's applier thread
 * only, one call at a time.
 */
typedef struct raftlab_state_machine {
  uint32_t struct_size;
  uint32_t reserved;
  void *ctx; /* owned by the state machine's creator */
  /* Applies op (borrowed) and writes its result to *result. */
  void (*do_op)(void *ctx, const uint8_t *op, size_t len, raftlab_sink *result);
  /* Writes a snapshot of the whole state to *out. */
  void (*snapshot)(void *ctx, raftlab_sink *out);
  /* Replaces the whole state with the snapshot (borrowed). */
  void (*restore)(void *ctx, const uint8_t *data, size_t len);
} raftlab_state_machine;

#define RAFTLAB_EXT_RSM "raftlab.rsm/1"

/*
 * The replicated state machine layer (MIT 6.5840 Lab 4A). The rsm makes its
 * own Raft peer from the same host services and reads its applies itself.
 */
typedef struct raftlab_rsm_ext {
  uint32_t struct_size;
  uint32_t reserved;
  /*
   * Makes rsm peer `me` of `npeers` over the state machine sm (borrowed
   * until destroy). When maxraftstate >= 0 and the persisted Raft state
   * nears it, the rsm snapshots sm; on restart it restores sm from the
   * saved snapshot. [harness-thread]
   */
  raftlab_rsm *(*make)(const raftlab_host *host, int32_t me, int32_t npeers,
                       int64_t maxraftstate, const raftlab_state_machine *sm);
  /*
   * Submits op (borrowed) through Raft and waits until it is applied. On
   * RAFTLAB_OK the state machine's result was written to *result. Returns
   * RAFTLAB_ERR_WRONG_LEADER when this peer is not leader or the entry was
   * lost (term changed or another entry took its index), and
   * RAFTLAB_ERR_KILLED when kill() ran. An isolated ex-leader may block
   * until healed; kill() must unblock every waiting submit. [any-thread]
   */
  int32_t (*submit)(raftlab_rsm *rsm, const uint8_t *op, size_t len,
                    raftlab_sink *result);
  /* Handles an RPC for this server (its Raft's), as raftlab_plugin.handle_rpc. */
  int32_t (*handle_rpc)(raftlab_rsm *rsm, const char *method,
                        const uint8_t *req, size_t req_len, raftlab_sink *reply);
  /* The inner Raft's state, as raftlab_plugin.get_state. */
  void (*get_state)(raftlab_rsm *rsm, int64_t *term, int32_t *is_leader);
  /* Stops and joins everything, unblocking submits. [harness-thread] [once] */
  void (*kill)(raftlab_rsm *rsm);
  void (*destroy)(raftlab_rsm *rsm);
} raftlab_rsm_ext;

#define RAFTLAB_EXT_KVSERVER "raftlab.kvserver/1"

/*
 * The fault-tolerant key/value server (MIT 6.5840 Lab 4B/4C), built on the
 * plugin's own rsm. Keys and values are byte strings; every key has a
 * version, 0 when absent.
 */
typedef struct raftlab_kvserver_ext {
  uint32_t struct_size;
  uint32_t reserved;
  /* Makes KV server `me` of `npeers`; maxraftstate as for the rsm. */
  raftlab_kvserver *(*make)(const raftlab_host *host, int32_t me,
                            int32_t npeers, int64_t maxraftstate);
  /* Handles every RPC addressed to this server: its own (from clerks) and
   * its Raft's. Same contract as raftlab_plugin.handle_rpc. */
  int32_t (*handle_rpc)(raftlab_kvserver *kv, const char *method,
                        const uint8_t *req, size_t req_len,
                        raftlab_sink *reply);
  void (*get_state)(raftlab_kvserver *kv, int64_t *term, int32_t *is_leader);
  void (*kill)(raftlab_kvserver *kv);
  void (*destroy)(raftlab_kvserver *kv);
} raftlab_kvserver_ext;

#define RAFTLAB_EXT_CLERK "raftlab.clerk/1"

/*
 * The KV client. host->call(i, ...) reaches KV server i (0 <= i <
 * nservers); the clerk remembers the leader and retries. Many clerks run
 * at once, each driven by its own harness thread.
 *   A clerk has no kill(): the harness stops one (at the end of a test, or
 *   when its servers are shut down) by making host->killed() return 1, after
 *   which host->call() fails at once. get() and put() must then return
 *   promptly (RAFTLAB_ERR_KILLED); a clerk that keeps retrying is reported as
 *   stuck. Check host->killed() in every retry loop. A call already in
 *   flight is not cut short: it returns when the server answers or the
 *   network gives up (within 100 ms for an unreachable server: the KV tests
 *   run without long delays); the clerk has 5 s in all.
 */
typedef struct raftlab_clerk_ext {
  uint32_t struct_size;
  uint32_t reserved;
  raftlab_clerk *(*make)(const raftlab_host *host, int32_t nservers);
  /*
   * Reads key (borrowed). On RAFTLAB_OK writes the value to *value and its
   * version to *version; RAFTLAB_ERR_NO_KEY when absent. Retries until it
   * gets one of those. [the clerk's harness thread]
   */
  int32_t (*get)(raftlab_clerk *clerk, const uint8_t *key, size_t key_len,
                 raftlab_sink *value, uint64_t *version);
  /*
   * Installs value at key if the key's version equals `version` (0 creates
   * a new key). Returns RAFTLAB_OK, RAFTLAB_ERR_VERSION (first attempt saw
   * a mismatch), RAFTLAB_ERR_NO_KEY (version > 0 for an absent key), or
   * RAFTLAB_ERR_MAYBE (a RESENT put saw ErrVersion: it may or may not have
   * been applied). [the clerk's harness thread]
   */
  int32_t (*put)(raftlab_clerk *clerk, const uint8_t *key, size_t key_len,
                 const uint8_t *value, size_t value_len, uint64_t version);
  void (*destroy)(raftlab_clerk *clerk);
} raftlab_clerk_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RAFTLAB_RAFTLAB_H_ */
