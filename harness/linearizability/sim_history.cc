#include "harness/linearizability/sim_history.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <queue>
#include <string>
#include <vector>

#include "runtime/rng.h"

namespace raftlab::lin {

namespace {

struct KeyTruth {
  std::string value;
  uint64_t version = 0;
  // The last put that changed the key: its return time and whether the
  // clerk saw it as certainly applied (OK); and the state before it.
  int64_t last_write_return = -1;
  bool last_write_ok = false;
  std::string prev_value;
  uint64_t prev_version = 0;
};

}  // namespace

SimHistory SimulateRegisterHistory(const SimOptions& o) {
  Rng rng(o.seed);
  SimHistory out;
  std::vector<Operation>& ops = out.history.ops;
  ops.reserve(o.ops);
  std::vector<int64_t> point;  // linearization instant of each op
  point.reserve(o.ops);

  // Time-ordered issue: always advance the client that is furthest behind.
  using Slot = std::pair<int64_t, int>;  // (free at, client)
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> free_at;
  for (int c = 0; c < o.clients; ++c) free_at.push({rng.uniform(0, o.max_think_ns), c});
  for (int i = 0; i < o.ops; ++i) {
    auto [t, c] = free_at.top();
    free_at.pop();
    Operation op;
    op.client = c;
    op.key = "k" + std::to_string(rng.below(o.keys));
    op.kind = rng.chance(o.get_percent, 100) ? OpKind::kGet : OpKind::kPut;
    op.call_ns = t;
    op.return_ns = t + rng.uniform(o.min_duration_ns, o.max_duration_ns);
    point.push_back(rng.uniform(op.call_ns, op.return_ns));
    ops.push_back(std::move(op));
    free_at.push({ops.back().return_ns + rng.uniform(1, o.max_think_ns), c});
  }

  // Apply in linearization order to the true registers to fill in outputs.
  std::vector<size_t> order(ops.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&point](size_t a, size_t b) { return point[a] < point[b]; });
  std::map<std::string, KeyTruth> truth;
  int serial = 0;
  for (size_t i : order) {
    Operation& op = ops[i];
    KeyTruth& k = truth[op.key];
    if (op.kind == OpKind::kGet) {
      const bool stale = o.inject_stale_read && out.stale_read < 0 && i > ops.size() / 2 &&
                         k.last_write_ok && k.last_write_return < op.call_ns;
      const std::string& v = stale ? k.prev_value : k.value;
      const uint64_t ver = stale ? k.prev_version : k.version;
      op.err = ver == 0 ? KvErr::kErrNoKey : KvErr::kOk;
      op.out_value = ver == 0 ? "" : v;
      op.out_version = ver;
      if (stale) out.stale_read = static_cast<long>(i);
      continue;
    }
    op.in_value = "v" + std::to_string(++serial) + "c" + std::to_string(op.client);
    op.in_version = k.version;
    if (rng.chance(o.wrong_version_percent, 100)) {
      op.in_version = k.version + static_cast<uint64_t>(rng.uniform(1, 2));
      if (k.version > 0 && rng.chance(1, 2)) op.in_version = k.version - 1;
    }
    if (op.in_version == k.version) {
      k.prev_value = k.value;
      k.prev_version = k.version;
      k.value = op.in_value;
      k.version += 1;
      op.err = KvErr::kOk;
    } else {
      op.err = k.version == 0 ? KvErr::kErrNoKey : KvErr::kErrVersion;
    }
    if (op.err != KvErr::kErrNoKey && rng.chance(o.maybe_percent, 100)) op.err = KvErr::kErrMaybe;
    if (op.in_version + 1 == k.version && op.in_value == k.value) {
      k.last_write_return = op.return_ns;
      k.last_write_ok = op.err == KvErr::kOk;
    }
  }
  return out;
}

}  // namespace raftlab::lin
