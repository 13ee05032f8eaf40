// CounterStateMachine: the service the rsm tests put under a student's rsm
// (MIT 6.5840 rsm_test.go): one integer counter behind a
// raftlab_state_machine.
//   "Inc"  -> increments the counter; result: the new value, in decimal.
//   "Null" -> result empty, state unchanged.
//   "Dec"  -> never legal: the rsm tests submit Decs only to an isolated
//             leader, which must never get them committed. Applying one is
//             reported through on_violation (the test fails) and ignored.
//   anything else -> reported the same way (the rsm changed the op bytes).
// Snapshot: the counter in decimal; Restore parses it (bad bytes are
// reported).
//
// Thread safety: the raftlab_state_machine calls come from the rsm's applier
// (one at a time, per raftlab.h); value() may be read from any thread.
// Ownership: the node that made the rsm owns this object; it must outlive the
// rsm's destroy() (a zombie rsm leaks it deliberately).
#pragma once

#include <raftlab/raftlab.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace raftlab {

inline constexpr char kCounterInc[] = "Inc";
inline constexpr char kCounterDec[] = "Dec";
inline constexpr char kCounterNull[] = "Null";

class CounterStateMachine {
 public:
  // `who` names the server in messages ("server 2").
  CounterStateMachine(std::string who, std::function<void(const std::string&)> on_violation);
  CounterStateMachine(const CounterStateMachine&) = delete;
  CounterStateMachine& operator=(const CounterStateMachine&) = delete;

  const raftlab_state_machine* table() const { return &table_; }
  int64_t value() const { return value_.load(std::memory_order_acquire); }
  int64_t ops_applied() const { return applied_.load(std::memory_order_relaxed); }

 private:
  static void DoOp(void* ctx, const uint8_t* op, size_t len, raftlab_sink* result);
  static void Snapshot(void* ctx, raftlab_sink* out);
  static void Restore(void* ctx, const uint8_t* data, size_t len);

  const std::string who_;
  const std::function<void(const std::string&)> on_violation_;
  std::atomic<int64_t> value_{0};
  std::atomic<int64_t> applied_{0};
  raftlab_state_machine table_{};
};

}  // namespace raftlab
