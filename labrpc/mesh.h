// Mesh: the tester's wiring of n Raft peers over a Network (MIT config.go's
// connect/disconnect model) plus partition helpers.
//
// Server i is registered by the fixture under ServerName(i) = "server-<i>".
// Every incarnation of peer i gets fresh ends with random 20-character names
// (MakeEndsFor), one to each peer j including itself; the previous
// incarnation's ends are disabled for good, so a zombie can never talk again.
//
// Connectivity is a group per peer: the end i->j is enabled iff i and j are
// in the same group; a peer in no group is cut off from everyone (itself
// included, as MIT's disconnect). Initially every peer is in group 0.
//   Connect(i)     puts i in group 0 (with every connected peer, MIT connect)
//   Disconnect(i)  takes i out of every group (MIT disconnect)
//   Partition(gs)  group k = gs[k]; peers not listed are cut off
//   Isolate(i)     everyone else in group 0, i cut off
//   Heal()         everyone in group 0
// Client ends (MakeClientEnds, e.g. a KV clerk) do not follow the peer
// groups: they are enabled when made and switched with ConnectClient.
//
// Thread safety: every method may be called from any thread. Ownership: the
// Network must outlive the Mesh; ends returned are shared with the caller.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "labrpc/client_end.h"
#include "labrpc/network.h"
#include "runtime/rng.h"
#include "runtime/runtime.h"

namespace raftlab::labrpc {

class Mesh {
 public:
  Mesh(Network& net, int n, uint64_t seed);
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;

  // New ends from peer i to every peer j (index j), connected to
  // ServerName(j) and enabled per the current groups. Disables i's older ends.
  std::vector<std::shared_ptr<ClientEnd>> MakeEndsFor(int i);
  // New ends from an external client to the given servers (same order),
  // enabled. Several calls for one client add ends.
  std::vector<std::shared_ptr<ClientEnd>> MakeClientEnds(const std::string& client,
                                                         const std::vector<int>& servers);
  // Enables the client's ends to `servers` and disables its other ends.
  void ConnectClient(const std::string& client, const std::vector<int>& servers);

  void Connect(int i);
  void Disconnect(int i);
  void Partition(const std::vector<std::vector<int>>& groups);
  void Isolate(int i);
  void Heal();
  bool IsConnected(int i) const;   // in some group
  std::string ServerName(int i) const;
  // The names of peer i's current ends, index j: the end i->j (empty before
  // MakeEndsFor(i)).
  std::vector<std::string> EndNames(int i) const;
  int size() const { return n_; }

 private:
  std::string FreshNameLocked() REQUIRES(*mu_);
  std::shared_ptr<ClientEnd> MakeEndLocked(int server) REQUIRES(*mu_);
  void ApplyLocked() REQUIRES(*mu_);

  Network& net_;
  const int n_;
  const std::unique_ptr<Mutex> mu_;
  Rng rng_ GUARDED_BY(*mu_);
  std::vector<int> group_ GUARDED_BY(*mu_);                       // -1: cut off
  std::vector<std::vector<std::string>> ends_ GUARDED_BY(*mu_);   // [i][j]: current end i->j
  std::map<std::string, std::vector<std::pair<int, std::string>>> clients_ GUARDED_BY(*mu_);
};

}  // namespace raftlab::labrpc
