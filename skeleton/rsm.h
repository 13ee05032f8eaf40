// rsm.h: your replicated state machine (part 5, MIT 6.5840 Lab 4A). One Rsm
// is one server of the service: it makes its own Raft peer (your Raft class)
// and turns Raft's committed log into calls on a state machine that the
// harness hands you (its counter in the rsm tests, your KvStore in the KV
// tests).
//
// How the pieces connect:
//   - raft_host_ is the host your Raft gets: the same services as host_,
//     except that apply() calls Rsm::OnApply instead of the harness. So
//     OnApply is your "reader": every committed entry and installed snapshot
//     of your Raft arrives there, in order, on your Raft's applier thread.
//   - Submit(op) wraps op with a unique id, calls raft_->Start, and waits
//     until OnApply has applied the entry at the returned index.
//
// Thread safety: Submit, HandleRpc and GetState are called concurrently from
// many harness threads; guard your state with mu_.
#ifndef RSM_H_
#define RSM_H_

#include <raftlab/raftlab.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

#include "raft.h"

class Rsm {
 public:
  // make(): restore sm from host.ReadSnapshot() if there is one, then make
  // the Raft peer. maxraftstate < 0 means "never snapshot".
  Rsm(raftlab::Host host, int me, int npeers, int64_t maxraftstate, raftlab::StateMachine sm);
  ~Rsm();

  // RAFTLAB_OK after writing sm's result for op to *result;
  // RAFTLAB_ERR_WRONG_LEADER if this server is not leader or the entry was
  // lost; RAFTLAB_ERR_KILLED once Kill() ran.
  int32_t Submit(raftlab::ByteView op, raftlab::Bytes* result);
  // Your Raft's RPCs ("Raft.*") arrive here.
  int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply) {
    return raft_->HandleRpc(method, req, reply);
  }
  raftlab::RaftState GetState() { return raft_->GetState(); }
  void Kill();

 private:
  // Your Raft's apply() lands here (see the file comment).
  int32_t OnApply(const raftlab_apply_msg& msg);

  const raftlab::Host host_;
  const int me_;
  const int64_t maxraftstate_;
  const raftlab::StateMachine sm_;

  raftlab::Mutex mu_;
  bool dead_ = false;  // guarded by mu_
  // TODO(part5): what a waiting Submit needs: for example a map from log
  // index to a small record {term, op id, done, result, a CondVar} that
  // OnApply fills in and signals.

  // Declared last, in this order: the Raft uses raft_host_, and must be
  // destroyed (its threads joined) before everything above.
  raftlab::ApplyRedirectHost raft_host_;
  std::unique_ptr<Raft> raft_;
};

#endif  // RSM_H_
