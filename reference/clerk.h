// clerk.h: the reference KV clerk (MIT 6.5840 Lab 4B), exposed as the
// raftlab_clerk_ext extension.
//
// It remembers the server that last answered as leader and starts there. On
// a lost call or ErrWrongLeader it moves to the next server, round-robin,
// and after a full round without an answer it sleeps kRoundPauseNs (a new
// election takes a few hundred ms; hammering every server meanwhile only
// adds RPCs). Calls go through host->call only.
//
// Get retries until OK or ErrNoKey. Put returns OK, ErrVersion or ErrNoKey
// as the server said, except that ErrVersion on a RESENT put becomes
// ErrMaybe: an earlier attempt whose reply was lost, or that a leader
// accepted and then lost leadership over, may have been applied, in which
// case our own put bumped the version. "Resent" here is any attempt after
// the first; being conservative costs nothing (ErrMaybe is always legal).
//
// Once the host reports killed, Get and Put return RAFTLAB_ERR_KILLED.
//
// Thread safety: one harness thread drives one clerk (raftlab.h); no locks.
// Ownership: borrows the host.
#ifndef RAFTLAB_REFERENCE_CLERK_H_
#define RAFTLAB_REFERENCE_CLERK_H_

#include <cstdint>
#include <optional>
#include <string>

#include <raftlab/raftlab.hpp>

namespace raftlab::ref {

class Clerk {
 public:
  static constexpr int64_t kRoundPauseNs = 15 * 1000 * 1000;

  Clerk(Host host, int nservers);

  int32_t Get(const std::string& key, std::string* value, uint64_t* version);
  int32_t Put(const std::string& key, const std::string& value, uint64_t version);

  int leader() const { return leader_; }

 private:
  // Sends one request to the current candidate leader. The reply bytes,
  // or nullopt for a lost call; either way the caller decides whether to
  // call NextServer().
  std::optional<Bytes> CallCurrent(const char* method, const Bytes& req);
  // Moves to the next server, pausing after every full round.
  void NextServer();

  const Host host_;
  const int nservers_;
  int leader_ = 0;
  int tried_ = 0;  // servers tried since the last answer from a leader
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_CLERK_H_
