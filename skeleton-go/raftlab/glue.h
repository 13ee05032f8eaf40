/*
 * glue.h: the C half of the Go layer (glue.c): the plugin table, the
 * trampolines that call the harness's function pointers (Go cannot call a
 * C function pointer), and a byte buffer that is a raftlab_sink. Only
 * declarations here: cgo copies the preamble of a file with //export into
 * two C files.
 */
#ifndef RAFTLAB_GO_GLUE_H_
#define RAFTLAB_GO_GLUE_H_

#include <stdint.h>
#include <stdlib.h>

#include "raftlab.h"

/* A growable byte buffer in C memory that the harness writes into. */
typedef struct rl_buf {
  raftlab_sink sink; /* sink.ctx points at this buffer */
  uint8_t *data;
  size_t len;
  size_t cap;
} rl_buf;

rl_buf *rl_buf_new(void);
void rl_buf_free(rl_buf *b);

int32_t rl_host_call(const raftlab_host *h, int32_t peer, const char *method, const uint8_t *req, size_t len,
                     rl_buf *reply);
int32_t rl_host_apply(const raftlab_host *h, int32_t kind, int64_t index, int64_t term, const uint8_t *data,
                      size_t len);
void rl_host_save(const raftlab_host *h, const uint8_t *state, size_t state_len, const uint8_t *snap,
                  size_t snap_len);
void rl_host_read_state(const raftlab_host *h, rl_buf *out);
void rl_host_read_snapshot(const raftlab_host *h, rl_buf *out);
size_t rl_host_state_size(const raftlab_host *h);
size_t rl_host_snapshot_size(const raftlab_host *h);
void rl_host_log(const raftlab_host *h, int32_t level, const char *text);
uint64_t rl_host_random(const raftlab_host *h);
int32_t rl_host_killed(const raftlab_host *h);
void rl_sink_write(raftlab_sink *s, const uint8_t *data, size_t len);

#endif
