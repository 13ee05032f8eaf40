// The plugin copies' address ranges (see copy_registry.h).
#include "harness/plugin/copy_registry.h"

#include <dlfcn.h>
#include <link.h>

#include <atomic>

namespace raftlab {
namespace {

struct Slot {
  std::atomic<uint64_t> bias{0}, start{0}, end{0};
};
Slot g_slots[kMaxRegisteredCopies];
std::atomic<size_t> g_used{0};   // slots handed out
std::atomic<size_t> g_ready{0};  // slots fully written, in order (see Register)

struct Find {
  uint64_t bias = 0;
  uint64_t start = UINT64_MAX, end = 0;
  bool found = false;
};

int Visit(dl_phdr_info* info, size_t, void* arg) {
  auto* f = static_cast<Find*>(arg);
  if (static_cast<uint64_t>(info->dlpi_addr) != f->bias || info->dlpi_phnum == 0) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    f->start = std::min<uint64_t>(f->start, f->bias + ph.p_vaddr);
    f->end = std::max<uint64_t>(f->end, f->bias + ph.p_vaddr + ph.p_memsz);
  }
  f->found = f->end > f->start;
  return f->found ? 1 : 0;
}

}  // namespace

bool PluginCopyRangeOf(void* handle, PluginCopyRange* out) {
  link_map* lm = nullptr;
  if (handle == nullptr || dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || lm == nullptr) return false;
  Find f;
  f.bias = static_cast<uint64_t>(lm->l_addr);
  dl_iterate_phdr(&Visit, &f);
  if (!f.found) return false;
  *out = PluginCopyRange{f.bias, f.start, f.end};
  return true;
}

bool RegisterPluginCopy(void* handle) {
  PluginCopyRange r;
  if (!PluginCopyRangeOf(handle, &r)) return false;
  const size_t i = g_used.fetch_add(1);
  if (i >= kMaxRegisteredCopies) return false;
  g_slots[i].bias.store(r.bias, std::memory_order_relaxed);
  g_slots[i].start.store(r.start, std::memory_order_relaxed);
  g_slots[i].end.store(r.end, std::memory_order_relaxed);
  // Publish in order: a reader sees slot i only once every earlier one is.
  size_t expect = i;
  while (!g_ready.compare_exchange_weak(expect, i + 1, std::memory_order_release)) expect = i;
  return true;
}

void ForEachPluginCopy(void (*fn)(const PluginCopyRange& range, void* arg), void* arg) {
  const size_t n = g_ready.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; i++) {
    PluginCopyRange r;
    r.bias = g_slots[i].bias.load(std::memory_order_relaxed);
    r.start = g_slots[i].start.load(std::memory_order_relaxed);
    r.end = g_slots[i].end.load(std::memory_order_relaxed);
    fn(r, arg);
  }
}

uint64_t PluginCopyHolding(uint64_t address) {
  const size_t n = g_ready.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; i++) {
    const uint64_t start = g_slots[i].start.load(std::memory_order_relaxed);
    if (address >= start && address < g_slots[i].end.load(std::memory_order_relaxed)) return start;
  }
  return 0;
}

}  // namespace raftlab
