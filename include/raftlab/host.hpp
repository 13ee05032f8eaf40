// raftlab/host.hpp: C++ wrappers over the host services of raftlab.h: Host
// (RPC, apply, Persister, log, randomness, clock, sleep, killed), VectorSink,
// and RAII Mutex, CondVar and Thread built on the host runtime. Part of the
// header-only convenience layer (include raftlab.hpp to get all of it). C++17.
//
// Thread safety: Host is a copyable handle; every method may be called from
// any thread, with the lifecycle limits raftlab.h gives for the underlying
// service. Mutex, CondVar and Thread are thread-safe in the sense of
// std::mutex, std::condition_variable and std::thread.
//
// Ownership: Host borrows the harness's raftlab_host, which stays valid until
// your instance's destroy() returns, so every object below must be destroyed
// by then (members of your Raft class are). Mutex, CondVar and Thread own
// their host handle and free it in their destructor.
//
// Rationale for using these instead of std::mutex/std::thread: objects made
// through the host can later run under a simulated clock and a deterministic
// scheduler, so a failing seed replays exactly. In real-time mode both work.
#ifndef RAFTLAB_HOST_HPP_
#define RAFTLAB_HOST_HPP_

#include <raftlab/raftlab.h>

#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <raftlab/codec.hpp>

namespace raftlab {

// A raftlab_sink that appends into a Bytes. Not copyable or movable (the C
// sink points back at it). Allocation failure inside write() is recorded in
// failed() instead of throwing through C code.
class VectorSink {
 public:
  VectorSink() {
    sink_.ctx = this;
    sink_.write = &VectorSink::Write;
  }
  VectorSink(const VectorSink&) = delete;
  VectorSink& operator=(const VectorSink&) = delete;

  raftlab_sink* get() { return &sink_; }
  Bytes& bytes() { return bytes_; }
  bool failed() const { return failed_; }

 private:
  static void Write(raftlab_sink* self, const uint8_t* data, size_t len) noexcept {
    auto* me = static_cast<VectorSink*>(self->ctx);
    if (me->failed_ || len == 0) return;
    try {
      me->bytes_.insert(me->bytes_.end(), data, data + len);
    } catch (...) {
      me->failed_ = true;
    }
  }
  raftlab_sink sink_{};
  Bytes bytes_;
  bool failed_ = false;
};

// The services of one instance. A thin, copyable handle over the C table.
class Host {
 public:
  Host() = default;
  explicit Host(const raftlab_host* host) : h_(host) {}
  const raftlab_host* raw() const { return h_; }

  // --- network -------------------------------------------------------------
  // Blocking RPC with labrpc semantics: the reply bytes when the handler ran
  // and its reply came back, std::nullopt when the request or reply was lost
  // or the peer is unreachable. May block for seconds: never hold a lock.
  std::optional<Bytes> Call(int peer, const char* method, ByteView req) const {
    VectorSink reply;
    if (h_->call(h_, peer, method, req.data(), req.size(), reply.get()) == 0) return std::nullopt;
    if (reply.failed()) throw std::bad_alloc();
    return std::move(reply.bytes());
  }

  // --- apply -----------------------------------------------------------------
  // Delivers one committed command / installed snapshot. Blocks until the
  // harness took it (which may call your snapshot() meanwhile: do not hold
  // your lock). Returns false once the instance was killed.
  bool ApplyCommand(int64_t index, int64_t term, ByteView command) const {
    return Apply(RAFTLAB_APPLY_COMMAND, index, term, command);
  }
  bool ApplySnapshot(int64_t index, int64_t term, ByteView snapshot) const {
    return Apply(RAFTLAB_APPLY_SNAPSHOT, index, term, snapshot);
  }

  // --- Persister ---------------------------------------------------------------
  // Atomically saves Raft state AND snapshot (an empty snapshot erases the
  // saved one: always pass the current snapshot).
  void Save(ByteView state, ByteView snapshot) const {
    h_->persist_save(h_, state.data(), state.size(), snapshot.data(), snapshot.size());
  }
  Bytes ReadState() const { return Read(h_->persist_read_state); }
  Bytes ReadSnapshot() const { return Read(h_->persist_read_snapshot); }
  size_t StateSize() const { return h_->persist_state_size(h_); }
  size_t SnapshotSize() const { return h_->persist_snapshot_size(h_); }

  // --- diagnostics, randomness, clock ------------------------------------------
  void Log(int level, const std::string& text) const { h_->log(h_, level, text.c_str()); }
  // printf-style logging; lines longer than 1 KiB are truncated.
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((format(printf, 3, 4)))
#endif
  void Logf(int level, const char* fmt, ...) const {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    h_->log(h_, level, buf);
  }
  uint64_t Random() const { return h_->random_u64(h_); }
  // Uniform in [lo, hi] (hi >= lo). The modulo bias is below 2^-40 for
  // ranges under 2^24, which is all a timeout needs.
  int64_t RandomRange(int64_t lo, int64_t hi) const {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(span == 0 ? Random() : Random() % span);
  }
  int64_t Now() const { return h_->now_ns(h_); }  // monotonic nanoseconds
  // Returns early once the instance is killed.
  void Sleep(int64_t ns) const { h_->sleep_ns(h_, ns); }
  bool Killed() const { return h_->killed(h_) != 0; }

 private:
  bool Apply(int32_t kind, int64_t index, int64_t term, ByteView data) const {
    raftlab_apply_msg msg{};
    msg.struct_size = sizeof msg;
    msg.kind = kind;
    msg.index = index;
    msg.term = term;
    msg.data = data.data();
    msg.len = data.size();
    return h_->apply(h_, &msg) == RAFTLAB_OK;
  }
  Bytes Read(void (*fn)(const raftlab_host*, raftlab_sink*)) const {
    VectorSink out;
    fn(h_, out.get());
    if (out.failed()) throw std::bad_alloc();
    return std::move(out.bytes());
  }

  const raftlab_host* h_ = nullptr;
};

// A non-recursive mutex from the host runtime. Meets BasicLockable, so use
// std::lock_guard<Mutex> / std::unique_lock<Mutex>. Throws std::bad_alloc if
// the host cannot create it. Must be unlocked when destroyed.
class Mutex {
 public:
  explicit Mutex(const Host& host) : host_(host), m_(host.raw()->mutex_new(host.raw())) {
    if (m_ == nullptr) throw std::bad_alloc();
  }
  ~Mutex() { host_.raw()->mutex_free(host_.raw(), m_); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() { host_.raw()->mutex_lock(host_.raw(), m_); }
  void unlock() { host_.raw()->mutex_unlock(host_.raw(), m_); }
  raftlab_mutex* native_handle() const { return m_; }

 private:
  Host host_;
  raftlab_mutex* m_;
};

// A condition variable from the host runtime, used with one Mutex through a
// std::unique_lock<Mutex> that the caller holds. Waits may wake spuriously:
// use the predicate forms or loop. Deadlines are in Host::Now() nanoseconds.
class CondVar {
 public:
  explicit CondVar(const Host& host) : host_(host), c_(host.raw()->cond_new(host.raw())) {
    if (c_ == nullptr) throw std::bad_alloc();
  }
  ~CondVar() { host_.raw()->cond_free(host_.raw(), c_); }
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void wait(std::unique_lock<Mutex>& lock) {
    host_.raw()->cond_wait(host_.raw(), c_, lock.mutex()->native_handle());
  }
  template <class Pred>
  void wait(std::unique_lock<Mutex>& lock, Pred pred) {
    while (!pred()) wait(lock);
  }
  // std::cv_status::timeout when the deadline passed.
  std::cv_status wait_until(std::unique_lock<Mutex>& lock, int64_t deadline_ns) {
    return host_.raw()->cond_wait_until(host_.raw(), c_, lock.mutex()->native_handle(),
                                        deadline_ns) != 0
               ? std::cv_status::timeout
               : std::cv_status::no_timeout;
  }
  // Returns pred() at the end, like std::condition_variable::wait_until.
  template <class Pred>
  bool wait_until(std::unique_lock<Mutex>& lock, int64_t deadline_ns, Pred pred) {
    while (!pred()) {
      if (wait_until(lock, deadline_ns) == std::cv_status::timeout) return pred();
    }
    return true;
  }
  void notify_one() { host_.raw()->cond_notify_one(host_.raw(), c_); }
  void notify_all() { host_.raw()->cond_notify_all(host_.raw(), c_); }

 private:
  Host host_;
  raftlab_cond* c_;
};

// A thread started through the host. Like std::thread, but join() happens in
// the destructor if you forgot it (std::thread would terminate). An exception
// escaping fn is caught and logged at ERROR level (it must not unwind into
// the harness). Your kill() must join every Thread before it returns.
class Thread {
 public:
  Thread() = default;
  // Throws std::runtime_error if the host cannot start the thread.
  Thread(const Host& host, const char* name, std::function<void()> fn)
      : host_(host), state_(new State{host, std::move(fn)}) {
    handle_ = host.raw()->thread_start(host.raw(), name, &Thread::Trampoline, state_.get());
    if (handle_ == nullptr) {
      state_.reset();
      throw std::runtime_error(std::string("raftlab: could not start thread ") + name);
    }
  }
  Thread(Thread&& o) noexcept
      : host_(o.host_), state_(std::move(o.state_)), handle_(std::exchange(o.handle_, nullptr)) {}
  Thread& operator=(Thread&& o) noexcept {
    if (this != &o) {
      if (joinable()) join();
      host_ = o.host_;
      state_ = std::move(o.state_);
      handle_ = std::exchange(o.handle_, nullptr);
    }
    return *this;
  }
  ~Thread() {
    if (joinable()) join();
  }

  bool joinable() const { return handle_ != nullptr; }
  // Waits for the thread to finish. Call at most once (joinable() says).
  void join() {
    host_.raw()->thread_join(host_.raw(), std::exchange(handle_, nullptr));
    state_.reset();
  }

 private:
  // Heap-allocated so that its address stays fixed when the Thread moves.
  struct State {
    Host host;
    std::function<void()> fn;
  };
  static void Trampoline(void* arg) noexcept {
    auto* s = static_cast<State*>(arg);
    try {
      s->fn();
    } catch (const std::exception& e) {
      s->host.Logf(RAFTLAB_LOG_ERROR, "uncaught exception in a thread: %s", e.what());
    } catch (...) {
      s->host.Log(RAFTLAB_LOG_ERROR, "uncaught non-standard exception in a thread");
    }
  }

  Host host_;
  std::unique_ptr<State> state_;
  raftlab_thread* handle_ = nullptr;
};

}  // namespace raftlab

#endif  // RAFTLAB_HOST_HPP_
