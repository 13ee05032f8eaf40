// clerk.cc: see clerk.h.
#include "reference/clerk.h"

#include <string_view>
#include <utility>

#include "reference/kv_store.h"

namespace raftlab::ref {

Clerk::Clerk(Host host, int nservers) : host_(host), nservers_(nservers < 1 ? 1 : nservers) {}

std::optional<Bytes> Clerk::CallCurrent(const char* method, const Bytes& req) {
  int server = leader_;
  return host_.Call(server, method, req);
}

void Clerk::NextServer() {
  leader_ = (leader_ + 1) % nservers_;
  if (++tried_ % nservers_ == 0) host_.Sleep(kRoundPauseNs);
}

int32_t Clerk::Get(const std::string& key, std::string* value, uint64_t* version) {
  const Bytes req = Encode(GetArgs{key});
  while (!host_.Killed()) {
    std::optional<Bytes> raw = CallCurrent(kKvGet, req);
    GetReply r;
    if (raw && Decode(*raw, &r) && (r.err == RAFTLAB_OK || r.err == RAFTLAB_ERR_NO_KEY)) {
      tried_ = 0;
      if (r.err == RAFTLAB_OK) {
        *value = std::move(r.value);
        *version = r.version;
      }
      return r.err;
    }
    if (raw && (!Decode(*raw, &r) || r.err != RAFTLAB_ERR_WRONG_LEADER)) {
      host_.Logf(RAFTLAB_LOG_WARN, "clerk: unexpected Get reply from server %d (err %d); retrying", leader_,
                 r.err);
    }
    NextServer();
  }
  return RAFTLAB_ERR_KILLED;
}

int32_t Clerk::Put(const std::string& key, const std::string& value, uint64_t version) {
  const Bytes req = Encode(PutArgs{key, value, version});
  bool resent = false;
  while (!host_.Killed()) {
    std::optional<Bytes> raw = CallCurrent(kKvPut, req);
    PutReply r;
    const bool ok = raw && Decode(*raw, &r);
    if (ok && (r.err == RAFTLAB_OK || r.err == RAFTLAB_ERR_NO_KEY || r.err == RAFTLAB_ERR_VERSION)) {
      tried_ = 0;
      if (r.err == RAFTLAB_ERR_VERSION && resent) return RAFTLAB_ERR_MAYBE;
      return r.err;
    }
    if (raw && (!ok || r.err != RAFTLAB_ERR_WRONG_LEADER)) {
      host_.Logf(RAFTLAB_LOG_WARN, "clerk: unexpected Put reply from server %d (err %d); retrying", leader_,
                 r.err);
    }
    resent = true;
    NextServer();
  }
  return RAFTLAB_ERR_KILLED;
}

}  // namespace raftlab::ref
