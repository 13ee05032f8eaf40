// The versioned-register model: the sequential specification one key of the
// key/value service must meet (MIT 6.5840 2025 semantics).
//
// State: (value, version), starting at ("", 0); version 0 means "no such key".
//   get            -> (value, version, OK) when version > 0, ErrNoKey when 0.
//                     Both the value and the version must match the state
//                     (MIT's model compares the value only; a server that
//                     returns a wrong version is a bug we want to see).
//   put(v, ver)    -> OK and state (v, version+1)   when ver == version;
//                     ErrNoKey, state unchanged      when version == 0, ver > 0;
//                     ErrVersion, state unchanged    when version > 0, ver != version;
//                     ErrMaybe: legal either way. If ver == version the put
//                     may have been applied (state (v, version+1)) or not
//                     (state unchanged); otherwise it was not applied.
// Rationale for "either way": an ErrMaybe put is a put whose outcome the
// clerk does not know, so "not applied" must stay possible even where its
// version matches (MIT's model forces "applied" there). This is also what a
// put that never returned needs (see kNeverReturned in history.h).
//
// The model is a template over the value representation so the checker can
// run it on interned value ids and the visualisation on the strings; both
// give the same successors in the same order.
//
// Thread safety: pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "harness/linearizability/history.h"

namespace raftlab::lin {

template <typename V>
struct RegisterState {
  V value{};
  uint64_t version = 0;
  bool operator==(const RegisterState&) const = default;
};

// One operation in the model's terms (inputs and outputs only, no times).
template <typename V>
struct RegisterOp {
  OpKind kind = OpKind::kGet;
  V in_value{};
  uint64_t in_version = 0;
  V out_value{};
  uint64_t out_version = 0;
  KvErr err = KvErr::kOk;
};

// At most two successor states: an ErrMaybe put whose version matches.
inline constexpr int kMaxSuccessors = 2;

// Writes the legal successor states of `s` under `op` into next[0..n) and
// returns n; 0 means the operation is illegal in state `s`. The order is
// fixed: for a matching ErrMaybe put, next[0] is "applied", next[1] "not
// applied".
template <typename V>
int StepRegister(const RegisterState<V>& s, const RegisterOp<V>& op,
                 RegisterState<V> next[kMaxSuccessors]) {
  if (op.kind == OpKind::kGet) {
    bool legal = false;
    if (op.err == KvErr::kOk) {
      legal = s.version > 0 && op.out_version == s.version && op.out_value == s.value;
    } else if (op.err == KvErr::kErrNoKey) {
      legal = s.version == 0;
    }  // a get never ends with ErrVersion or ErrMaybe
    if (!legal) return 0;
    next[0] = s;
    return 1;
  }
  const bool match = op.in_version == s.version;
  switch (op.err) {
    case KvErr::kOk:
      if (!match) return 0;
      next[0] = RegisterState<V>{op.in_value, s.version + 1};
      return 1;
    case KvErr::kErrNoKey:
      if (!(s.version == 0 && op.in_version > 0)) return 0;
      next[0] = s;
      return 1;
    case KvErr::kErrVersion:
      if (!(s.version > 0 && !match)) return 0;
      next[0] = s;
      return 1;
    case KvErr::kErrMaybe:
      if (match) {
        next[0] = RegisterState<V>{op.in_value, s.version + 1};
        next[1] = s;
        return 2;
      }
      next[0] = s;
      return 1;
  }
  return 0;
}

// The model on strings, for replaying a linearization.
using StringState = RegisterState<std::string>;
RegisterOp<std::string> ToRegisterOp(const Operation& op);

// `("v", 3)` or `(no key)` for version 0.
std::string DescribeState(const StringState& s);

// Short label for a successor variant: "applied" / "not applied" for a
// matching ErrMaybe put, "" otherwise.
std::string_view VariantLabel(const Operation& op, int variant, int successors);

}  // namespace raftlab::lin
