// sim.cc: see sim.h.
#include "tests/reference/sim.h"

#include <utility>

namespace raftlab::ref::testing {

Sim::Sim(SimOptions opts) : opts_(opts), rng_(opts.seed), nodes_(static_cast<size_t>(opts.n)) {
  for (int i = 0; i < opts_.n; i++) Restart(i);
}

int64_t Sim::Delay() {
  const uint64_t span = static_cast<uint64_t>(opts_.max_delay - opts_.min_delay) + 1;
  return opts_.min_delay + static_cast<int64_t>(rng_() % span);
}

void Sim::Schedule(int64_t at, Event ev) { events_.emplace(std::make_pair(at, event_seq_++), std::move(ev)); }

void Sim::Crash(int i) {
  nodes_[i].core.reset();
  nodes_[i].service.clear();
  nodes_[i].incarnation++;
}

void Sim::Restart(int i) {
  Node& node = nodes_[i];
  PersistentState st;
  if (!node.state.empty() && !Decode(node.state, &st)) Fail("peer " + std::to_string(i) + ": corrupt state");
  node.service.clear();
  if (!node.snapshot.empty()) {
    // Like MIT's tester: the service loads the snapshot before make().
    Decoder d(node.snapshot);
    const uint64_t n = d.GetCount(1);
    for (uint64_t k = 0; k < n; k++) node.service.push_back(d.GetBytes());
    if (!d.Finish()) Fail("peer " + std::to_string(i) + ": corrupt snapshot");
  }
  Config config = MakeConfig(i, opts_.n, opts_.seed + 7919 * (node.incarnation + 1));
  node.core = std::make_unique<Core>(std::move(config), st, node.snapshot, now_);
  node.incarnation++;
}

Bytes Sim::EncodeService(const Node& node) const {
  Encoder e;
  e.PutVarint(node.service.size());
  for (const Bytes& cmd : node.service) e.PutBytes(cmd);
  return e.Take();
}

void Sim::Persist(Node& node) {
  if (node.core->TakePersist()) {
    node.state = node.core->EncodeState();
    node.snapshot = node.core->snapshot();
  }
  node.core->TakeWakeups();
}

void Sim::Run(int64_t duration) {
  const int64_t end = now_ + duration;
  while (now_ < end) Step();
}

bool Sim::RunUntil(const std::function<bool()>& pred, int64_t limit) {
  const int64_t end = now_ + limit;
  while (now_ < end) {
    if (pred()) return true;
    Step();
  }
  return pred();
}

void Sim::Step() {
  now_ += 1 * kMs;
  while (!events_.empty() && events_.begin()->first.first <= now_) {
    Event ev = std::move(events_.begin()->second);
    events_.erase(events_.begin());
    Deliver(ev);
  }
  for (int i = 0; i < opts_.n; i++) {
    Node& node = nodes_[i];
    if (!node.core) continue;
    node.core->Tick(now_);
    Persist(node);
    for (int p = 0; p < opts_.n; p++) {
      int64_t wake = 0;
      while (auto m = node.core->NextMessage(p, now_, &wake)) {
        Event ev{Event::kRequest, i, p, node.incarnation, nodes_[p].incarnation, *m, {}};
        ev.payload = std::visit([](const auto& a) { return Encode(a); }, m->args);
        rpcs_++;
        rpcs_by_method_[m->method()]++;
        Schedule(now_ + Delay(), std::move(ev));
      }
    }
    ApplyAll(i);
    if (node.core->is_leader()) {
      auto [it, fresh] = leader_of_term_.emplace(node.core->term(), i);
      if (!fresh && it->second != i) {
        Fail("election safety: term " + std::to_string(node.core->term()) + " has leaders " +
             std::to_string(it->second) + " and " + std::to_string(i));
      }
    }
  }
}

void Sim::Deliver(Event& ev) {
  Node& sender = nodes_[ev.from];
  const bool sender_same = sender.core && sender.incarnation == ev.from_inc;
  if (ev.kind == Event::kFailure) {
    if (sender_same) {
      sender.core->OnSendFailed(ev.out, now_);
      Persist(sender);
    }
    return;
  }
  Node& target = nodes_[ev.to];
  const bool target_same = target.core && target.incarnation == ev.to_inc;
  if (ev.kind == Event::kRequest) {
    if (!target_same || !Linked(ev.from, ev.to)) {
      ev.kind = Event::kFailure;
      Schedule(now_ + opts_.fail_delay, std::move(ev));
      return;
    }
    Bytes reply;
    switch (ev.out.args.index()) {
      case 0: {
        RequestVoteArgs a;
        if (!Decode(ev.payload, &a)) Fail("RequestVote does not decode");
        reply = Encode(target.core->HandleRequestVote(a, now_));
        break;
      }
      case 1: {
        AppendEntriesArgs a;
        if (!Decode(ev.payload, &a)) Fail("AppendEntries does not decode");
        reply = Encode(target.core->HandleAppendEntries(a, now_));
        break;
      }
      default: {
        InstallSnapshotArgs a;
        if (!Decode(ev.payload, &a)) Fail("InstallSnapshot does not decode");
        reply = Encode(target.core->HandleInstallSnapshot(a, now_));
        break;
      }
    }
    Persist(target);  // persist before the reply leaves
    ev.kind = Event::kReply;
    ev.payload = std::move(reply);
    Schedule(now_ + Delay(), std::move(ev));
    return;
  }
  // A reply.
  if (!sender_same) return;
  if (!Linked(ev.from, ev.to)) {
    sender.core->OnSendFailed(ev.out, now_);
  } else {
    switch (ev.out.args.index()) {
      case 0: {
        RequestVoteReply r;
        if (!Decode(ev.payload, &r)) Fail("RequestVote reply does not decode");
        sender.core->OnRequestVoteReply(ev.out, r, now_);
        break;
      }
      case 1: {
        AppendEntriesReply r;
        if (!Decode(ev.payload, &r)) Fail("AppendEntries reply does not decode");
        sender.core->OnAppendEntriesReply(ev.out, r, now_);
        break;
      }
      default: {
        InstallSnapshotReply r;
        if (!Decode(ev.payload, &r)) Fail("InstallSnapshot reply does not decode");
        sender.core->OnInstallSnapshotReply(ev.out, r, now_);
        break;
      }
    }
  }
  Persist(sender);
}

void Sim::ApplyAll(int i) {
  Node& node = nodes_[i];
  const std::string who = "peer " + std::to_string(i);
  while (node.core->HasApply()) {
    for (ApplyItem& item : node.core->TakeApply(16)) {
      const int64_t last = static_cast<int64_t>(node.service.size());
      if (item.is_snapshot) {
        if (item.index <= last) Fail(who + ": snapshot at " + std::to_string(item.index) + " moves the service backwards");
        Decoder d(item.data);
        const uint64_t n = d.GetCount(1);
        std::vector<Bytes> cmds;
        for (uint64_t k = 0; k < n; k++) cmds.push_back(d.GetBytes());
        if (!d.Finish() || static_cast<int64_t>(n) != item.index) Fail(who + ": snapshot does not match its index");
        node.service = std::move(cmds);
        continue;
      }
      if (item.index != last + 1) {
        Fail(who + ": apply out of order, expected " + std::to_string(last + 1) + ", got " +
             std::to_string(item.index));
        return;
      }
      auto [it, fresh] = committed_.emplace(item.index, item.data);
      if (!fresh && it->second != item.data) Fail(who + ": different command committed at " + std::to_string(item.index));
      node.service.push_back(item.data);
      if (opts_.snapshots && item.index % 10 == 9) {
        // MIT's snapshot applier: synchronously, from the apply path.
        if (!node.core->Snapshot(item.index, EncodeService(node))) Fail(who + ": snapshot refused");
        Persist(node);
      }
    }
  }
}

std::optional<int> Sim::Leader() const {
  std::optional<int> best;
  for (int i = 0; i < opts_.n; i++) {
    const Node& node = nodes_[i];
    if (!node.core || !node.connected || !node.core->is_leader()) continue;
    if (!best || node.core->term() > nodes_[*best].core->term()) best = i;
  }
  return best;
}

int Sim::ConnectedLeaders() const {
  int n = 0;
  for (const Node& node : nodes_) n += node.core && node.connected && node.core->is_leader() ? 1 : 0;
  return n;
}

std::optional<int64_t> Sim::Propose(int i, const Bytes& cmd) {
  Node& node = nodes_[i];
  if (!node.core) return std::nullopt;
  ProposeResult r = node.core->Propose(cmd, now_);
  Persist(node);
  if (!r.is_leader) return std::nullopt;
  return r.index;
}

int Sim::Applied(int64_t index, Bytes* cmd) const {
  int count = 0;
  for (const Node& node : nodes_) {
    if (!node.core || index < 1 || index > static_cast<int64_t>(node.service.size())) continue;
    count++;
    if (cmd) *cmd = node.service[static_cast<size_t>(index - 1)];
  }
  return count;
}

std::optional<int64_t> Sim::One(const Bytes& cmd, int expected, int64_t limit) {
  const int64_t end = now_ + limit;
  while (now_ < end) {
    std::optional<int64_t> index;
    for (int k = 0; k < opts_.n && !index; k++) {
      const int i = (next_proposer_ + k) % opts_.n;
      if (nodes_[i].connected) index = Propose(i, cmd);
      if (index) next_proposer_ = i;
    }
    if (!index) {
      Run(50 * kMs);
      continue;
    }
    const int64_t attempt_end = now_ + 2000 * kMs;
    while (now_ < attempt_end) {
      Bytes got;
      if (Applied(*index, &got) >= expected && got == cmd) return index;
      Step();
    }
  }
  return std::nullopt;
}

int64_t Sim::rpc_count(const std::string& method) const {
  auto it = rpcs_by_method_.find(method);
  return it == rpcs_by_method_.end() ? 0 : it->second;
}

}  // namespace raftlab::ref::testing
