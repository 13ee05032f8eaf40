#include "harness/linearizability/kv_model.h"

namespace raftlab::lin {

RegisterOp<std::string> ToRegisterOp(const Operation& op) {
  RegisterOp<std::string> r;
  r.kind = op.kind;
  r.in_value = op.in_value;
  r.in_version = op.in_version;
  r.out_value = op.out_value;
  r.out_version = op.out_version;
  r.err = op.err;
  return r;
}

std::string DescribeState(const StringState& s) {
  if (s.version == 0) return "(no key)";
  return "(" + QuoteValue(s.value) + ", " + std::to_string(s.version) + ")";
}

std::string_view VariantLabel(const Operation& op, int variant, int successors) {
  if (op.kind != OpKind::kPut || op.err != KvErr::kErrMaybe) return "";
  if (successors < 2) return "not applied";
  return variant == 0 ? "applied" : "not applied";
}

}  // namespace raftlab::lin
