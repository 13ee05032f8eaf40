#include "harness/raft/election_safety.h"

#include <algorithm>
#include <string>

namespace raftlab {

ElectionSafety::ElectionSafety(Runtime& rt, int servers) : mu_(rt.make_mutex()), last_term_(servers, -1) {}

Status ElectionSafety::Observe(int server, int64_t term, bool is_leader) {
  MutexLock l(*mu_);
  if (server >= 0 && server < static_cast<int>(last_term_.size())) last_term_[server] = term;
  if (violation_) return *violation_;
  if (!is_leader) return Status::Ok();
  auto [it, inserted] = leader_of_term_.emplace(term, server);
  if (inserted || it->second == server) return Status::Ok();
  const int a = std::min(it->second, server);
  const int b = std::max(it->second, server);
  violation_ = Status::TestFailure("election safety violated: term " + std::to_string(term) + " has leaders " +
                                   std::to_string(a) + " and " + std::to_string(b) +
                                   " (Figure 3: at most one leader per term; a server may grant only one vote "
                                   "per term, and must persist votedFor before replying)");
  return *violation_;
}

int64_t ElectionSafety::LastTerm(int server) const {
  MutexLock l(*mu_);
  if (server < 0 || server >= static_cast<int>(last_term_.size())) return -1;
  return last_term_[server];
}

std::optional<int> ElectionSafety::LeaderOf(int64_t term) const {
  MutexLock l(*mu_);
  auto it = leader_of_term_.find(term);
  if (it == leader_of_term_.end()) return std::nullopt;
  return it->second;
}

}  // namespace raftlab
