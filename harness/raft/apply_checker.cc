#include "harness/raft/apply_checker.h"

#include <algorithm>

namespace raftlab {

ApplyItem ApplyItem::FromMsg(const raftlab_apply_msg& m) {
  ApplyItem a;
  a.kind = m.kind;
  a.index = m.index;
  a.term = m.term;
  if (m.data != nullptr && m.len > 0) a.data.assign(reinterpret_cast<const char*>(m.data), m.len);
  return a;
}

ApplyItem ApplyItem::Cmd(int64_t index, std::string data, int64_t term) {
  return ApplyItem{RAFTLAB_APPLY_COMMAND, index, term, std::move(data)};
}

ApplyItem ApplyItem::Snap(int64_t index, std::string data, int64_t term) {
  return ApplyItem{RAFTLAB_APPLY_SNAPSHOT, index, term, std::move(data)};
}

ApplyChecker::ApplyChecker(Runtime& rt, int servers)
    : mu_(rt.make_mutex()), server_(servers), log_(1) {}

Status ApplyChecker::Violation(std::string msg) {
  if (!violation_) violation_ = Status::TestFailure(std::move(msg));
  return *violation_;
}

Status ApplyChecker::CheckAndRecord(int i, int64_t index, const Command& cmd, const char* what) {
  if (static_cast<int64_t>(log_.size()) <= index) log_.resize(index + 1);
  Entry& e = log_[index];
  if (e.present) {
    if (e.command != cmd) {
      return Violation("commit index=" + std::to_string(index) + " server=" + std::to_string(i) + " " +
                       DescribeCommand(cmd) + " != server=" + std::to_string(e.server) + " " +
                       DescribeCommand(e.command) + " (" + what +
                       "State Machine Safety: once any server applies a command at an index, no server may "
                       "apply a different one there; Log Matching)");
    }
    return Status::Ok();
  }
  e.command = cmd;
  e.server = i;
  e.present = true;
  max_index_ = std::max(max_index_, index);
  return Status::Ok();
}

Status ApplyChecker::LoadSnapshot(int i, int64_t msg_index, std::string_view bytes, bool at_restart) {
  const std::string who = "server " + std::to_string(i);
  StatusOr<SnapshotContents> s = DecodeSnapshot(bytes);
  if (!s.ok()) {
    return Violation(who + (at_restart ? "'s persisted snapshot" : " applied a snapshot that") +
                     " does not decode: " + s.status().message() +
                     " (the snapshot must be exactly the bytes passed to snapshot())");
  }
  if (!at_restart && s->index != msg_index) {
    return Violation(who + ": snapshot doesn't match SnapshotIndex: its bytes cover index " +
                     std::to_string(s->index) + " but the apply message says index " + std::to_string(msg_index));
  }
  Server& sv = server_[i];
  if (!at_restart && s->index < sv.last_applied) {
    return Violation(who + " applied a snapshot at index " + std::to_string(s->index) +
                     " behind its applied index " + std::to_string(sv.last_applied) +
                     " (a snapshot must never move the service backwards)");
  }
  for (int64_t k = 1; k <= s->index; k++) {
    Status st = CheckAndRecord(i, k, s->commands[k - 1], "inside a snapshot; ");
    if (!st.ok()) return st;
  }
  sv.last_applied = s->index;
  return Status::Ok();
}

Status ApplyChecker::BeginIncarnation(int i, std::string_view persisted_snapshot) {
  MutexLock l(*mu_);
  if (violation_) return *violation_;
  server_[i] = Server{};
  if (persisted_snapshot.empty()) return Status::Ok();
  return LoadSnapshot(i, 0, persisted_snapshot, /*at_restart=*/true);
}

Status ApplyChecker::OnApply(int i, const ApplyItem& m) {
  MutexLock l(*mu_);
  if (violation_) return *violation_;
  const std::string who = "server " + std::to_string(i);
  Server& sv = server_[i];
  switch (m.kind) {
    case RAFTLAB_APPLY_COMMAND: {
      if (m.index != sv.last_applied + 1) {
        std::string why;
        if (m.index <= sv.last_applied) {
          why = "index " + std::to_string(m.index) + " was already applied";
          if (sv.last_applied > 0 && sv.commands_applied == 0) why += " or is covered by the snapshot it resumed from";
        } else {
          why = "entries " + std::to_string(sv.last_applied + 1) + ".." + std::to_string(m.index - 1) + " were skipped";
        }
        return Violation(who + " apply out of order: expected index " + std::to_string(sv.last_applied + 1) +
                         ", got " + std::to_string(m.index) + " (" + why +
                         "; every committed entry must be applied exactly once, in index order)");
      }
      Status st = CheckAndRecord(i, m.index, m.data, "");
      if (!st.ok()) return st;
      sv.last_applied = m.index;
      sv.commands_applied++;
      return Status::Ok();
    }
    case RAFTLAB_APPLY_SNAPSHOT:
      return LoadSnapshot(i, m.index, m.data, /*at_restart=*/false);
    default:
      return Violation(who + " applied a message of unknown kind " + std::to_string(m.kind) +
                       " (use RAFTLAB_APPLY_COMMAND or RAFTLAB_APPLY_SNAPSHOT)");
  }
}

ApplyChecker::Committed ApplyChecker::NCommitted(int64_t index) const {
  MutexLock l(*mu_);
  Committed c;
  if (index < 1 || index >= static_cast<int64_t>(log_.size()) || !log_[index].present) return c;
  for (const Server& s : server_) {
    if (s.last_applied >= index) c.count++;
  }
  if (c.count > 0) c.command = log_[index].command;
  return c;
}

int64_t ApplyChecker::LastApplied(int i) const {
  MutexLock l(*mu_);
  return server_[i].last_applied;
}

int64_t ApplyChecker::CommandsApplied(int i) const {
  MutexLock l(*mu_);
  return server_[i].commands_applied;
}

int64_t ApplyChecker::MaxIndex() const {
  MutexLock l(*mu_);
  return max_index_;
}

std::string ApplyChecker::SnapshotPayload(int64_t index) const {
  std::vector<Command> cmds;
  {
    MutexLock l(*mu_);
    cmds.reserve(index);
    for (int64_t k = 1; k <= index && k < static_cast<int64_t>(log_.size()); k++) cmds.push_back(log_[k].command);
  }
  return EncodeSnapshot(static_cast<int64_t>(cmds.size()), cmds);
}

std::optional<Status> ApplyChecker::first_violation() const {
  MutexLock l(*mu_);
  return violation_;
}

}  // namespace raftlab
