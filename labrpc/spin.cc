// Spin-wait policy state: see spin.h.
#include "labrpc/spin.h"

#include <unistd.h>

namespace raftlab::labrpc {

std::atomic<int> SpinPolicy::spinners{0};
std::atomic<int> SpinPolicy::score{SpinPolicy::kMaxScore};
std::atomic<unsigned> SpinPolicy::attempts{0};

int SpinPolicy::MaxSpinners() {
  static const int max = [] {
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 2 ? static_cast<int>(cpus - 1) : 1;
  }();
  return max;
}

}  // namespace raftlab::labrpc
