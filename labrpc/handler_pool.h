// HandlerPool: the threads on which labrpc runs RPC handlers.
//
// Submit() hands the task to an idle worker if there is one (the most
// recently idle, whose stack is warm) and otherwise starts a new worker, so
// the pool grows to the peak number of concurrently running handlers and then
// creates no more threads. A handler may block for as long as it likes; it
// only holds its own worker.
//
// Shutdown (or the destructor) stops accepting tasks and joins every idle
// worker. A worker still running a handler at that moment is NOT joined: a
// handler stuck forever (a student bug labrpc must survive) would hang the
// harness. It is detached instead (Thread::detach, the one detach in
// raftlab): the worker keeps the pool's shared state alive and exits by
// itself if its handler ever returns; a handler that never returns keeps its
// thread until the process ends (each test runs in its own child process).
//
// Thread safety: every method may be called from any thread. Ownership: the
// pool owns its workers and their tasks; the Runtime must outlive the pool
// and every task still running after Shutdown.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "runtime/runtime.h"

namespace raftlab::labrpc {

class HandlerPool {
 public:
  using Task = std::function<void()>;

  // Worker threads are named "<name_prefix><n>" (truncated to 15 chars).
  HandlerPool(Runtime& rt, std::string name_prefix);
  ~HandlerPool();  // Shutdown()
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Runs `task` on a worker. Returns false (task not run, destroyed) after
  // Shutdown.
  bool Submit(Task task);

  // Idempotent; see the header comment for what happens to busy workers.
  void Shutdown();

  size_t thread_count() const;   // workers started so far
  size_t idle_count() const;     // workers waiting for a task

 private:
  struct State;
  struct Worker;
  static void WorkerLoop(Runtime& rt, std::shared_ptr<State> st, Worker* w);

  Runtime& rt_;
  const std::string prefix_;
  std::shared_ptr<State> st_;
};

}  // namespace raftlab::labrpc
