// InterruptWatch: while one exists, SIGINT (Ctrl-C) and SIGTERM do not kill
// labtest; they are recorded, and the run loop polls signal() (at least every
// scheduler tick), stops starting runs, kills the running test processes
// (each in its own process group, so a terminal's Ctrl-C does not reach them
// by itself), writes its reports and exits with 128 + the signal number
// (130 for SIGINT, 143 for SIGTERM). A second signal while that happens
// ends labtest at once with the same code; the results files are still
// valid then, because each is only ever replaced atomically (atomic_file.h).
//
// Thread safety: one InterruptWatch at a time per process (the handler state
// is process-wide); signal() may be read from any thread. Ownership: the
// destructor restores the previous handlers.
#pragma once

#include <signal.h>

namespace raftlab {

class InterruptWatch {
 public:
  InterruptWatch();
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // The first signal received (SIGINT or SIGTERM), or 0.
  int signal() const;
  // 128 + signal(): the exit code a shell would report.
  static int ExitCodeFor(int sig) { return 128 + sig; }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace raftlab
