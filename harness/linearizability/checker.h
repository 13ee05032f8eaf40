// The linearizability checker for key/value histories.
//
// CheckHistory splits a History by key (P-compositionality: a history of
// independent registers is linearizable iff each key's sub-history is) and
// runs, per key, the Wing & Gong backtracking search with Lowe's just-in-time
// linearization: call and return entries sit in one time-ordered linked list;
// the search linearizes the first call it can, unlinks it and restarts from
// the head, and backtracks when it meets a return entry (that operation
// should already have been placed). A cache of (set of linearized operations,
// model state) pairs prunes configurations already explored.
//
// Budget: the whole check shares one time budget. When it runs out the keys
// not finished are kUnknown and so is the result, unless some key is already
// kIllegal (an illegal key always wins). Callers report kUnknown as a pass
// with a visible warning (kUnknownMessage), as Porcupine-based testers do.
//
// On kIllegal each illegal key reports the longest linearizable prefix the
// search found, the operation that could not be placed after it (the first
// operation, by return time, still outstanding there) and the candidates the
// model rejected at that point.
//
// Thread safety: CheckHistory is reentrant; it reads the History and the
// options, calls options.now_ns from the calling thread only, and keeps no
// state between calls. Ownership: the report refers to operations by index
// into History::ops, so it is meaningful only with that History.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/linearizability/history.h"
#include "runtime/status.h"

namespace raftlab::lin {

enum class CheckResult { kOk, kIllegal, kUnknown };
std::string_view CheckResultName(CheckResult r);  // "ok" / "illegal" / "unknown"

// The failure and warning lines the tests print (MIT's wording).
inline constexpr std::string_view kIllegalMessage = "history is not linearizable";
inline constexpr std::string_view kUnknownMessage =
    "linearizability check timed out, assuming history is ok";

struct CheckOptions {
  // Time budget for the whole check in nanoseconds; 0 means unlimited.
  int64_t budget_ns = 0;
  // Monotonic clock in nanoseconds (e.g. [&rt] { return rt.now().count(); }).
  // Required when budget_ns > 0; it is read every few hundred search steps.
  std::function<int64_t()> now_ns;
  // Memory guard: a key whose cache grows past this many entries is
  // kUnknown (each entry costs about 24 bytes plus one bit per operation of
  // the key).
  size_t max_cache_entries = size_t{1} << 24;
  // Memory guard in bytes, for keys with many operations, where one entry's
  // bit set is large: the entry limit becomes at most this many bytes'
  // worth. The test child runs under a memory limit (RLIMIT_AS), so the
  // checker must give up (kUnknown) long before reaching it.
  size_t max_cache_bytes = size_t{768} << 20;
};

// One step of a linearization: the operation and which successor of the
// model it took (0 except for "not applied" ErrMaybe puts; see kv_model.h).
struct LinearizedOp {
  size_t op = 0;
  int variant = 0;
};

struct KeyResult {
  std::string key;
  CheckResult result = CheckResult::kOk;
  std::vector<size_t> ops;  // this key's operations, by call time
  // kOk: a full linearization. kIllegal/kUnknown: the longest linearizable
  // prefix found so far (may be empty).
  std::vector<LinearizedOp> linearization;
  // kIllegal (and kUnknown when the search got far enough): the operation
  // that could not be placed after `linearization`, and the outstanding
  // operations the model rejected there (unplaced is among them when the
  // model rejected it, as for a stale read).
  bool has_unplaced = false;
  size_t unplaced = 0;
  std::vector<size_t> rejected;
  int64_t steps = 0;          // search iterations
  size_t cache_entries = 0;   // memo entries at the end
};

struct CheckReport {
  CheckResult result = CheckResult::kOk;
  std::vector<KeyResult> keys;  // sorted by key
  int64_t elapsed_ns = -1;      // -1 when no clock was given
  // One or more lines for a person: kIllegalMessage plus, per illegal key,
  // the prefix length and the operation that could not be placed; or
  // kUnknownMessage plus the unfinished keys; or "history is linearizable".
  std::string Summary(const History& h) const;
  const KeyResult* FirstIllegal() const;
};

// Errors (InvalidArgument): an operation with return_ns < call_ns, or a
// budget without a clock.
StatusOr<CheckReport> CheckHistory(const History& h, const CheckOptions& options = {});

}  // namespace raftlab::lin
