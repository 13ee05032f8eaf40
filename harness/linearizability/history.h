// History: the record of every key/value clerk call made during one test, as
// the linearizability checker and the visualisation consume it.
//
// An Operation is one completed clerk call: which client made it, get or put,
// the key, the inputs (put: value and expected version), the outputs (get:
// value and version; both: the error) and the call and return times in
// nanoseconds on ONE monotonic clock (the harness Runtime's now()). The
// interval [call_ns, return_ns] is closed: operations whose intervals touch
// are concurrent.
//
// An Annotation is a labelled time band (a partition, a crash, anything the
// test wants to show) drawn behind the operations in the visualisation; the
// checker ignores annotations.
//
// Thread safety: plain value types with no internal locking. A recorder that
// appends from many clerk threads must hold its own lock (the KV fixture does).
// Ownership: a History owns its operations and annotations by value.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace raftlab::lin {

enum class OpKind : uint8_t { kGet, kPut };

// The outcomes a clerk reports (MIT 6.5840 2025 vocabulary). kErrMaybe is a
// put-only outcome: the put may or may not have been applied.
enum class KvErr : uint8_t { kOk, kErrNoKey, kErrVersion, kErrMaybe };

std::string_view OpKindName(OpKind k);  // "get" / "put"
std::string_view KvErrName(KvErr e);    // "OK" / "ErrNoKey" / "ErrVersion" / "ErrMaybe"

// Return time of a put that never returned (a clerk still blocked when the
// test ended). Record such a put with kErrMaybe: it may take effect at any
// point after its call. A get that never returned carries no information;
// leave it out of the history.
inline constexpr int64_t kNeverReturned = std::numeric_limits<int64_t>::max();

struct Operation {
  int client = 0;  // clerk index; the tester's own calls may use -1
  OpKind kind = OpKind::kGet;
  std::string key;
  // Inputs (put only).
  std::string in_value;
  uint64_t in_version = 0;
  // Outputs. out_value/out_version are meaningful for a get with kOk only.
  std::string out_value;
  uint64_t out_version = 0;
  KvErr err = KvErr::kOk;
  // Monotonic nanoseconds, call_ns <= return_ns.
  int64_t call_ns = 0;
  int64_t return_ns = 0;

  static Operation Get(int client, std::string key, std::string out_value, uint64_t out_version,
                       KvErr err, int64_t call_ns, int64_t return_ns);
  static Operation Put(int client, std::string key, std::string value, uint64_t version, KvErr err,
                       int64_t call_ns, int64_t return_ns);
};

enum class AnnotationKind : uint8_t { kPartition, kCrash, kOther };

struct Annotation {
  AnnotationKind kind = AnnotationKind::kOther;
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // == start_ns for a point event
  std::string label;   // e.g. "partition {0,1} | {2,3,4}", "crash all"
};

struct History {
  std::vector<Operation> ops;
  std::vector<Annotation> annotations;
};

// One line such as `get("k") -> ("v", 3, OK)` or `put("k", "v", 2) -> ErrMaybe`.
// Long or binary values are shortened and escaped so the line stays readable.
std::string DescribeOperation(const Operation& op);

// A value as shown to a person: quoted, non-printable bytes as \xNN, values
// longer than 40 bytes cut with their full length noted.
std::string QuoteValue(std::string_view v);

}  // namespace raftlab::lin
