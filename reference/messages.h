// messages.h: the reference Raft's RPC messages (Figure 2 and Figure 13,
// plus the fast-backup fields), its persisted state, and their encodings.
//
// Encoding: raftlab::Encoder varints (compact: the RPC byte budget counts
// every byte), a leading format byte on persisted state, no padding. Decode
// functions return false on malformed or trailing input and on values no
// correct peer sends (negative terms or indices).
//
// Thread safety: plain values. Ownership: each struct owns its fields; an
// InstallSnapshot's data is shared read-only (it is the leader's snapshot).
#ifndef RAFTLAB_REFERENCE_MESSAGES_H_
#define RAFTLAB_REFERENCE_MESSAGES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <raftlab/codec.hpp>

#include "reference/log.h"

namespace raftlab::ref {

// "Service.Method" names used with host->call.
inline constexpr char kRequestVote[] = "Raft.RequestVote";
inline constexpr char kAppendEntries[] = "Raft.AppendEntries";
inline constexpr char kInstallSnapshot[] = "Raft.InstallSnapshot";

// No peer (voted_for, leader unknown).
inline constexpr int kNone = -1;

struct RequestVoteArgs {
  int64_t term = 0;
  int32_t candidate = 0;
  int64_t last_log_index = 0;
  int64_t last_log_term = 0;
};

struct RequestVoteReply {
  int64_t term = 0;
  bool vote_granted = false;
};

struct AppendEntriesArgs {
  int64_t term = 0;
  int32_t leader = 0;
  int64_t prev_log_index = 0;
  int64_t prev_log_term = 0;
  std::vector<Entry> entries;
  int64_t leader_commit = 0;
};

// On failure the follower explains the mismatch so that the leader can skip
// a whole term per round trip (the "fast backup" of the 6.5840 notes and the
// end of section 5.3):
//   x_term  the term of the follower's entry at prev_log_index, or 0 when the
//           follower has no entry there (real terms start at 1);
//   x_index the first index of x_term in the follower's log;
//   x_len   the follower's LastIndex() + 1, the next index it can accept.
struct AppendEntriesReply {
  int64_t term = 0;
  bool success = false;
  int64_t x_term = 0;
  int64_t x_index = 0;
  int64_t x_len = 0;
};

// Figure 13 with the whole snapshot in one message (no offset, no done).
struct InstallSnapshotArgs {
  int64_t term = 0;
  int32_t leader = 0;
  int64_t last_included_index = 0;
  int64_t last_included_term = 0;
  std::shared_ptr<const Bytes> data;  // never null after Decode
};

struct InstallSnapshotReply {
  int64_t term = 0;
};

// What survives a crash (Figure 2, "Persistent state on all servers", plus
// the snapshot's last index and term). The snapshot bytes themselves are
// saved beside it by the Persister.
struct PersistentState {
  int64_t term = 0;
  int32_t voted_for = kNone;
  int64_t snapshot_index = 0;
  int64_t snapshot_term = 0;
  std::vector<Entry> entries;  // at snapshot_index + 1 onwards
};

Bytes Encode(const RequestVoteArgs& m);
Bytes Encode(const RequestVoteReply& m);
Bytes Encode(const AppendEntriesArgs& m);
Bytes Encode(const AppendEntriesReply& m);
Bytes Encode(const InstallSnapshotArgs& m);
Bytes Encode(const InstallSnapshotReply& m);
Bytes Encode(const PersistentState& m);

bool Decode(ByteView in, RequestVoteArgs* m);
bool Decode(ByteView in, RequestVoteReply* m);
bool Decode(ByteView in, AppendEntriesArgs* m);
bool Decode(ByteView in, AppendEntriesReply* m);
bool Decode(ByteView in, InstallSnapshotArgs* m);
bool Decode(ByteView in, InstallSnapshotReply* m);
bool Decode(ByteView in, PersistentState* m);

// Encodes persisted state straight from the log, without copying entries.
Bytes EncodeState(int64_t term, int32_t voted_for, const Log& log);

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_MESSAGES_H_
