// ElectionSafety: Raft's Election Safety property (Figure 3: at most one
// leader can be elected in a given term), checked on every get_state() the
// fixture makes, not only inside CheckOneLeader.
//
// Every (term, is_leader) a peer reports is observed. The first time two
// DIFFERENT servers claim leadership of the same term, Observe returns the
// violation ("election safety violated: term 5 has leaders 0 and 2 ..."); it
// keeps returning that first violation afterwards. The same server claiming
// the same term again (even across a restart) is fine.
// It also remembers the last term reported by each server, which the fixture
// stamps on that server's log lines.
//
// Thread safety: every method from any thread (one internal Mutex, never held
// while calling out). Ownership: the Runtime must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

class ElectionSafety {
 public:
  ElectionSafety(Runtime& rt, int servers);
  ElectionSafety(const ElectionSafety&) = delete;
  ElectionSafety& operator=(const ElectionSafety&) = delete;

  // Records one get_state() answer of `server`. OK, or the first violation.
  Status Observe(int server, int64_t term, bool is_leader);
  // The last term `server` reported (-1 before its first report).
  int64_t LastTerm(int server) const;
  // The leader recorded for `term`, if any.
  std::optional<int> LeaderOf(int64_t term) const;

 private:
  std::unique_ptr<Mutex> mu_;
  std::map<int64_t, int> leader_of_term_ GUARDED_BY(*mu_);
  std::vector<int64_t> last_term_ GUARDED_BY(*mu_);
  std::optional<Status> violation_ GUARDED_BY(*mu_);
};

}  // namespace raftlab
