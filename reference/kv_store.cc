// kv_store.cc: see kv_store.h.
#include "reference/kv_store.h"

#include <raftlab/raftlab.h>

#include <utility>

namespace raftlab::ref {
namespace {

bool ValidErr(int64_t e) { return e >= RAFTLAB_OK && e <= RAFTLAB_ERR_INTERNAL; }

}  // namespace

Bytes Encode(const GetArgs& a) {
  Encoder e;
  e.PutString(a.key);
  return e.Take();
}
bool Decode(ByteView in, GetArgs* out) {
  Decoder d(in);
  out->key = d.GetString();
  return d.Finish();
}
Bytes Encode(const GetReply& r) {
  Encoder e;
  e.PutSignedVarint(r.err);
  e.PutString(r.value);
  e.PutVarint(r.version);
  return e.Take();
}
bool Decode(ByteView in, GetReply* out) {
  Decoder d(in);
  const int64_t err = d.GetSignedVarint();
  out->err = static_cast<int32_t>(err);
  out->value = d.GetString();
  out->version = d.GetVarint();
  return d.Finish() && ValidErr(err);
}
Bytes Encode(const PutArgs& a) {
  Encoder e;
  e.PutString(a.key);
  e.PutString(a.value);
  e.PutVarint(a.version);
  return e.Take();
}
bool Decode(ByteView in, PutArgs* out) {
  Decoder d(in);
  out->key = d.GetString();
  out->value = d.GetString();
  out->version = d.GetVarint();
  return d.Finish();
}
Bytes Encode(const PutReply& r) {
  Encoder e;
  e.PutSignedVarint(r.err);
  return e.Take();
}
bool Decode(ByteView in, PutReply* out) {
  Decoder d(in);
  const int64_t err = d.GetSignedVarint();
  out->err = static_cast<int32_t>(err);
  return d.Finish() && ValidErr(err);
}

Bytes EncodeOp(const GetArgs& a) {
  Encoder e;
  e.PutU8(kOpGet);
  e.PutRaw(Encode(a));
  return e.Take();
}
Bytes EncodeOp(const PutArgs& a) {
  Encoder e;
  e.PutU8(kOpPut);
  e.PutRaw(Encode(a));
  return e.Take();
}

GetReply KvStore::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  GetReply r;
  auto it = items_.find(key);
  if (it == items_.end()) {
    r.err = RAFTLAB_ERR_NO_KEY;
    return r;
  }
  r.err = RAFTLAB_OK;
  r.value = it->second.value;
  r.version = it->second.version;
  return r;
}

PutReply KvStore::Put(const PutArgs& args) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(args.key);
  if (it == items_.end()) {
    if (args.version != 0) return PutReply{RAFTLAB_ERR_NO_KEY};
    items_.emplace(args.key, Item{args.value, 1});
    return PutReply{RAFTLAB_OK};
  }
  Item& item = it->second;
  if (item.version != args.version) {
    return PutReply{RAFTLAB_ERR_VERSION};
  }
  item.value = args.value;
  item.version++;
  return PutReply{RAFTLAB_OK};
}

Bytes KvStore::DoOp(ByteView op) {
  Decoder d(op);
  const uint8_t tag = d.GetU8();
  const ByteView body = d.GetRest();
  if (!d.failed() && tag == kOpGet) {
    GetArgs a;
    if (Decode(body, &a)) return Encode(Get(a.key));
  } else if (!d.failed() && tag == kOpPut) {
    PutArgs a;
    if (Decode(body, &a)) return Encode(Put(a));
  }
  return Encode(PutReply{RAFTLAB_ERR_INTERNAL});
}

Bytes KvStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  Encoder e;
  e.PutVarint(items_.size());
  for (const auto& [key, item] : items_) {
    e.PutString(key);
    e.PutString(item.value);
    e.PutVarint(item.version);
  }
  return e.Take();
}

bool KvStore::Restore(ByteView data) {
  Decoder d(data);
  std::map<std::string, Item> items;
  const uint64_t n = d.GetCount(3);  // each item takes at least 3 bytes
  for (uint64_t i = 0; i < n && !d.failed(); i++) {
    std::string key = d.GetString();
    Item item;
    item.value = d.GetString();
    item.version = d.GetVarint();
    items[std::move(key)] = std::move(item);
  }
  if (!d.Finish()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  items_ = std::move(items);
  return true;
}

size_t KvStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return items_.size();
}

}  // namespace raftlab::ref
