// raftlab/glue.hpp: turns a C++ Raft class into the C entry points of
// raftlab.h, catching every exception at the boundary. Part of the
// header-only convenience layer (include raftlab.hpp to get all of it). C++17.
//
// Usage, in exactly one .cc file of your plugin, at global namespace scope:
//
//   class Raft {
//    public:
//     Raft(raftlab::Host host, int me, int npeers);   // make(): return quickly
//     raftlab::StartResult Start(raftlab::ByteView command);
//     raftlab::RaftState GetState();
//     // RAFTLAB_OK after filling *reply, or RAFTLAB_ERR_UNKNOWN_METHOD.
//     int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply);
//     void Snapshot(int64_t index, raftlab::ByteView snapshot);
//     int64_t PersistBytes();
//     void Kill();        // stop and join every thread; the destructor runs later
//   };
//   RAFTLAB_DEFINE_PLUGIN(Raft, "my-raft", "1.0")
//
// Every forwarded call runs inside try/catch(...). An exception is logged
// through host->log at ERROR level (with what() when it is a
// std::exception) and the call returns a safe default: make() returns NULL,
// start() and get_state() report "not leader", handle_rpc() returns
// RAFTLAB_ERR_INTERNAL, persist_bytes() returns 0.
//
// Thread safety: the glue adds no locking. The harness calls start,
// get_state, handle_rpc, snapshot and persist_bytes concurrently from many
// threads, so your class must synchronise itself.
// Ownership: the glue allocates the instance in make() and deletes it in
// destroy(); your class owns everything it creates.
//
// Promises (raftlab_plugin.flags): give your class
//   static constexpr uint64_t kPluginFlags = RAFTLAB_PLUGIN_HOST_THREADS_ONLY;
// when it uses only the host's threads, locks, condition variables, clock
// and sleep, so that labtest --sim can run it. Without the member: 0.
//
// Extensions (part 5): give your class a static member
//   static const void* GetExtension(const char* id);
// returning a pointer to a static raftlab_rsm_ext / raftlab_kvserver_ext /
// raftlab_clerk_ext table (or NULL) and the glue's get_extension forwards to
// it; without that member get_extension returns NULL ("not implemented").
// ext_glue.hpp builds those tables from C++ classes and defines this member
// for you: RAFTLAB_DEFINE_EXTENSIONS(Raft, Rsm, KvServer, Clerk).
#ifndef RAFTLAB_GLUE_HPP_
#define RAFTLAB_GLUE_HPP_

#include <raftlab/raftlab.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include <raftlab/codec.hpp>
#include <raftlab/host.hpp>

namespace raftlab {

// What Start returns: index and term are meaningful only when is_leader.
struct StartResult {
  int64_t index = 0;
  int64_t term = 0;
  bool is_leader = false;
};

// What GetState returns.
struct RaftState {
  int64_t term = 0;
  bool is_leader = false;
};

namespace detail {

// Logs the exception being handled. Call only from inside a catch block.
// Never throws (formats into a stack buffer).
inline void LogCurrentException(const raftlab_host* host, const char* where) noexcept {
  char buf[768];
  try {
    throw;
  } catch (const std::exception& e) {
    std::snprintf(buf, sizeof buf, "%s: uncaught exception: %s", where, e.what());
  } catch (...) {
    std::snprintf(buf, sizeof buf, "%s: uncaught non-standard exception", where);
  }
  if (host != nullptr) host->log(host, RAFTLAB_LOG_ERROR, buf);
}

// Detects `static const void* T::GetExtension(const char*)`.
template <class T, class = void>
struct HasGetExtension : std::false_type {};
template <class T>
struct HasGetExtension<T, std::void_t<decltype(T::GetExtension(std::declval<const char*>()))>>
    : std::true_type {};

// `static constexpr uint64_t T::kPluginFlags` (RAFTLAB_PLUGIN_* bits) when the
// class declares it, else 0.
template <class T, class = void>
struct PluginFlagsOf : std::integral_constant<uint64_t, 0> {};
template <class T>
struct PluginFlagsOf<T, std::void_t<decltype(T::kPluginFlags)>>
    : std::integral_constant<uint64_t, static_cast<uint64_t>(T::kPluginFlags)> {};

}  // namespace detail

// The static C functions forwarding to T. Holds no data of its own, so it is
// safe under -fvisibility=hidden with many copies of the plugin loaded.
template <class T>
class PluginGlue {
 public:
  static raftlab_plugin MakeTable(const char* name, const char* version) noexcept {
    raftlab_plugin p{};
    p.struct_size = sizeof p;
    p.abi_major = RAFTLAB_ABI_MAJOR;
    p.abi_minor = RAFTLAB_ABI_MINOR;
    p.name = name;
    p.version = version;
    p.make = &Make;
    p.start = &Start;
    p.get_state = &GetState;
    p.handle_rpc = &HandleRpc;
    p.snapshot = &Snapshot;
    p.persist_bytes = &PersistBytes;
    p.kill = &Kill;
    p.destroy = &Destroy;
    p.get_extension = &GetExtension;
    p.flags = detail::PluginFlagsOf<T>::value;
    return p;
  }

 private:
  // What raftlab_raft* really points at.
  struct Instance {
    const raftlab_host* host;
    std::unique_ptr<T> impl;
  };
  static Instance* Get(raftlab_raft* r) { return reinterpret_cast<Instance*>(r); }

  static raftlab_raft* Make(const raftlab_host* host, int32_t me, int32_t npeers) noexcept {
    try {
      auto inst = std::make_unique<Instance>();
      inst->host = host;
      inst->impl = std::make_unique<T>(Host(host), static_cast<int>(me), static_cast<int>(npeers));
      return reinterpret_cast<raftlab_raft*>(inst.release());
    } catch (...) {
      detail::LogCurrentException(host, "make");
      return nullptr;
    }
  }

  static void Start(raftlab_raft* r, const uint8_t* cmd, size_t len, int64_t* index, int64_t* term,
                    int32_t* is_leader) noexcept {
    Instance* in = Get(r);
    StartResult res;
    try {
      res = in->impl->Start(ByteView(cmd, len));
    } catch (...) {
      detail::LogCurrentException(in->host, "start");
      res = StartResult{};
    }
    *index = res.index;
    *term = res.term;
    *is_leader = res.is_leader ? 1 : 0;
  }

  static void GetState(raftlab_raft* r, int64_t* term, int32_t* is_leader) noexcept {
    Instance* in = Get(r);
    RaftState st;
    try {
      st = in->impl->GetState();
    } catch (...) {
      detail::LogCurrentException(in->host, "get_state");
      st = RaftState{};
    }
    *term = st.term;
    *is_leader = st.is_leader ? 1 : 0;
  }

  static int32_t HandleRpc(raftlab_raft* r, const char* method, const uint8_t* req, size_t req_len,
                           raftlab_sink* reply) noexcept {
    Instance* in = Get(r);
    try {
      Bytes out;
      const int32_t status = in->impl->HandleRpc(std::string_view(method), ByteView(req, req_len), &out);
      if (status == RAFTLAB_OK && !out.empty()) reply->write(reply, out.data(), out.size());
      return status;
    } catch (...) {
      detail::LogCurrentException(in->host, method);
      return RAFTLAB_ERR_INTERNAL;
    }
  }

  static void Snapshot(raftlab_raft* r, int64_t index, const uint8_t* data, size_t len) noexcept {
    Instance* in = Get(r);
    try {
      in->impl->Snapshot(index, ByteView(data, len));
    } catch (...) {
      detail::LogCurrentException(in->host, "snapshot");
    }
  }

  static int64_t PersistBytes(raftlab_raft* r) noexcept {
    Instance* in = Get(r);
    try {
      return in->impl->PersistBytes();
    } catch (...) {
      detail::LogCurrentException(in->host, "persist_bytes");
      return 0;
    }
  }

  static void Kill(raftlab_raft* r) noexcept {
    Instance* in = Get(r);
    try {
      in->impl->Kill();
    } catch (...) {
      detail::LogCurrentException(in->host, "kill");
    }
  }

  static void Destroy(raftlab_raft* r) noexcept {
    Instance* in = Get(r);
    try {
      delete in;
    } catch (...) {
      detail::LogCurrentException(in->host, "destroy");
    }
  }

  static const void* GetExtension(const char* id) noexcept {
    if constexpr (detail::HasGetExtension<T>::value) {
      try {
        return T::GetExtension(id);
      } catch (...) {
        return nullptr;  // no host to log to here
      }
    } else {
      (void)id;
      return nullptr;
    }
  }
};

}  // namespace raftlab

// Defines the exported raftlab_entry for RaftClass. Use once per plugin, at
// global namespace scope. name and version must be string literals (or other
// static storage).
#define RAFTLAB_DEFINE_PLUGIN(RaftClass, plugin_name, plugin_version)                      \
  extern "C" RAFTLAB_EXPORT const raftlab_plugin* raftlab_entry(uint32_t host_abi_major,   \
                                                                uint32_t host_abi_minor) { \
    (void)host_abi_major;                                                                  \
    (void)host_abi_minor;                                                                  \
    static const raftlab_plugin table =                                                    \
        ::raftlab::PluginGlue<RaftClass>::MakeTable(plugin_name, plugin_version);          \
    return &table;                                                                         \
  }

#endif  // RAFTLAB_GLUE_HPP_
