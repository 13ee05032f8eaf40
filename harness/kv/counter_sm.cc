#include "harness/kv/counter_sm.h"

#include <charconv>
#include <string_view>

namespace raftlab {

CounterStateMachine::CounterStateMachine(std::string who, std::function<void(const std::string&)> on_violation)
    : who_(std::move(who)), on_violation_(std::move(on_violation)) {
  table_.struct_size = sizeof(raftlab_state_machine);
  table_.ctx = this;
  table_.do_op = &DoOp;
  table_.snapshot = &Snapshot;
  table_.restore = &Restore;
}

void CounterStateMachine::DoOp(void* ctx, const uint8_t* op, size_t len, raftlab_sink* result) {
  auto* self = static_cast<CounterStateMachine*>(ctx);
  const std::string_view o(reinterpret_cast<const char*>(op), op == nullptr ? 0 : len);
  self->applied_.fetch_add(1, std::memory_order_relaxed);
  if (o == kCounterInc) {
    const std::string v = std::to_string(self->value_.fetch_add(1, std::memory_order_acq_rel) + 1);
    if (result != nullptr) result->write(result, reinterpret_cast<const uint8_t*>(v.data()), v.size());
    return;
  }
  if (o == kCounterNull) return;
  if (o == kCounterDec) {
    self->on_violation_(self->who_ +
                        " applied a Dec: Decs are submitted only to a leader cut off from the majority, so "
                        "none can ever be committed (an entry from an isolated leader's log was applied "
                        "without a majority)");
    return;
  }
  self->on_violation_(self->who_ + " was asked to apply an op the harness never submitted (" +
                      std::to_string(len) + " bytes): the rsm must hand do_op exactly the submitted bytes");
}

void CounterStateMachine::Snapshot(void* ctx, raftlab_sink* out) {
  auto* self = static_cast<CounterStateMachine*>(ctx);
  const std::string v = std::to_string(self->value_.load(std::memory_order_acquire));
  if (out != nullptr) out->write(out, reinterpret_cast<const uint8_t*>(v.data()), v.size());
}

void CounterStateMachine::Restore(void* ctx, const uint8_t* data, size_t len) {
  auto* self = static_cast<CounterStateMachine*>(ctx);
  const char* b = reinterpret_cast<const char*>(data);
  int64_t v = 0;
  if (len == 0 || data == nullptr) {
    self->value_.store(0, std::memory_order_release);
    return;
  }
  auto [p, ec] = std::from_chars(b, b + len, v);
  if (ec != std::errc() || p != b + len) {
    self->on_violation_(self->who_ + " was asked to restore a snapshot the counter never made (" +
                        std::to_string(len) + " bytes): the rsm must pass snapshot bytes back unchanged");
    return;
  }
  self->value_.store(v, std::memory_order_release);
}

}  // namespace raftlab
