#include "harness/linearizability/history.h"

#include <cstdio>
#include <utility>

namespace raftlab::lin {

std::string_view OpKindName(OpKind k) { return k == OpKind::kGet ? "get" : "put"; }

std::string_view KvErrName(KvErr e) {
  switch (e) {
    case KvErr::kOk:
      return "OK";
    case KvErr::kErrNoKey:
      return "ErrNoKey";
    case KvErr::kErrVersion:
      return "ErrVersion";
    case KvErr::kErrMaybe:
      return "ErrMaybe";
  }
  return "?";
}

Operation Operation::Get(int client, std::string key, std::string out_value, uint64_t out_version,
                         KvErr err, int64_t call_ns, int64_t return_ns) {
  Operation op;
  op.client = client;
  op.kind = OpKind::kGet;
  op.key = std::move(key);
  op.out_value = std::move(out_value);
  op.out_version = out_version;
  op.err = err;
  op.call_ns = call_ns;
  op.return_ns = return_ns;
  return op;
}

Operation Operation::Put(int client, std::string key, std::string value, uint64_t version,
                         KvErr err, int64_t call_ns, int64_t return_ns) {
  Operation op;
  op.client = client;
  op.kind = OpKind::kPut;
  op.key = std::move(key);
  op.in_value = std::move(value);
  op.in_version = version;
  op.err = err;
  op.call_ns = call_ns;
  op.return_ns = return_ns;
  return op;
}

std::string QuoteValue(std::string_view v) {
  constexpr size_t kShown = 40;
  std::string out = "\"";
  size_t n = v.size() > kShown ? kShown : v.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += '"';
  if (v.size() > kShown) out += "...(" + std::to_string(v.size()) + " bytes)";
  return out;
}

std::string DescribeOperation(const Operation& op) {
  std::string s;
  if (op.kind == OpKind::kGet) {
    s = "get(" + QuoteValue(op.key) + ") -> ";
    if (op.err == KvErr::kOk) {
      s += "(" + QuoteValue(op.out_value) + ", " + std::to_string(op.out_version) + ", OK)";
    } else {
      s += std::string(KvErrName(op.err));
    }
  } else {
    s = "put(" + QuoteValue(op.key) + ", " + QuoteValue(op.in_value) + ", " +
        std::to_string(op.in_version) + ") -> " + std::string(KvErrName(op.err));
  }
  return s;
}

}  // namespace raftlab::lin
