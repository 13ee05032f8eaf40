// kvserver.cc: your KV server. As shipped, it answers every KVServer.Get and
// KVServer.Put with ErrWrongLeader (and the stub clerk never calls it), so
// the part-5 KV tests fail at once with a wrong-error message.
//
// Traps:
//   - Gets go through the rsm too. A Get answered from local state (even by
//     the leader) can be stale: a leader cut off by a partition still
//     believes it leads. The linearizability check catches that.
//   - apply Put's version rules in KvStore::DoOp, which runs on EVERY
//     server in log order; never in the RPC handler.
//   - snapshot ALL of the store (keys, values, versions): after a restart
//     the store is rebuilt from the snapshot plus the log after it.
#include "kvserver.h"

#include <utility>

// --- messages ----------------------------------------------------------------

raftlab::Bytes Encode(const GetArgs& a) {
  raftlab::Encoder e;
  e.PutString(a.key);
  return e.Take();
}
bool Decode(raftlab::ByteView in, GetArgs* a) {
  raftlab::Decoder d(in);
  a->key = d.GetString();
  return d.Finish();
}
raftlab::Bytes Encode(const GetReply& r) {
  raftlab::Encoder e;
  e.PutI32(r.err);
  e.PutString(r.value);
  e.PutU64(r.version);
  return e.Take();
}
bool Decode(raftlab::ByteView in, GetReply* r) {
  raftlab::Decoder d(in);
  r->err = d.GetI32();
  r->value = d.GetString();
  r->version = d.GetU64();
  return d.Finish();
}
raftlab::Bytes Encode(const PutArgs& a) {
  raftlab::Encoder e;
  e.PutString(a.key);
  e.PutString(a.value);
  e.PutU64(a.version);
  return e.Take();
}
bool Decode(raftlab::ByteView in, PutArgs* a) {
  raftlab::Decoder d(in);
  a->key = d.GetString();
  a->value = d.GetString();
  a->version = d.GetU64();
  return d.Finish();
}
raftlab::Bytes Encode(const PutReply& r) {
  raftlab::Encoder e;
  e.PutI32(r.err);
  return e.Take();
}
bool Decode(raftlab::ByteView in, PutReply* r) {
  raftlab::Decoder d(in);
  r->err = d.GetI32();
  return d.Finish();
}

// --- the state machine ---------------------------------------------------------

raftlab::Bytes KvStore::DoOp(raftlab::ByteView op) {
  (void)op;
  // TODO(part5): decode the op your server submitted (say a tag byte, then
  // GetArgs or PutArgs), apply it to items_ with the version rules in
  // kvserver.h, and return the encoded GetReply / PutReply.
  return Encode(PutReply{RAFTLAB_ERR_WRONG_LEADER});
}

raftlab::Bytes KvStore::Snapshot() {
  // TODO(part5): encode every key with its value and version.
  return {};
}

void KvStore::Restore(raftlab::ByteView data) {
  (void)data;
  // TODO(part5): replace items_ with what Snapshot() wrote.
}

// --- the server ------------------------------------------------------------------

KvServer::KvServer(raftlab::Host host, int me, int npeers, int64_t maxraftstate) : host_(host) {
  sm_.struct_size = sizeof sm_;
  sm_.ctx = &store_;
  sm_.do_op = [](void* ctx, const uint8_t* op, size_t len, raftlab_sink* out) {
    const raftlab::Bytes r = static_cast<KvStore*>(ctx)->DoOp(raftlab::ByteView(op, len));
    out->write(out, r.data(), r.size());
  };
  sm_.snapshot = [](void* ctx, raftlab_sink* out) {
    const raftlab::Bytes s = static_cast<KvStore*>(ctx)->Snapshot();
    out->write(out, s.data(), s.size());
  };
  sm_.restore = [](void* ctx, const uint8_t* data, size_t len) {
    static_cast<KvStore*>(ctx)->Restore(raftlab::ByteView(data, len));
  };
  rsm_ = std::make_unique<Rsm>(host, me, npeers, maxraftstate, raftlab::StateMachine(&sm_));
}

int32_t KvServer::HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply) {
  if (method == kKvGet) {
    GetArgs args;
    if (!Decode(req, &args)) return RAFTLAB_ERR_INTERNAL;
    // TODO(part5): submit the Get through rsm_ and reply with the result;
    // ErrWrongLeader when Submit does not return RAFTLAB_OK.
    *reply = Encode(GetReply{});
    return RAFTLAB_OK;
  }
  if (method == kKvPut) {
    PutArgs args;
    if (!Decode(req, &args)) return RAFTLAB_ERR_INTERNAL;
    // TODO(part5): the same for Put.
    *reply = Encode(PutReply{});
    return RAFTLAB_OK;
  }
  return rsm_->HandleRpc(method, req, reply);  // Raft.*
}
