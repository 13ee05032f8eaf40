// ApplyChecker: the safety checks run on EVERY message a Raft peer delivers
// through host->apply (MIT's applier goroutines, made stricter).
//
// What it enforces, per message from server i:
//   - State Machine Safety / Log Matching: a command applied at index I must
//     equal every command any server ever applied at I ("commit index=I
//     server=i X != server=j Y"). The checker keeps one global map index ->
//     (command, first server), which never forgets: a restart cannot hide a
//     conflict.
//   - In order, exactly once: a command must be at lastApplied(i) + 1
//     ("server i apply out of order: expected index X, got Y").
//   - Snapshots: the payload must decode as a harness snapshot whose index is
//     the message's index ("snapshot doesn't match SnapshotIndex"), must not
//     move the server backwards, and every command in it must agree with the
//     global map. A snapshot sets lastApplied(i) to its index.
//   - Restart: BeginIncarnation() resets server i to its persisted snapshot's
//     index, or 0 when there is none, so a restarted peer must resume at the
//     next index (MIT 2026's restart rule).
// "No apply after kill" is enforced one level down, in HostServices.
//
// The first violation is kept (with both servers, both values and the rule
// broken); every later OnApply reports it again, so callers need only fail
// on a non-OK status. The checker itself never fails a test or prints.
//
// Thread safety: every method may be called from any thread; one internal
// Mutex (never held while calling out). Ownership: owns its records; the
// Runtime must outlive it.
#pragma once

#include <raftlab/raftlab.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/raft/commands.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

// A copy of one raftlab_apply_msg (its bytes owned).
struct ApplyItem {
  int32_t kind = RAFTLAB_APPLY_COMMAND;
  int64_t index = 0;
  int64_t term = 0;
  std::string data;

  static ApplyItem FromMsg(const raftlab_apply_msg& m);
  static ApplyItem Cmd(int64_t index, std::string data, int64_t term = 0);
  static ApplyItem Snap(int64_t index, std::string data, int64_t term = 0);
};

class ApplyChecker {
 public:
  ApplyChecker(Runtime& rt, int servers);
  ApplyChecker(const ApplyChecker&) = delete;
  ApplyChecker& operator=(const ApplyChecker&) = delete;

  // A new incarnation of server i is about to be made. Its record restarts
  // at the persisted snapshot (empty: index 0). A snapshot that does not
  // decode or conflicts with what was applied is a violation (returned).
  Status BeginIncarnation(int i, std::string_view persisted_snapshot);

  // Checks and records one message from server i. OK, or the (first) violation.
  Status OnApply(int i, const ApplyItem& m);

  struct Committed {
    int count = 0;                // servers whose applied prefix covers the index
    std::optional<Command> command;
  };
  // MIT nCommitted: how many servers have applied `index`, and the command.
  Committed NCommitted(int64_t index) const;

  int64_t LastApplied(int i) const;
  // Commands (not snapshots) server i applied in its current incarnation
  // (SJTU's num_append_logs: proves a restarted peer used its snapshot).
  int64_t CommandsApplied(int i) const;
  // The highest index any server applied (MIT's "commands" figure).
  int64_t MaxIndex() const;
  // The snapshot payload covering indices 1..index (index <= MaxIndex()).
  std::string SnapshotPayload(int64_t index) const;
  std::optional<Status> first_violation() const;

 private:
  struct Server {
    int64_t last_applied = 0;
    int64_t commands_applied = 0;
  };
  struct Entry {
    Command command;
    int server = -1;  // the first server that applied it
    bool present = false;
  };

  Status Violation(std::string msg) REQUIRES(*mu_);
  // Checks `cmd` at `index` from server i against the global map and records
  // it; `what` prefixes the rule in the message ("inside a snapshot; ").
  Status CheckAndRecord(int i, int64_t index, const Command& cmd, const char* what) REQUIRES(*mu_);
  Status LoadSnapshot(int i, int64_t msg_index, std::string_view bytes, bool at_restart) REQUIRES(*mu_);

  std::unique_ptr<Mutex> mu_;
  std::vector<Server> server_ GUARDED_BY(*mu_);
  std::vector<Entry> log_ GUARDED_BY(*mu_);  // log_[k] is index k; [0] unused
  int64_t max_index_ GUARDED_BY(*mu_) = 0;
  std::optional<Status> violation_ GUARDED_BY(*mu_);
};

}  // namespace raftlab
