// clerk.cc: your clerk. As shipped, Get and Put log a reminder and return
// RAFTLAB_ERR_NO_KEY at once, so the KV tests fail quickly with a
// wrong-error message instead of hanging. (A clerk that retries forever
// against the stub server would instead run into each test's timeout.)
//
// Traps:
//   - ErrMaybe: a Put whose earlier attempt got no reply (or
//     ErrWrongLeader from a server that may have appended it before losing
//     leadership) may have been applied. If a RESENT Put then sees
//     ErrVersion, return RAFTLAB_ERR_MAYBE, not ErrVersion: the version may
//     have moved because of your own first attempt. ErrVersion on the FIRST
//     attempt is a plain ErrVersion.
//   - after trying every server once without an answer, sleep a little
//     (host_.Sleep(10-20 ms)): during an election nobody is leader.
//   - stop retrying once host_.Killed() (return RAFTLAB_ERR_KILLED).
#include "clerk.h"

#include "kvserver.h"

Clerk::Clerk(raftlab::Host host, int nservers) : host_(host), nservers_(nservers) {}

int32_t Clerk::Get(const std::string& key, std::string* value, uint64_t* version) {
  (void)key;
  (void)value;
  (void)version;
  // TODO(part5): send KVServer.Get (Encode(GetArgs{key})) to leader_, then
  // to the others in turn, until a reply says OK or ErrNoKey.
  host_.Log(RAFTLAB_LOG_WARN, "TODO(part5): Clerk::Get is not implemented");
  return RAFTLAB_ERR_NO_KEY;
}

int32_t Clerk::Put(const std::string& key, const std::string& value, uint64_t version) {
  (void)key;
  (void)value;
  (void)version;
  (void)leader_;
  (void)nservers_;
  // TODO(part5): like Get, with KVServer.Put; mind the ErrMaybe rule.
  host_.Log(RAFTLAB_LOG_WARN, "TODO(part5): Clerk::Put is not implemented");
  return RAFTLAB_ERR_NO_KEY;
}
