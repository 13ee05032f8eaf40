// Mesh: see mesh.h.
#include "labrpc/mesh.h"

#include <algorithm>
#include <cassert>

namespace raftlab::labrpc {

Mesh::Mesh(Network& net, int n, uint64_t seed)
    : net_(net),
      n_(n),
      mu_(net.runtime().make_mutex()),
      rng_(DeriveSeed(seed, "labrpc/mesh")),
      group_(n, 0),
      ends_(n) {}

std::string Mesh::ServerName(int i) const { return "server-" + std::to_string(i); }

std::string Mesh::FreshNameLocked() {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string name(20, ' ');
  for (char& c : name) c = kAlphabet[rng_.below(sizeof(kAlphabet) - 1)];
  return name;
}

std::shared_ptr<ClientEnd> Mesh::MakeEndLocked(int server) {
  for (;;) {
    auto end = net_.MakeEnd(FreshNameLocked());
    if (!end) continue;  // name collision (astronomically rare): draw again
    net_.Connect(end->name(), ServerName(server));
    return end;
  }
}

void Mesh::ApplyLocked() {
  for (int i = 0; i < n_; i++) {
    for (int j = 0; j < n_; j++) {
      if (ends_[i].empty()) continue;
      const bool on = group_[i] >= 0 && group_[i] == group_[j];
      net_.Enable(ends_[i][j], on);
    }
  }
}

std::vector<std::shared_ptr<ClientEnd>> Mesh::MakeEndsFor(int i) {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  for (const std::string& old : ends_[i]) net_.Enable(old, false);  // forever
  std::vector<std::shared_ptr<ClientEnd>> ends;
  std::vector<std::string> names;
  for (int j = 0; j < n_; j++) {
    ends.push_back(MakeEndLocked(j));
    names.push_back(ends.back()->name());
  }
  ends_[i] = std::move(names);
  ApplyLocked();
  return ends;
}

std::vector<std::string> Mesh::EndNames(int i) const {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  return ends_[i];
}

std::vector<std::shared_ptr<ClientEnd>> Mesh::MakeClientEnds(const std::string& client,
                                                             const std::vector<int>& servers) {
  MutexLock l(*mu_);
  std::vector<std::shared_ptr<ClientEnd>> ends;
  auto& mine = clients_[client];
  for (int s : servers) {
    assert(s >= 0 && s < n_);
    ends.push_back(MakeEndLocked(s));
    net_.Enable(ends.back()->name(), true);
    mine.emplace_back(s, ends.back()->name());
  }
  return ends;
}

void Mesh::ConnectClient(const std::string& client, const std::vector<int>& servers) {
  MutexLock l(*mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  for (const auto& [server, name] : it->second) {
    net_.Enable(name, std::find(servers.begin(), servers.end(), server) != servers.end());
  }
}

void Mesh::Connect(int i) {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  group_[i] = 0;
  ApplyLocked();
}

void Mesh::Disconnect(int i) {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  group_[i] = -1;
  ApplyLocked();
}

void Mesh::Partition(const std::vector<std::vector<int>>& groups) {
  MutexLock l(*mu_);
  std::fill(group_.begin(), group_.end(), -1);
  for (size_t k = 0; k < groups.size(); k++) {
    for (int i : groups[k]) {
      assert(i >= 0 && i < n_);
      group_[i] = static_cast<int>(k);
    }
  }
  ApplyLocked();
}

void Mesh::Isolate(int i) {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  std::fill(group_.begin(), group_.end(), 0);
  group_[i] = -1;
  ApplyLocked();
}

void Mesh::Heal() {
  MutexLock l(*mu_);
  std::fill(group_.begin(), group_.end(), 0);
  ApplyLocked();
}

bool Mesh::IsConnected(int i) const {
  assert(i >= 0 && i < n_);
  MutexLock l(*mu_);
  return group_[i] >= 0;
}

}  // namespace raftlab::labrpc
