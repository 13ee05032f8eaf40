// kvserver.h: the reference fault-tolerant KV server (MIT 6.5840 Lab 4B/4C),
// exposed as the raftlab_kvserver_ext extension.
//
// Every Get and Put goes through the rsm (gets too: a read served from local
// state could be stale, see the KV_STALE_READ mutant). The handler submits
// the request, and answers RAFTLAB_ERR_WRONG_LEADER when the rsm says so
// (not leader, entry lost, or killed); the clerk then tries another server.
// Requests are not deduplicated by client id, as in MIT 2025: versioned puts
// make a re-executed put harmless (it sees ErrVersion, which the clerk turns
// into ErrMaybe).
//
// handle_rpc also carries the inner Raft's RPCs ("Raft.*"), which go to the
// rsm.
//
// Thread safety: every public method may be called from any thread.
// Ownership: owns the store, its raftlab_state_machine table and the rsm
// (declared in that order, so the rsm dies first).
#ifndef RAFTLAB_REFERENCE_KVSERVER_H_
#define RAFTLAB_REFERENCE_KVSERVER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include <raftlab/raftlab.hpp>

#include "reference/kv_store.h"
#include "reference/rsm.h"

namespace raftlab::ref {

class KvServer {
 public:
  KvServer(Host host, int me, int npeers, int64_t maxraftstate);
  KvServer(const KvServer&) = delete;
  KvServer& operator=(const KvServer&) = delete;

  int32_t HandleRpc(std::string_view method, ByteView req, Bytes* reply);
  RaftState GetState() { return rsm_->GetState(); }
  void Kill() { rsm_->Kill(); }

  // For tests: the local replica of the store.
  const KvStore& store() const { return store_; }

 private:
  int32_t HandleGet(ByteView req, Bytes* reply);
  int32_t HandlePut(ByteView req, Bytes* reply);

  const Host host_;
  KvStore store_;
  raftlab_state_machine sm_{};  // points at store_
  std::unique_ptr<Rsm> rsm_;
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_KVSERVER_H_
