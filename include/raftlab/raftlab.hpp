// raftlab.hpp: the header-only C++ convenience layer over raftlab.h.
// Optional: a plugin may use the C ABI directly. Compiles as C++17 or later.
//
// What it gives you (namespace raftlab):
//   codec.hpp  Bytes, ByteView, Encoder, Decoder (RPC arguments, persisted
//              state; malformed input sets Decoder::failed(), never UB)
//   host.hpp   Host (RPC Call, Apply, Persister, Log, Random, Now, Sleep,
//              Killed), Mutex (use with std::unique_lock), CondVar, Thread
//   glue.hpp   StartResult, RaftState, and RAFTLAB_DEFINE_PLUGIN(Class,
//              "name", "version"), which exports raftlab_entry and forwards
//              every C call to your class inside try/catch.
//   ext_glue.hpp  part 5: StateMachine, ApplyRedirectHost (the host your
//              rsm gives its own Raft), RsmGlue/KvServerGlue/ClerkGlue and
//              RAFTLAB_DEFINE_EXTENSIONS(Raft, Rsm, KvServer, Clerk).
//
// A minimal plugin:
//
//   #include <raftlab/raftlab.hpp>
//   class Raft { ... see glue.hpp for the methods ... };
//   RAFTLAB_DEFINE_PLUGIN(Raft, "my-raft", "1.0")
//
// Build it with -fvisibility=hidden (see the caveat in raftlab.h): the layer
// uses no inline statics, but your own code might.
#ifndef RAFTLAB_RAFTLAB_HPP_
#define RAFTLAB_RAFTLAB_HPP_

#include <raftlab/raftlab.h>

#include <raftlab/codec.hpp>
#include <raftlab/ext_glue.hpp>
#include <raftlab/glue.hpp>
#include <raftlab/host.hpp>

#endif  // RAFTLAB_RAFTLAB_HPP_
