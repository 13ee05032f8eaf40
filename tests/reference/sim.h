// sim.h: a deterministic, single-threaded simulation of a cluster of pure
// Raft cores for tests/reference. Simulated time moves in 1 ms steps;
// messages are encoded and decoded on the way (so the wire format is
// exercised too) and delivered after a seeded random delay. The network
// follows labrpc's rules in miniature: a message to or from a disconnected
// or crashed peer fails, and the sender learns of the failure later.
//
// The simulated service mirrors MIT's tester: it checks on every apply that
// commands arrive in order and that every peer applied the same command at
// each index, and with snapshots on it snapshots at every index = 9 mod 10,
// synchronously from the apply path. The first violation is kept in error().
//
// Thread safety: none (single-threaded by design).
#ifndef RAFTLAB_TESTS_REFERENCE_SIM_H_
#define RAFTLAB_TESTS_REFERENCE_SIM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reference/core.h"
#include "tests/reference/test_util.h"

namespace raftlab::ref::testing {

struct SimOptions {
  int n = 3;
  uint64_t seed = 1;
  bool snapshots = false;        // service snapshots every 10 entries
  int64_t min_delay = 1 * kMs;   // one-way network delay
  int64_t max_delay = 3 * kMs;
  int64_t fail_delay = 20 * kMs;  // how long a failed call takes to report
};

class Sim {
 public:
  explicit Sim(SimOptions opts);

  int64_t now() const { return now_; }
  // Advances simulated time by `duration` in 1 ms steps.
  void Run(int64_t duration);
  // Runs until pred() holds (true) or `limit` passes (false).
  bool RunUntil(const std::function<bool()>& pred, int64_t limit);

  // The live, connected peer that is leader with the highest term.
  std::optional<int> Leader() const;
  int ConnectedLeaders() const;

  void Disconnect(int i) { nodes_[i].connected = false; }
  void Connect(int i) { nodes_[i].connected = true; }
  // Crash: the peer's memory is gone; its persister survives.
  void Crash(int i);
  // Restart from the persister; the service reloads the saved snapshot.
  void Restart(int i);
  bool alive(int i) const { return nodes_[i].core != nullptr; }

  // Start(cmd) on peer i; the index if it is leader.
  std::optional<int64_t> Propose(int i, const Bytes& cmd);
  // MIT's one(): propose on a leader until `expected` peers applied cmd at
  // one index; the index, or nullopt after `limit`.
  std::optional<int64_t> One(const Bytes& cmd, int expected, int64_t limit = 10000 * kMs);
  // How many peers applied an entry at index (and which command).
  int Applied(int64_t index, Bytes* cmd = nullptr) const;

  Core& core(int i) { return *nodes_[i].core; }
  size_t persisted_state_size(int i) const { return nodes_[i].state.size(); }
  int64_t rpc_count() const { return rpcs_; }
  int64_t rpc_count(const std::string& method) const;
  const std::string& error() const { return error_; }

 private:
  struct Node {
    std::unique_ptr<Core> core;  // null while crashed
    uint64_t incarnation = 0;
    bool connected = true;
    Bytes state, snapshot;         // the persister
    std::vector<Bytes> service;    // commands applied, service[k] is index k+1
  };
  struct Event {
    enum Kind { kRequest, kReply, kFailure } kind;
    int from, to;  // from = the sender of the request
    uint64_t from_inc, to_inc;
    Outgoing out;
    Bytes payload;
  };

  void Step();
  void Deliver(Event& ev);
  void Persist(Node& node);
  void ApplyAll(int i);
  void Schedule(int64_t at, Event ev);
  int64_t Delay();
  bool Linked(int a, int b) const { return nodes_[a].connected && nodes_[b].connected; }
  void Fail(const std::string& msg) {
    if (error_.empty()) error_ = msg;
  }
  Bytes EncodeService(const Node& node) const;

  SimOptions opts_;
  SplitMix rng_;
  int64_t now_ = 0;
  std::vector<Node> nodes_;
  std::map<std::pair<int64_t, uint64_t>, Event> events_;
  uint64_t event_seq_ = 0;
  std::map<int64_t, Bytes> committed_;  // index -> first command seen applied
  std::map<int64_t, int> leader_of_term_;
  std::map<std::string, int64_t> rpcs_by_method_;
  int64_t rpcs_ = 0;
  int next_proposer_ = 0;
  std::string error_;
};

}  // namespace raftlab::ref::testing

#endif  // RAFTLAB_TESTS_REFERENCE_SIM_H_
