// Spin-wait support: see spin.h.
#include "labrpc/spin.h"

#include <unistd.h>

namespace raftlab::labrpc {

int MaxSpinners() {
  static const int max = [] {
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 2 ? static_cast<int>(cpus - 1) : 1;
  }();
  return max;
}

std::atomic<int>& SpinnerCount() {
  static std::atomic<int> count{0};
  return count;
}

}  // namespace raftlab::labrpc
