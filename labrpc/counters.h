// MethodCounters / MethodRegistry: labrpc's per-"Service.Method" counters
// (sent, delivered, bytes; definitions in types.h, MethodStats).
//
// Thread safety: a MethodCounters is updated with relaxed atomics from any
// thread. The registry itself is NOT thread safe: the Network guards it with
// its own mutex. Ownership: the registry owns its entries; a call in flight
// keeps its entry alive through a shared_ptr.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "labrpc/types.h"

namespace raftlab::labrpc {

struct MethodCounters {
  explicit MethodCounters(std::string n) : name(std::move(n)) {}
  const std::string name;  // "Service.Method"
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> bytes{0};
};

class MethodRegistry {
 public:
  // The counters of `svc_meth`, created on first use.
  const std::shared_ptr<MethodCounters>& Get(std::string_view svc_meth);
  std::map<std::string, MethodStats> Snapshot() const;

 private:
  std::map<std::string, std::shared_ptr<MethodCounters>, std::less<>> by_name_;
};

}  // namespace raftlab::labrpc
