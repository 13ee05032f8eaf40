// mangled_entry: raftlab_entry defined in C++ without extern "C" and without
// including <raftlab/raftlab.h> (whose declaration would have given it C
// linkage), so the library exports only _Z13raftlab_entryjj.
#include <cstdint>

struct raftlab_plugin;

__attribute__((visibility("default"))) const raftlab_plugin* raftlab_entry(uint32_t, uint32_t) {
  return nullptr;
}
