// raft.h: your Raft peer. One Raft object is one peer of the cluster; the
// harness (labtest) makes one per peer and per restart, each from its own
// copy of libraft.so, and talks to it only through the methods below.
//
// The parts of the lab (points in config/raft_lab_test.yml):
//   part 1  leader election                  TODO(part1)
//   part 2  log replication                  TODO(part2)
//   part 3  persistence                      TODO(part3)
//   part 4  log compaction (snapshots)       TODO(part4)
// Read the extended Raft paper's Figure 2 (and Figure 13 for part 4) before
// you start; the field names below follow it.
//
// Thread safety: the harness calls Start, GetState, HandleRpc, Snapshot and
// PersistBytes concurrently from many threads, so every method must lock
// mu_ before it touches shared state.
#ifndef RAFT_H_
#define RAFT_H_

#include <raftlab/raftlab.hpp>

#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

// One log entry. Commands are opaque bytes: never look inside them.
struct LogEntry {
  int64_t term = 0;
  raftlab::Bytes command;
};

// RPC arguments and replies: plain structs you encode with raftlab::Encoder
// and decode with raftlab::Decoder (see raft.cc). Add the fields you need.
struct RequestVoteArgs {
  int64_t term = 0;
  int32_t candidate = 0;
  // TODO(part1): the candidate's last log index and term (section 5.4.1).
};
struct RequestVoteReply {
  int64_t term = 0;
  bool vote_granted = false;
};
struct AppendEntriesArgs {
  int64_t term = 0;
  int32_t leader = 0;
  // TODO(part2): prev_log_index, prev_log_term, entries, leader_commit.
};
struct AppendEntriesReply {
  int64_t term = 0;
  bool success = false;
  // TODO(part2): hints that let the leader back up faster than one entry
  // per round trip (TestBackup needs it), e.g. the conflicting term, the
  // first index of that term, and the length of your log.
};
// TODO(part4): InstallSnapshotArgs / InstallSnapshotReply (Figure 13, but
// send the whole snapshot in one RPC: no offset, no done flag).

class Raft {
 public:
  // A promise to labtest: this Raft uses only the host's threads, locks,
  // condition variables, clock and sleep (raftlab::Host). It lets
  // `labtest --sim` run it, replaying every failure exactly from its seed.
  // Remove it if you use std::thread, std::condition_variable or sleeps of
  // your own (labtest --sim then refuses the plugin and says why).
  static constexpr uint64_t kPluginFlags = RAFTLAB_PLUGIN_HOST_THREADS_ONLY;

  enum class Role { kFollower, kCandidate, kLeader };

  // make(): peer `me` of `npeers`. Must return quickly: start threads for
  // long-running work.
  Raft(raftlab::Host host, int me, int npeers);
  ~Raft();

  raftlab::StartResult Start(raftlab::ByteView command);
  raftlab::RaftState GetState();
  int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply);
  void Snapshot(int64_t index, raftlab::ByteView snapshot);
  int64_t PersistBytes();
  void Kill();

  // Part 5: finds your Rsm, KvServer and Clerk (defined at the end of
  // raft.cc by RAFTLAB_DEFINE_EXTENSIONS).
  static const void* GetExtension(const char* id);

 private:
  // --- RPC handlers (run on harness threads) ---
  void HandleRequestVote(const RequestVoteArgs& args, RequestVoteReply* reply);
  void HandleAppendEntries(const AppendEntriesArgs& args, AppendEntriesReply* reply);

  // --- RPC senders (call WITHOUT holding mu_) ---
  bool SendRequestVote(int peer, const RequestVoteArgs& args, RequestVoteReply* reply);
  bool SendAppendEntries(int peer, const AppendEntriesArgs& args, AppendEntriesReply* reply);

  // --- background work ---
  void Ticker();   // election timeouts and heartbeats
  // TODO(part2): an applier thread that hands committed entries to host_.

  // --- persistence (part 3) ---
  void Persist();                                  // REQUIRES mu_
  void ReadPersist(const raftlab::Bytes& state);   // in the constructor

  bool Killed() const { return dead_.load() || host_.Killed(); }
  // Logs one line with the peer's role, term, vote, log length, commit and
  // applied indices, prefixed by `what`. REQUIRES mu_ (or no threads yet).
  void LogState(const char* what);

  const raftlab::Host host_;
  const int me_;
  const int npeers_;
  std::atomic<bool> dead_{false};

  raftlab::Mutex mu_;     // guards everything below
  raftlab::CondVar cv_;   // signal it when state changes that threads wait on

  // Persistent state on all servers (Figure 2). Save it with Persist()
  // BEFORE you reply to an RPC or send one that depends on it.
  int64_t current_term_ = 0;
  int voted_for_ = -1;          // -1: none this term
  std::vector<LogEntry> log_;   // TODO(part2): decide how index 1 maps to a slot

  // Volatile state on all servers.
  Role role_ = Role::kFollower;
  int64_t commit_index_ = 0;
  int64_t last_applied_ = 0;

  // Volatile state on leaders, reinitialised after each election.
  std::vector<int64_t> next_index_;
  std::vector<int64_t> match_index_;

  // TODO(part1): when the election timer last reset, and your timeout.
  // TODO(part4): the last included index/term of your snapshot, and the
  // snapshot bytes (you must pass them on every Save, see Persist()).
  raftlab::Bytes snapshot_;

  // Joined by Kill(). Keep them last: they must die before the state above.
  std::vector<raftlab::Thread> threads_;
};

#endif  // RAFT_H_
