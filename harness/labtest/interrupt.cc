// InterruptWatch (see interrupt.h).
#include "harness/labtest/interrupt.h"

#include <unistd.h>

#include <atomic>

namespace raftlab {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free atomic");

void OnSignal(int sig) {
  int none = 0;
  if (!g_signal.compare_exchange_strong(none, sig)) {
    ::_exit(InterruptWatch::ExitCodeFor(g_signal.load()));  // a second signal: stop now
  }
}

}  // namespace

InterruptWatch::InterruptWatch() {
  g_signal.store(0);
  struct sigaction sa {};
  sa.sa_handler = &OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &old_int_);
  ::sigaction(SIGTERM, &sa, &old_term_);
}

InterruptWatch::~InterruptWatch() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

int InterruptWatch::signal() const { return g_signal.load(); }

}  // namespace raftlab
