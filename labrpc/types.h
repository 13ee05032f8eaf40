// Basic labrpc vocabulary shared by the network, servers and ends: message
// bytes, the service handler signature and the per-method counters.
//
// Thread safety: plain types. Ownership: value types.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace raftlab::labrpc {

// An encoded request or reply. labrpc always copies: a handler never sees
// the caller's buffer and the caller never sees the handler's.
using Bytes = std::vector<uint8_t>;

// A service handler receives the full "Service.Method" name, the request and
// an empty reply to fill. It returns false when the method is unknown
// (labrpc reports that as a student error and the Call fails). `method` and
// `req` are valid for the duration of the call only.
using Handler = std::function<bool(std::string_view method, const Bytes& req, Bytes* reply)>;

// Counters for one "Service.Method" (beyond MIT, which only counts totals).
//   sent:      Calls that reached the network (MIT's total count, per method)
//   delivered: requests that reached a server's dispatcher (MIT's per-server
//              count, per method)
//   bytes:     request bytes at send + reply bytes of replies delivered
struct MethodStats {
  int64_t sent = 0;
  int64_t delivered = 0;
  int64_t bytes = 0;
};

}  // namespace raftlab::labrpc
