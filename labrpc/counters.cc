// MethodRegistry: see counters.h.
#include "labrpc/counters.h"

namespace raftlab::labrpc {

const std::shared_ptr<MethodCounters>& MethodRegistry::Get(std::string_view svc_meth) {
  auto it = by_name_.find(svc_meth);
  if (it == by_name_.end()) {
    std::string name(svc_meth);
    auto counters = std::make_shared<MethodCounters>(name);
    it = by_name_.emplace(std::move(name), std::move(counters)).first;
  }
  return it->second;
}

std::map<std::string, MethodStats> MethodRegistry::Snapshot() const {
  std::map<std::string, MethodStats> out;
  for (const auto& [name, c] : by_name_) {
    out[name] = MethodStats{c->sent.load(std::memory_order_relaxed),
                            c->delivered.load(std::memory_order_relaxed),
                            c->bytes.load(std::memory_order_relaxed)};
  }
  return out;
}

}  // namespace raftlab::labrpc
