// raftlab/ext_glue.hpp: the part-5 half of the glue. Turns C++ rsm, KV
// server and clerk classes into the raftlab_rsm_ext, raftlab_kvserver_ext
// and raftlab_clerk_ext tables of raftlab.h, catching every exception at the
// boundary, and gives an rsm what it needs to run its own Raft peer
// (ApplyRedirectHost). Part of the header-only convenience layer (include
// raftlab.hpp to get all of it). C++17.
//
// The classes the templates expect (all methods may be called concurrently
// from many harness threads unless stated):
//
//   class Rsm {
//    public:
//     Rsm(raftlab::Host host, int me, int npeers, int64_t maxraftstate,
//         raftlab::StateMachine sm);                         // make()
//     // RAFTLAB_OK after filling *result, RAFTLAB_ERR_WRONG_LEADER, or
//     // RAFTLAB_ERR_KILLED once Kill() ran.
//     int32_t Submit(raftlab::ByteView op, raftlab::Bytes* result);
//     int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply);
//     raftlab::RaftState GetState();
//     void Kill();   // unblock every Submit, stop and join every thread
//   };
//   class KvServer {
//    public:
//     KvServer(raftlab::Host host, int me, int npeers, int64_t maxraftstate);
//     int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply);
//     raftlab::RaftState GetState();
//     void Kill();
//   };
//   class Clerk {   // one harness thread drives one clerk
//    public:
//     Clerk(raftlab::Host host, int nservers);
//     int32_t Get(const std::string& key, std::string* value, uint64_t* version);
//     int32_t Put(const std::string& key, const std::string& value, uint64_t version);
//   };
//
// Then, in exactly one .cc file, at global namespace scope, with your Raft
// class declaring `static const void* GetExtension(const char* id);`:
//
//   RAFTLAB_DEFINE_EXTENSIONS(Raft, Rsm, KvServer, Clerk)
//
// Pass raftlab::NotImplemented for a part you have not written: its
// extension is then absent and its tests report "skipped: not implemented".
//
// Exceptions: every call runs inside try/catch(...). The exception is logged
// through the instance's host at ERROR level and the call returns a safe
// default: make() NULL, submit/handle_rpc/get/put RAFTLAB_ERR_INTERNAL,
// get_state "not leader".
//
// No inline statics: the tables are function-local statics of the ONE
// non-inline function the macro defines, so every loaded copy of the plugin
// has its own tables pointing at its own code (see the STB_GNU_UNIQUE caveat
// in raftlab.h).
//
// Thread safety: the glue adds no locking. Ownership: the glue allocates each
// instance in make() and deletes it in destroy() (the clerk: in destroy()).
#ifndef RAFTLAB_EXT_GLUE_HPP_
#define RAFTLAB_EXT_GLUE_HPP_

#include <raftlab/raftlab.h>

#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <raftlab/codec.hpp>
#include <raftlab/glue.hpp>
#include <raftlab/host.hpp>

namespace raftlab {

// Placeholder for a part-5 class you have not written yet.
struct NotImplemented {};

// The state machine the harness (or your KV server) hands to an rsm: a thin,
// copyable handle over a borrowed raftlab_state_machine, valid until the
// rsm's destroy() returns. Call it from one thread at a time (your applier).
class StateMachine {
 public:
  StateMachine() = default;
  explicit StateMachine(const raftlab_state_machine* sm) : sm_(sm) {}
  const raftlab_state_machine* raw() const { return sm_; }

  // Applies one committed op and returns its result.
  Bytes DoOp(ByteView op) const {
    VectorSink out;
    sm_->do_op(sm_->ctx, op.data(), op.size(), out.get());
    if (out.failed()) throw std::bad_alloc();
    return std::move(out.bytes());
  }
  // The whole state, to put in a snapshot.
  Bytes Snapshot() const {
    VectorSink out;
    sm_->snapshot(sm_->ctx, out.get());
    if (out.failed()) throw std::bad_alloc();
    return std::move(out.bytes());
  }
  // Replaces the whole state.
  void Restore(ByteView data) const { sm_->restore(sm_->ctx, data.data(), data.size()); }

 private:
  const raftlab_state_machine* sm_ = nullptr;
};

// A raftlab_host for the Raft peer that an rsm makes for itself: apply()
// calls the function you give (your rsm's reader, in place of MIT's applyCh)
// and every other service forwards to the rsm's own host. Pass get() (or
// host()) to your Raft's constructor.
//
// The apply function runs on the Raft's applier thread and must return
// RAFTLAB_OK, or RAFTLAB_ERR_KILLED once the rsm is being killed (so the
// Raft's applier stops). An exception escaping it is logged and becomes
// RAFTLAB_ERR_INTERNAL.
//
// Thread safety: immutable after construction. Ownership: borrows the outer
// host; not copyable or movable (the table points back at this object), so
// keep it as a member declared BEFORE the Raft that uses it.
class ApplyRedirectHost {
 public:
  using ApplyFn = std::function<int32_t(const raftlab_apply_msg& msg)>;

  ApplyRedirectHost(const raftlab_host* outer, ApplyFn apply) : apply_(std::move(apply)) {
    block_.owner = this;
    block_.outer = outer;
    raftlab_host& h = block_.host;
    h.struct_size = sizeof(raftlab_host);
    h.abi_major = outer->abi_major;
    h.abi_minor = outer->abi_minor;
    h.host_ctx = &block_;
    h.call = [](const raftlab_host* s, int32_t peer, const char* method, const uint8_t* req, size_t len,
                raftlab_sink* reply) { return Out(s)->call(Out(s), peer, method, req, len, reply); };
    h.apply = &Apply;
    h.persist_save = [](const raftlab_host* s, const uint8_t* st, size_t st_len, const uint8_t* snap,
                        size_t snap_len) { Out(s)->persist_save(Out(s), st, st_len, snap, snap_len); };
    h.persist_read_state = [](const raftlab_host* s, raftlab_sink* o) { Out(s)->persist_read_state(Out(s), o); };
    h.persist_read_snapshot = [](const raftlab_host* s, raftlab_sink* o) {
      Out(s)->persist_read_snapshot(Out(s), o);
    };
    h.persist_state_size = [](const raftlab_host* s) { return Out(s)->persist_state_size(Out(s)); };
    h.persist_snapshot_size = [](const raftlab_host* s) { return Out(s)->persist_snapshot_size(Out(s)); };
    h.log = [](const raftlab_host* s, int32_t level, const char* text) { Out(s)->log(Out(s), level, text); };
    h.random_u64 = [](const raftlab_host* s) { return Out(s)->random_u64(Out(s)); };
    h.now_ns = [](const raftlab_host* s) { return Out(s)->now_ns(Out(s)); };
    h.sleep_ns = [](const raftlab_host* s, int64_t ns) { Out(s)->sleep_ns(Out(s), ns); };
    h.thread_start = [](const raftlab_host* s, const char* name, void (*fn)(void*), void* arg) {
      return Out(s)->thread_start(Out(s), name, fn, arg);
    };
    h.thread_join = [](const raftlab_host* s, raftlab_thread* t) { Out(s)->thread_join(Out(s), t); };
    h.mutex_new = [](const raftlab_host* s) { return Out(s)->mutex_new(Out(s)); };
    h.mutex_free = [](const raftlab_host* s, raftlab_mutex* m) { Out(s)->mutex_free(Out(s), m); };
    h.mutex_lock = [](const raftlab_host* s, raftlab_mutex* m) { Out(s)->mutex_lock(Out(s), m); };
    h.mutex_unlock = [](const raftlab_host* s, raftlab_mutex* m) { Out(s)->mutex_unlock(Out(s), m); };
    h.cond_new = [](const raftlab_host* s) { return Out(s)->cond_new(Out(s)); };
    h.cond_free = [](const raftlab_host* s, raftlab_cond* c) { Out(s)->cond_free(Out(s), c); };
    h.cond_wait = [](const raftlab_host* s, raftlab_cond* c, raftlab_mutex* m) {
      Out(s)->cond_wait(Out(s), c, m);
    };
    h.cond_wait_until = [](const raftlab_host* s, raftlab_cond* c, raftlab_mutex* m, int64_t deadline) {
      return Out(s)->cond_wait_until(Out(s), c, m, deadline);
    };
    h.cond_notify_one = [](const raftlab_host* s, raftlab_cond* c) { Out(s)->cond_notify_one(Out(s), c); };
    h.cond_notify_all = [](const raftlab_host* s, raftlab_cond* c) { Out(s)->cond_notify_all(Out(s), c); };
    h.killed = [](const raftlab_host* s) { return Out(s)->killed(Out(s)); };
  }
  ApplyRedirectHost(const ApplyRedirectHost&) = delete;
  ApplyRedirectHost& operator=(const ApplyRedirectHost&) = delete;

  const raftlab_host* get() const { return &block_.host; }
  Host host() const { return Host(get()); }

 private:
  // host comes first so that a raftlab_host* is also a Block* (standard layout).
  struct Block {
    raftlab_host host{};
    const raftlab_host* outer = nullptr;
    ApplyRedirectHost* owner = nullptr;
  };
  static const Block* B(const raftlab_host* s) { return static_cast<const Block*>(s->host_ctx); }
  static const raftlab_host* Out(const raftlab_host* s) { return B(s)->outer; }
  static int32_t Apply(const raftlab_host* s, const raftlab_apply_msg* msg) noexcept {
    try {
      return B(s)->owner->apply_(*msg);
    } catch (...) {
      detail::LogCurrentException(Out(s), "rsm apply");
      return RAFTLAB_ERR_INTERNAL;
    }
  }

  ApplyFn apply_;
  Block block_;
};

namespace detail {

// What every extension's opaque handle really points at.
template <class T>
struct ExtInstance {
  const raftlab_host* host;
  std::unique_ptr<T> impl;
};

template <class T, class Handle>
ExtInstance<T>* Inst(Handle* h) {
  return reinterpret_cast<ExtInstance<T>*>(h);
}

// Writes bytes to a sink (nothing for an empty result).
inline void WriteSink(raftlab_sink* sink, const Bytes& b) {
  if (sink != nullptr && !b.empty()) sink->write(sink, b.data(), b.size());
}

}  // namespace detail

// raftlab_rsm_ext forwarding to T (see the file comment for T's methods).
template <class T>
class RsmGlue {
 public:
  static raftlab_rsm_ext MakeTable() noexcept {
    raftlab_rsm_ext t{};
    t.struct_size = sizeof t;
    t.make = &Make;
    t.submit = &Submit;
    t.handle_rpc = &HandleRpc;
    t.get_state = &GetState;
    t.kill = &Kill;
    t.destroy = &Destroy;
    return t;
  }

 private:
  using Inst = detail::ExtInstance<T>;
  static Inst* Get(raftlab_rsm* r) { return detail::Inst<T>(r); }

  static raftlab_rsm* Make(const raftlab_host* host, int32_t me, int32_t npeers, int64_t maxraftstate,
                           const raftlab_state_machine* sm) noexcept {
    try {
      auto in = std::make_unique<Inst>();
      in->host = host;
      in->impl = std::make_unique<T>(Host(host), static_cast<int>(me), static_cast<int>(npeers), maxraftstate,
                                     StateMachine(sm));
      return reinterpret_cast<raftlab_rsm*>(in.release());
    } catch (...) {
      detail::LogCurrentException(host, "rsm make");
      return nullptr;
    }
  }
  static int32_t Submit(raftlab_rsm* r, const uint8_t* op, size_t len, raftlab_sink* result) noexcept {
    Inst* in = Get(r);
    try {
      Bytes out;
      const int32_t status = in->impl->Submit(ByteView(op, len), &out);
      if (status == RAFTLAB_OK) detail::WriteSink(result, out);
      return status;
    } catch (...) {
      detail::LogCurrentException(in->host, "rsm submit");
      return RAFTLAB_ERR_INTERNAL;
    }
  }
  static int32_t HandleRpc(raftlab_rsm* r, const char* method, const uint8_t* req, size_t len,
                           raftlab_sink* reply) noexcept {
    Inst* in = Get(r);
    try {
      Bytes out;
      const int32_t status = in->impl->HandleRpc(std::string_view(method), ByteView(req, len), &out);
      if (status == RAFTLAB_OK) detail::WriteSink(reply, out);
      return status;
    } catch (...) {
      detail::LogCurrentException(in->host, method);
      return RAFTLAB_ERR_INTERNAL;
    }
  }
  static void GetState(raftlab_rsm* r, int64_t* term, int32_t* is_leader) noexcept {
    Inst* in = Get(r);
    RaftState st;
    try {
      st = in->impl->GetState();
    } catch (...) {
      detail::LogCurrentException(in->host, "rsm get_state");
      st = RaftState{};
    }
    *term = st.term;
    *is_leader = st.is_leader ? 1 : 0;
  }
  static void Kill(raftlab_rsm* r) noexcept {
    Inst* in = Get(r);
    try {
      in->impl->Kill();
    } catch (...) {
      detail::LogCurrentException(in->host, "rsm kill");
    }
  }
  static void Destroy(raftlab_rsm* r) noexcept {
    Inst* in = Get(r);
    try {
      delete in;
    } catch (...) {
      detail::LogCurrentException(in->host, "rsm destroy");
    }
  }
};

// raftlab_kvserver_ext forwarding to T.
template <class T>
class KvServerGlue {
 public:
  static raftlab_kvserver_ext MakeTable() noexcept {
    raftlab_kvserver_ext t{};
    t.struct_size = sizeof t;
    t.make = &Make;
    t.handle_rpc = &HandleRpc;
    t.get_state = &GetState;
    t.kill = &Kill;
    t.destroy = &Destroy;
    return t;
  }

 private:
  using Inst = detail::ExtInstance<T>;
  static Inst* Get(raftlab_kvserver* k) { return detail::Inst<T>(k); }

  static raftlab_kvserver* Make(const raftlab_host* host, int32_t me, int32_t npeers,
                                int64_t maxraftstate) noexcept {
    try {
      auto in = std::make_unique<Inst>();
      in->host = host;
      in->impl = std::make_unique<T>(Host(host), static_cast<int>(me), static_cast<int>(npeers), maxraftstate);
      return reinterpret_cast<raftlab_kvserver*>(in.release());
    } catch (...) {
      detail::LogCurrentException(host, "kvserver make");
      return nullptr;
    }
  }
  static int32_t HandleRpc(raftlab_kvserver* k, const char* method, const uint8_t* req, size_t len,
                           raftlab_sink* reply) noexcept {
    Inst* in = Get(k);
    try {
      Bytes out;
      const int32_t status = in->impl->HandleRpc(std::string_view(method), ByteView(req, len), &out);
      if (status == RAFTLAB_OK) detail::WriteSink(reply, out);
      return status;
    } catch (...) {
      detail::LogCurrentException(in->host, method);
      return RAFTLAB_ERR_INTERNAL;
    }
  }
  static void GetState(raftlab_kvserver* k, int64_t* term, int32_t* is_leader) noexcept {
    Inst* in = Get(k);
    RaftState st;
    try {
      st = in->impl->GetState();
    } catch (...) {
      detail::LogCurrentException(in->host, "kvserver get_state");
      st = RaftState{};
    }
    *term = st.term;
    *is_leader = st.is_leader ? 1 : 0;
  }
  static void Kill(raftlab_kvserver* k) noexcept {
    Inst* in = Get(k);
    try {
      in->impl->Kill();
    } catch (...) {
      detail::LogCurrentException(in->host, "kvserver kill");
    }
  }
  static void Destroy(raftlab_kvserver* k) noexcept {
    Inst* in = Get(k);
    try {
      delete in;
    } catch (...) {
      detail::LogCurrentException(in->host, "kvserver destroy");
    }
  }
};

// raftlab_clerk_ext forwarding to T.
template <class T>
class ClerkGlue {
 public:
  static raftlab_clerk_ext MakeTable() noexcept {
    raftlab_clerk_ext t{};
    t.struct_size = sizeof t;
    t.make = &Make;
    t.get = &GetOp;
    t.put = &PutOp;
    t.destroy = &Destroy;
    return t;
  }

 private:
  using Inst = detail::ExtInstance<T>;
  static Inst* Get(raftlab_clerk* c) { return detail::Inst<T>(c); }

  static raftlab_clerk* Make(const raftlab_host* host, int32_t nservers) noexcept {
    try {
      auto in = std::make_unique<Inst>();
      in->host = host;
      in->impl = std::make_unique<T>(Host(host), static_cast<int>(nservers));
      return reinterpret_cast<raftlab_clerk*>(in.release());
    } catch (...) {
      detail::LogCurrentException(host, "clerk make");
      return nullptr;
    }
  }
  static int32_t GetOp(raftlab_clerk* c, const uint8_t* key, size_t key_len, raftlab_sink* value,
                       uint64_t* version) noexcept {
    Inst* in = Get(c);
    try {
      std::string v;
      uint64_t ver = 0;
      const int32_t status = in->impl->Get(ByteView(key, key_len).ToString(), &v, &ver);
      if (status == RAFTLAB_OK) {
        if (!v.empty()) value->write(value, reinterpret_cast<const uint8_t*>(v.data()), v.size());
        *version = ver;
      } else {
        *version = 0;
      }
      return status;
    } catch (...) {
      detail::LogCurrentException(in->host, "clerk get");
      return RAFTLAB_ERR_INTERNAL;
    }
  }
  static int32_t PutOp(raftlab_clerk* c, const uint8_t* key, size_t key_len, const uint8_t* value,
                       size_t value_len, uint64_t version) noexcept {
    Inst* in = Get(c);
    try {
      return in->impl->Put(ByteView(key, key_len).ToString(), ByteView(value, value_len).ToString(), version);
    } catch (...) {
      detail::LogCurrentException(in->host, "clerk put");
      return RAFTLAB_ERR_INTERNAL;
    }
  }
  static void Destroy(raftlab_clerk* c) noexcept {
    Inst* in = Get(c);
    try {
      delete in;
    } catch (...) {
      detail::LogCurrentException(in->host, "clerk destroy");
    }
  }
};

// NotImplemented gives an empty table (struct_size 0) that ExtensionFor()
// turns into "absent".
template <>
class RsmGlue<NotImplemented> {
 public:
  static raftlab_rsm_ext MakeTable() noexcept { return raftlab_rsm_ext{}; }
};
template <>
class KvServerGlue<NotImplemented> {
 public:
  static raftlab_kvserver_ext MakeTable() noexcept { return raftlab_kvserver_ext{}; }
};
template <>
class ClerkGlue<NotImplemented> {
 public:
  static raftlab_clerk_ext MakeTable() noexcept { return raftlab_clerk_ext{}; }
};

// The table among the three that `id` names, or NULL (unknown id, or a part
// marked NotImplemented).
inline const void* ExtensionFor(const char* id, const raftlab_rsm_ext* rsm, const raftlab_kvserver_ext* kv,
                                const raftlab_clerk_ext* clerk) noexcept {
  if (id == nullptr) return nullptr;
  if (std::strcmp(id, RAFTLAB_EXT_RSM) == 0) return rsm->struct_size != 0 ? rsm : nullptr;
  if (std::strcmp(id, RAFTLAB_EXT_KVSERVER) == 0) return kv->struct_size != 0 ? kv : nullptr;
  if (std::strcmp(id, RAFTLAB_EXT_CLERK) == 0) return clerk->struct_size != 0 ? clerk : nullptr;
  return nullptr;
}

}  // namespace raftlab

// Defines RaftClass::GetExtension (declare it in your Raft class as
// `static const void* GetExtension(const char* id);`) so that the plugin's
// get_extension finds the three part-5 tables. Use once per plugin, at
// global namespace scope; RaftClass may be namespace-qualified.
#define RAFTLAB_DEFINE_EXTENSIONS(RaftClass, RsmClass, KvServerClass, ClerkClass)                      \
  const void* RaftClass::GetExtension(const char* id) {                                                \
    static const raftlab_rsm_ext rsm_table = ::raftlab::RsmGlue<RsmClass>::MakeTable();                \
    static const raftlab_kvserver_ext kv_table = ::raftlab::KvServerGlue<KvServerClass>::MakeTable();  \
    static const raftlab_clerk_ext clerk_table = ::raftlab::ClerkGlue<ClerkClass>::MakeTable();        \
    return ::raftlab::ExtensionFor(id, &rsm_table, &kv_table, &clerk_table);                           \
  }

#endif  // RAFTLAB_EXT_GLUE_HPP_
