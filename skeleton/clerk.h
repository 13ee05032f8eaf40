// clerk.h: your KV client (part 5, MIT 6.5840 Lab 4B). The harness makes
// many clerks, each driven by its own thread; host_.Call(i, ...) reaches KV
// server i (0 <= i < nservers_) and may fail (lost request or reply) or take
// a while.
//
//   Get: retry (lost calls, ErrWrongLeader) until OK or ErrNoKey.
//   Put: OK, ErrVersion, ErrNoKey as the server said, except ErrMaybe (see
//        clerk.cc).
//
// Remember which server answered as leader last, and start there.
// Thread safety: one thread per clerk; no locks needed.
#ifndef CLERK_H_
#define CLERK_H_

#include <raftlab/raftlab.hpp>

#include <cstdint>
#include <string>

class Clerk {
 public:
  Clerk(raftlab::Host host, int nservers);

  int32_t Get(const std::string& key, std::string* value, uint64_t* version);
  int32_t Put(const std::string& key, const std::string& value, uint64_t version);

 private:
  const raftlab::Host host_;
  const int nservers_;
  int leader_ = 0;  // the server to try first
};

#endif  // CLERK_H_
