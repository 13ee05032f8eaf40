// kvserver.cc: see kvserver.h.
#include "reference/kvserver.h"

#include <utility>

namespace raftlab::ref {
namespace {

// The raftlab_state_machine callbacks over a KvStore (ctx).
KvStore* StoreOf(void* ctx) { return static_cast<KvStore*>(ctx); }

void SmDoOp(void* ctx, const uint8_t* op, size_t len, raftlab_sink* result) {
  const Bytes r = StoreOf(ctx)->DoOp(ByteView(op, len));
  result->write(result, r.data(), r.size());
}
void SmSnapshot(void* ctx, raftlab_sink* out) {
  const Bytes s = StoreOf(ctx)->Snapshot();
  out->write(out, s.data(), s.size());
}
void SmRestore(void* ctx, const uint8_t* data, size_t len) {
  // A snapshot this server's own rsm wrote cannot be malformed unless the
  // persister is corrupt; the store then keeps its state (and says nothing:
  // there is no host here). The rsm logs malformed rsm envelopes.
  (void)StoreOf(ctx)->Restore(ByteView(data, len));
}

}  // namespace

KvServer::KvServer(Host host, int me, int npeers, int64_t maxraftstate) : host_(host) {
  sm_.struct_size = sizeof sm_;
  sm_.ctx = &store_;
  sm_.do_op = &SmDoOp;
  sm_.snapshot = &SmSnapshot;
  sm_.restore = &SmRestore;
  rsm_ = std::make_unique<Rsm>(host, me, npeers, maxraftstate, StateMachine(&sm_));
}

int32_t KvServer::HandleRpc(std::string_view method, ByteView req, Bytes* reply) {
  if (method == kKvGet) return HandleGet(req, reply);
  if (method == kKvPut) return HandlePut(req, reply);
  return rsm_->HandleRpc(method, req, reply);
}

int32_t KvServer::HandleGet(ByteView req, Bytes* reply) {
  GetArgs args;
  if (!Decode(req, &args)) {
    host_.Logf(RAFTLAB_LOG_ERROR, "malformed %s request (%zu bytes)", kKvGet, req.size());
    return RAFTLAB_ERR_INTERNAL;
  }
  Bytes result;
  GetReply r;
  const int32_t status = rsm_->Submit(EncodeOp(args), &result);
  if (status != RAFTLAB_OK) {
    r.err = RAFTLAB_ERR_WRONG_LEADER;  // not leader, entry lost, or killed
  } else if (!Decode(result, &r)) {
    r = GetReply{};
    r.err = RAFTLAB_ERR_INTERNAL;
  }
  *reply = Encode(r);
  return RAFTLAB_OK;
}

int32_t KvServer::HandlePut(ByteView req, Bytes* reply) {
  PutArgs args;
  if (!Decode(req, &args)) {
    host_.Logf(RAFTLAB_LOG_ERROR, "malformed %s request (%zu bytes)", kKvPut, req.size());
    return RAFTLAB_ERR_INTERNAL;
  }
  Bytes result;
  PutReply r;
  const int32_t status = rsm_->Submit(EncodeOp(args), &result);
  if (status != RAFTLAB_OK) {
    r.err = RAFTLAB_ERR_WRONG_LEADER;
  } else if (!Decode(result, &r)) {
    r.err = RAFTLAB_ERR_INTERNAL;
  }
  *reply = Encode(r);
  return RAFTLAB_OK;
}

}  // namespace raftlab::ref
