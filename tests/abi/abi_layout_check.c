/*
 * abi_layout_check.c: compiled as C11 and as C++ by tests/abi/CMakeLists.txt
 * with -Wall -Wextra -pedantic -Werror. Beyond "the header compiles", it
 * freezes the ABI 1.0 layout on LP64 targets: every struct starts with its
 * size, and no field of 1.0 may move. Appending a field at the END of a
 * struct is allowed (raise the sizeof line and RAFTLAB_ABI_MINOR); any other
 * change to these numbers breaks every plugin already built and needs a new
 * RAFTLAB_ABI_MAJOR.
 */
#include <raftlab/raftlab.h>

#include <stddef.h>

#ifdef __cplusplus
#define RAFTLAB_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define RAFTLAB_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define AT(type, field, off) RAFTLAB_STATIC_ASSERT(offsetof(type, field) == (off), #type "." #field " moved")
#define SIZE_AT_LEAST(type, n) RAFTLAB_STATIC_ASSERT(sizeof(type) >= (n), #type " shrank")

RAFTLAB_STATIC_ASSERT(RAFTLAB_ABI_MAJOR == 1, "a new major version needs a new layout check");
RAFTLAB_STATIC_ASSERT(RAFTLAB_OK == 0 && RAFTLAB_ERR_NO_KEY == 1 && RAFTLAB_ERR_VERSION == 2 &&
                          RAFTLAB_ERR_MAYBE == 3 && RAFTLAB_ERR_WRONG_LEADER == 4 &&
                          RAFTLAB_ERR_UNKNOWN_METHOD == 5 && RAFTLAB_ERR_KILLED == 6 &&
                          RAFTLAB_ERR_INTERNAL == 7,
                      "result codes are part of the ABI");
RAFTLAB_STATIC_ASSERT(RAFTLAB_APPLY_COMMAND == 1 && RAFTLAB_APPLY_SNAPSHOT == 2, "apply kinds are ABI");
RAFTLAB_STATIC_ASSERT(RAFTLAB_LOG_DEBUG == 0 && RAFTLAB_LOG_ERROR == 3, "log levels are ABI");

/* Every growable struct starts with its size, whatever the target. */
AT(raftlab_plugin, struct_size, 0);
AT(raftlab_host, struct_size, 0);
AT(raftlab_apply_msg, struct_size, 0);
AT(raftlab_state_machine, struct_size, 0);
AT(raftlab_rsm_ext, struct_size, 0);
AT(raftlab_kvserver_ext, struct_size, 0);
AT(raftlab_clerk_ext, struct_size, 0);

#if defined(__LP64__) || defined(_LP64)
AT(raftlab_sink, ctx, 0);
AT(raftlab_sink, write, 8);

AT(raftlab_apply_msg, kind, 4);
AT(raftlab_apply_msg, index, 8);
AT(raftlab_apply_msg, term, 16);
AT(raftlab_apply_msg, data, 24);
AT(raftlab_apply_msg, len, 32);
SIZE_AT_LEAST(raftlab_apply_msg, 40);

AT(raftlab_host, abi_major, 4);
AT(raftlab_host, abi_minor, 8);
AT(raftlab_host, host_ctx, 16);
AT(raftlab_host, call, 24);
AT(raftlab_host, apply, 32);
AT(raftlab_host, persist_save, 40);
AT(raftlab_host, persist_read_state, 48);
AT(raftlab_host, persist_read_snapshot, 56);
AT(raftlab_host, persist_state_size, 64);
AT(raftlab_host, persist_snapshot_size, 72);
AT(raftlab_host, log, 80);
AT(raftlab_host, random_u64, 88);
AT(raftlab_host, now_ns, 96);
AT(raftlab_host, sleep_ns, 104);
AT(raftlab_host, thread_start, 112);
AT(raftlab_host, thread_join, 120);
AT(raftlab_host, mutex_new, 128);
AT(raftlab_host, mutex_free, 136);
AT(raftlab_host, mutex_lock, 144);
AT(raftlab_host, mutex_unlock, 152);
AT(raftlab_host, cond_new, 160);
AT(raftlab_host, cond_free, 168);
AT(raftlab_host, cond_wait, 176);
AT(raftlab_host, cond_wait_until, 184);
AT(raftlab_host, cond_notify_one, 192);
AT(raftlab_host, cond_notify_all, 200);
AT(raftlab_host, killed, 208);
SIZE_AT_LEAST(raftlab_host, 216);

AT(raftlab_plugin, abi_major, 4);
AT(raftlab_plugin, abi_minor, 8);
AT(raftlab_plugin, name, 16);
AT(raftlab_plugin, version, 24);
AT(raftlab_plugin, make, 32);
AT(raftlab_plugin, start, 40);
AT(raftlab_plugin, get_state, 48);
AT(raftlab_plugin, handle_rpc, 56);
AT(raftlab_plugin, snapshot, 64);
AT(raftlab_plugin, persist_bytes, 72);
AT(raftlab_plugin, kill, 80);
AT(raftlab_plugin, destroy, 88);
AT(raftlab_plugin, get_extension, 96);
AT(raftlab_plugin, flags, 104); /* since 1.1 */
SIZE_AT_LEAST(raftlab_plugin, 112);

AT(raftlab_state_machine, ctx, 8);
AT(raftlab_state_machine, do_op, 16);
AT(raftlab_state_machine, snapshot, 24);
AT(raftlab_state_machine, restore, 32);

AT(raftlab_rsm_ext, make, 8);
AT(raftlab_rsm_ext, submit, 16);
AT(raftlab_rsm_ext, handle_rpc, 24);
AT(raftlab_rsm_ext, get_state, 32);
AT(raftlab_rsm_ext, kill, 40);
AT(raftlab_rsm_ext, destroy, 48);

AT(raftlab_kvserver_ext, make, 8);
AT(raftlab_kvserver_ext, handle_rpc, 16);
AT(raftlab_kvserver_ext, get_state, 24);
AT(raftlab_kvserver_ext, kill, 32);
AT(raftlab_kvserver_ext, destroy, 40);

AT(raftlab_clerk_ext, make, 8);
AT(raftlab_clerk_ext, get, 16);
AT(raftlab_clerk_ext, put, 24);
AT(raftlab_clerk_ext, destroy, 32);
#endif

/* The entry point's type matches the typedef the loader casts to. */
static raftlab_entry_fn const kEntryType = raftlab_entry;
const void *raftlab_abi_layout_check_anchor(void) { return (const void *)&kEntryType; }
