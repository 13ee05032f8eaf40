// kvserver.h: your fault-tolerant key/value server (part 5, MIT 6.5840 Lab
// 4B/4C), built on your Rsm, and the messages it shares with your Clerk.
//
// Semantics (MIT 2025): every key has a version, 0 when absent.
//   Get(key)                  OK + value + version, or ErrNoKey
//   Put(key, value, version)  versions equal: store, version + 1, OK;
//                             key present, other version: ErrVersion;
//                             key absent, version > 0: ErrNoKey
//                             (absent and version 0 creates it at 1).
// Errors are the RAFTLAB_* codes of raftlab.h; a server answers
// RAFTLAB_ERR_WRONG_LEADER when its rsm does. Requests are not deduplicated
// by client id: the version check makes a re-executed put harmless.
//
// Thread safety: HandleRpc runs concurrently on harness threads.
#ifndef KVSERVER_H_
#define KVSERVER_H_

#include <raftlab/raftlab.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "rsm.h"

inline constexpr char kKvGet[] = "KVServer.Get";
inline constexpr char kKvPut[] = "KVServer.Put";

// RPC arguments and replies. Encode/Decode are in kvserver.cc; change them
// freely (your clerk and server are the only users).
struct GetArgs {
  std::string key;
};
struct GetReply {
  int32_t err = RAFTLAB_ERR_WRONG_LEADER;
  std::string value;
  uint64_t version = 0;
};
struct PutArgs {
  std::string key;
  std::string value;
  uint64_t version = 0;
};
struct PutReply {
  int32_t err = RAFTLAB_ERR_WRONG_LEADER;
};
raftlab::Bytes Encode(const GetArgs& a);
raftlab::Bytes Encode(const GetReply& r);
raftlab::Bytes Encode(const PutArgs& a);
raftlab::Bytes Encode(const PutReply& r);
bool Decode(raftlab::ByteView in, GetArgs* a);
bool Decode(raftlab::ByteView in, GetReply* r);
bool Decode(raftlab::ByteView in, PutArgs* a);
bool Decode(raftlab::ByteView in, PutReply* r);

// The replicated state: what every server's rsm applies ops to.
class KvStore {
 public:
  // The state machine's three operations (see raftlab_state_machine).
  raftlab::Bytes DoOp(raftlab::ByteView op);
  raftlab::Bytes Snapshot();
  void Restore(raftlab::ByteView data);

 private:
  struct Item {
    std::string value;
    uint64_t version = 0;
  };
  std::map<std::string, Item> items_;  // TODO(part5): fill in
};

class KvServer {
 public:
  KvServer(raftlab::Host host, int me, int npeers, int64_t maxraftstate);

  // KVServer.Get / KVServer.Put from clerks, and your Raft's RPCs.
  int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply);
  raftlab::RaftState GetState() { return rsm_->GetState(); }
  void Kill() { rsm_->Kill(); }

 private:
  const raftlab::Host host_;
  KvStore store_;
  raftlab_state_machine sm_{};  // points at store_
  std::unique_ptr<Rsm> rsm_;    // last: destroyed first
};

#endif  // KVSERVER_H_
