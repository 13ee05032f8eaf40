#include "harness/linearizability/checker.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "harness/linearizability/kv_model.h"
#include "harness/linearizability/memo_cache.h"

namespace raftlab::lin {

namespace {

using IdState = RegisterState<uint32_t>;
using IdOp = RegisterOp<uint32_t>;

// Shared by every key of one check: the deadline and the clock.
class Budget {
 public:
  explicit Budget(const CheckOptions& o) : now_(o.now_ns) {
    if (o.budget_ns > 0) deadline_ = now_() + o.budget_ns;
  }
  // True once the deadline has passed; sticky.
  bool Expired() {
    if (!expired_ && deadline_ >= 0 && now_() >= deadline_) expired_ = true;
    return expired_;
  }

 private:
  const std::function<int64_t()>& now_;
  int64_t deadline_ = -1;
  bool expired_ = false;
};

// The search over one key's operations. `ops` are indices into the history.
class KeySearch {
 public:
  KeySearch(const History& h, const std::vector<size_t>& ops, const CheckOptions& opt,
            Budget& budget)
      : ops_(ops), opt_(opt), budget_(budget) {
    Compile(h);
    BuildList(h);
  }

  void Run(KeyResult* out);

 private:
  static constexpr int64_t kPollEvery = 256;  // search steps between clock reads

  void Compile(const History& h);
  void BuildList(const History& h);
  void Lift(int call);
  void Unlift(int call);
  void SetBit(uint32_t op) {
    bits_[op >> 6] ^= uint64_t{1} << (op & 63);
    bits_hash_ ^= op_key_[op];
  }
  void RecordPrefix(int blocking_return, const IdState& state, KeyResult* out);

  const std::vector<size_t>& ops_;
  const CheckOptions& opt_;
  Budget& budget_;

  std::vector<IdOp> model_ops_;   // by local op id
  std::vector<uint64_t> op_key_;  // per-op hash keys for the bitset hash
  // Entries 0..2n-1 in time order; index 2n is the list head (sentinel).
  std::vector<uint32_t> entry_op_;
  std::vector<bool> entry_is_call_;
  std::vector<int> match_;  // call <-> return entry
  std::vector<int> next_, prev_;
  int head_ = 0;

  std::vector<uint64_t> bits_;
  uint64_t bits_hash_ = 0;

  struct Frame {
    int call;
    IdState before;
    int variant;
  };
  std::vector<Frame> stack_;
  long best_ = -1;  // length of the longest prefix recorded
};

void KeySearch::Compile(const History& h) {
  std::unordered_map<std::string_view, uint32_t> ids;
  ids.emplace(std::string_view(), 0);  // "" is the initial value
  auto intern = [&ids](const std::string& s) {
    auto [it, added] = ids.emplace(std::string_view(s), static_cast<uint32_t>(ids.size()));
    return it->second;
  };
  model_ops_.reserve(ops_.size());
  op_key_.reserve(ops_.size());
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Operation& op = h.ops[ops_[i]];
    IdOp m;
    m.kind = op.kind;
    m.err = op.err;
    if (op.kind == OpKind::kPut) {
      m.in_value = intern(op.in_value);
      m.in_version = op.in_version;
    } else {
      m.out_value = intern(op.out_value);
      m.out_version = op.out_version;
    }
    model_ops_.push_back(m);
    op_key_.push_back(Mix64(i * 0x2545f4914f6cdd1dULL + 0x1234567ULL));
  }
  bits_.assign((ops_.size() + 63) / 64, 0);
}

void KeySearch::BuildList(const History& h) {
  const int n = static_cast<int>(ops_.size());
  struct Ev {
    int64_t t;
    int is_return;  // calls (0) before returns (1) at equal times: touching = concurrent
    uint32_t op;
  };
  std::vector<Ev> evs;
  evs.reserve(2 * n);
  for (int i = 0; i < n; ++i) {
    const Operation& op = h.ops[ops_[i]];
    evs.push_back({op.call_ns, 0, static_cast<uint32_t>(i)});
    evs.push_back({op.return_ns, 1, static_cast<uint32_t>(i)});
  }
  std::sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) {
    if (a.t != b.t) return a.t < b.t;
    if (a.is_return != b.is_return) return a.is_return < b.is_return;
    return a.op < b.op;
  });
  const int e = 2 * n;
  entry_op_.resize(e);
  entry_is_call_.resize(e);
  match_.assign(e, -1);
  std::vector<int> call_of(n, -1);
  for (int i = 0; i < e; ++i) {
    entry_op_[i] = evs[i].op;
    entry_is_call_[i] = evs[i].is_return == 0;
    if (entry_is_call_[i]) {
      call_of[evs[i].op] = i;
    } else {
      match_[i] = call_of[evs[i].op];
      match_[call_of[evs[i].op]] = i;
    }
  }
  head_ = e;
  next_.resize(e + 1);
  prev_.resize(e + 1);
  for (int i = 0; i <= e; ++i) {
    next_[i] = (i + 1) % (e + 1);
    prev_[i] = (i + e) % (e + 1);
  }
}

// Unlinks a call entry and its return; Unlift restores them in reverse order.
void KeySearch::Lift(int call) {
  const int ret = match_[call];
  next_[prev_[call]] = next_[call];
  prev_[next_[call]] = prev_[call];
  next_[prev_[ret]] = next_[ret];
  prev_[next_[ret]] = prev_[ret];
}

void KeySearch::Unlift(int call) {
  const int ret = match_[call];
  next_[prev_[ret]] = ret;
  prev_[next_[ret]] = ret;
  next_[prev_[call]] = call;
  prev_[next_[call]] = call;
}

// Called when the search meets return entry `blocking_return` with the
// current stack as a linearizable prefix; keeps the longest one.
void KeySearch::RecordPrefix(int blocking_return, const IdState& state, KeyResult* out) {
  if (static_cast<long>(stack_.size()) <= best_) return;
  best_ = static_cast<long>(stack_.size());
  out->linearization.clear();
  for (const Frame& f : stack_) out->linearization.push_back({ops_[entry_op_[f.call]], f.variant});
  out->has_unplaced = true;
  out->unplaced = ops_[entry_op_[blocking_return]];
  out->rejected.clear();
  IdState succ[kMaxSuccessors];
  for (int e = next_[head_]; e != blocking_return; e = next_[e]) {
    if (entry_is_call_[e] && StepRegister(state, model_ops_[entry_op_[e]], succ) == 0) {
      out->rejected.push_back(ops_[entry_op_[e]]);
    }
  }
  // The blocking operation itself is a candidate too (its call precedes it).
  if (StepRegister(state, model_ops_[entry_op_[blocking_return]], succ) == 0 &&
      std::find(out->rejected.begin(), out->rejected.end(), out->unplaced) == out->rejected.end()) {
    out->rejected.push_back(out->unplaced);
  }
}

void KeySearch::Run(KeyResult* out) {
  MemoCache cache(bits_.size());
  IdState state;  // ("", 0)
  IdState succ[kMaxSuccessors];
  int e = next_[head_];
  int first_variant = 0;
  int64_t steps = 0;
  // An entry holds the bit set of linearized operations plus the state
  // (about 64 bytes with its bookkeeping).
  const size_t entry_bytes = 64 + bits_.size() * sizeof(bits_[0]);
  const size_t max_entries = std::min(opt_.max_cache_entries, opt_.max_cache_bytes / entry_bytes);
  out->result = CheckResult::kOk;
  while (next_[head_] != head_) {
    if (++steps % kPollEvery == 0 && budget_.Expired()) {
      out->result = CheckResult::kUnknown;
      break;
    }
    if (entry_is_call_[e]) {
      const uint32_t op = entry_op_[e];
      const int n = StepRegister(state, model_ops_[op], succ);
      bool placed = false;
      for (int v = first_variant; v < n && !placed; ++v) {
        SetBit(op);
        if (cache.Insert(bits_.data(), bits_hash_, succ[v].value, succ[v].version)) {
          stack_.push_back({e, state, v});
          state = succ[v];
          Lift(e);
          placed = true;
        } else {
          SetBit(op);  // toggles back
        }
      }
      first_variant = 0;
      e = placed ? next_[head_] : next_[e];
      if (cache.size() > max_entries) {
        out->result = CheckResult::kUnknown;
        break;
      }
      continue;
    }
    // A return entry: its operation had to be linearized by now. Backtrack.
    RecordPrefix(e, state, out);
    if (stack_.empty()) {
      out->result = CheckResult::kIllegal;
      break;
    }
    const Frame f = stack_.back();
    stack_.pop_back();
    state = f.before;
    SetBit(entry_op_[f.call]);
    Unlift(f.call);
    e = f.call;
    first_variant = f.variant + 1;
  }
  if (out->result == CheckResult::kOk) {
    out->linearization.clear();
    for (const Frame& f : stack_) out->linearization.push_back({ops_[entry_op_[f.call]], f.variant});
    out->has_unplaced = false;
    out->rejected.clear();
  }
  out->steps = steps;
  out->cache_entries = cache.size();
}

std::string FormatMs(int64_t ns, int64_t origin) {
  if (ns == kNeverReturned) return "never";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns - origin) / 1e6);
  return buf;
}

}  // namespace

std::string_view CheckResultName(CheckResult r) {
  switch (r) {
    case CheckResult::kOk:
      return "ok";
    case CheckResult::kIllegal:
      return "illegal";
    case CheckResult::kUnknown:
      return "unknown";
  }
  return "?";
}

const KeyResult* CheckReport::FirstIllegal() const {
  for (const KeyResult& k : keys) {
    if (k.result == CheckResult::kIllegal) return &k;
  }
  return nullptr;
}

std::string CheckReport::Summary(const History& h) const {
  if (result == CheckResult::kOk) return "history is linearizable";
  int64_t origin = 0;
  if (!h.ops.empty()) {
    origin = h.ops.front().call_ns;
    for (const Operation& op : h.ops) origin = std::min(origin, op.call_ns);
  }
  std::string s;
  if (result == CheckResult::kUnknown) {
    s = std::string(kUnknownMessage) + " (unfinished keys:";
    int shown = 0;
    for (const KeyResult& k : keys) {
      if (k.result != CheckResult::kUnknown) continue;
      if (++shown > 5) {
        s += " ...";
        break;
      }
      s += " " + QuoteValue(k.key);
    }
    return s + ")";
  }
  s = std::string(kIllegalMessage);
  for (const KeyResult& k : keys) {
    if (k.result != CheckResult::kIllegal) continue;
    s += "\n  key " + QuoteValue(k.key) + ": after a linearizable prefix of " +
         std::to_string(k.linearization.size()) + " of " + std::to_string(k.ops.size()) +
         " operations, ";
    if (k.has_unplaced) {
      const Operation& op = h.ops[k.unplaced];
      s += "client " + std::to_string(op.client) + "'s " + DescribeOperation(op) + " [call " +
           FormatMs(op.call_ns, origin) + ", return " + FormatMs(op.return_ns, origin) +
           "] cannot be placed";
    } else {
      s += "no operation can be placed";
    }
  }
  return s;
}

StatusOr<CheckReport> CheckHistory(const History& h, const CheckOptions& options) {
  if (options.budget_ns > 0 && !options.now_ns) {
    return Status::InvalidArgument("linearizability check: a time budget needs a clock (now_ns)");
  }
  std::map<std::string_view, std::vector<size_t>> by_key;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Operation& op = h.ops[i];
    if (op.return_ns < op.call_ns) {
      return Status::InvalidArgument("linearizability check: operation " + std::to_string(i) +
                                     " (" + DescribeOperation(op) + ") returns before its call");
    }
    by_key[op.key].push_back(i);
  }
  const int64_t start = options.now_ns ? options.now_ns() : 0;
  Budget budget(options);
  CheckReport report;
  bool illegal = false, unknown = false;
  for (auto& [key, idx] : by_key) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&h](size_t a, size_t b) { return h.ops[a].call_ns < h.ops[b].call_ns; });
    KeyResult kr;
    kr.key = std::string(key);
    kr.ops = idx;
    if (budget.Expired()) {
      kr.result = CheckResult::kUnknown;
    } else {
      KeySearch search(h, kr.ops, options, budget);
      search.Run(&kr);
    }
    illegal |= kr.result == CheckResult::kIllegal;
    unknown |= kr.result == CheckResult::kUnknown;
    report.keys.push_back(std::move(kr));
  }
  report.result = illegal ? CheckResult::kIllegal : unknown ? CheckResult::kUnknown : CheckResult::kOk;
  if (options.now_ns) report.elapsed_ns = options.now_ns() - start;
  return report;
}

}  // namespace raftlab::lin
