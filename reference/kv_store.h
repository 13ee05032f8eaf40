// kv_store.h: the pure parts of the reference KV service: the wire format of
// the KVServer.Get / KVServer.Put RPCs (which is also the format of the ops
// the server submits to its rsm and of their results), and KvStore, the
// versioned key/value state machine (MIT 6.5840 Lab 2/4 semantics).
//
// Wire format (raftlab/codec.hpp):
//   GetArgs   key: bytes
//   GetReply  err: signed varint (a RAFTLAB_* code), value: bytes, version: varint
//   PutArgs   key: bytes, value: bytes, version: varint
//   PutReply  err: signed varint
//   rsm op    one tag byte (kOpGet / kOpPut) then GetArgs / PutArgs
//   rsm result GetReply / PutReply
//
// Thread safety: KvStore locks itself (std::mutex: it is plain data with no
// waiting, and the stale-read mutant reads it from RPC threads). The message
// structs are plain values.
#ifndef RAFTLAB_REFERENCE_KV_STORE_H_
#define RAFTLAB_REFERENCE_KV_STORE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <raftlab/codec.hpp>

namespace raftlab::ref {

inline constexpr char kKvGet[] = "KVServer.Get";
inline constexpr char kKvPut[] = "KVServer.Put";

struct GetArgs {
  std::string key;
};
struct GetReply {
  int32_t err = 0;
  std::string value;
  uint64_t version = 0;
};
struct PutArgs {
  std::string key;
  std::string value;
  uint64_t version = 0;
};
struct PutReply {
  int32_t err = 0;
};

Bytes Encode(const GetArgs& a);
Bytes Encode(const GetReply& r);
Bytes Encode(const PutArgs& a);
Bytes Encode(const PutReply& r);
// Each returns false for malformed input (and then *out is unspecified).
bool Decode(ByteView in, GetArgs* out);
bool Decode(ByteView in, GetReply* out);
bool Decode(ByteView in, PutArgs* out);
bool Decode(ByteView in, PutReply* out);

inline constexpr uint8_t kOpGet = 1;
inline constexpr uint8_t kOpPut = 2;
Bytes EncodeOp(const GetArgs& a);
Bytes EncodeOp(const PutArgs& a);

// The replicated state: key -> (value, version). A missing key has version 0.
class KvStore {
 public:
  // Get: OK with value and version, or ErrNoKey ("" and 0).
  GetReply Get(const std::string& key) const;
  // Put (MIT): versions equal -> store, version + 1, OK; key present with
  // another version -> ErrVersion; key absent and version > 0 -> ErrNoKey
  // (absent and version 0 creates the key at version 1).
  PutReply Put(const PutArgs& args);

  // The state machine's do_op: decodes an rsm op, applies it, and returns
  // the encoded reply. A malformed op returns RAFTLAB_ERR_INTERNAL in a
  // PutReply-shaped result (it cannot come from the reference server).
  Bytes DoOp(ByteView op);
  Bytes Snapshot() const;
  // False (state unchanged) on a malformed snapshot.
  bool Restore(ByteView data);

  size_t size() const;

 private:
  struct Item {
    std::string value;
    uint64_t version = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Item> items_;  // GUARDED_BY(mu_)
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_KV_STORE_H_
