// Tests of harness/plugin/raw_threads.cc and the look-ups it uses from
// copy_registry.cc: a registered copy's range holds its code, a thread
// created from harness code is not recorded, and the live count. (A thread
// a plugin copy starts itself, through labtest's interposer, is covered end
// to end by HostileTest.OwnThreadStillRunningAfterKillIsAZombie.)
#include "harness/plugin/raw_threads.h"

#include <dlfcn.h>
#include <pthread.h>

#include <gtest/gtest.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

TEST(CopyRegistryTest, ARegisteredCopyHoldsItsOwnCode) {
  void* h = dlopen(RAFTLAB_TEST_PLUGIN_DIR "/ok_plugin.so", RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << dlerror();
  PluginCopyRange range;
  ASSERT_TRUE(PluginCopyRangeOf(h, &range));
  const auto entry = reinterpret_cast<uint64_t>(dlsym(h, "raftlab_entry"));
  ASSERT_NE(entry, 0u);
  EXPECT_GE(entry, range.start);
  EXPECT_LT(entry, range.end);
  EXPECT_EQ(PluginCopyHolding(entry), 0u);  // not registered yet
  ASSERT_TRUE(RegisterPluginCopy(h));
  EXPECT_EQ(PluginCopyHolding(entry), range.start);
  EXPECT_EQ(PluginCopyHolding(reinterpret_cast<uint64_t>(&PluginCopyHolding)), 0u);  // the harness's code
  EXPECT_FALSE(PluginCopyRangeOf(nullptr, &range));
}

void* Nothing(void*) { return nullptr; }

TEST(RawThreadsTest, AThreadTheHarnessStartsIsNotThePlugins) {
  void* (*start)(void*) = &Nothing;
  void* arg = &start;
  EXPECT_EQ(WrapIfStartedByPlugin(&start, &arg), nullptr);
  EXPECT_EQ(start, &Nothing);  // left as it was
  EXPECT_EQ(arg, static_cast<void*>(&start));
  ThreadCreateFailed(nullptr);  // harmless
}

TEST(RawThreadsTest, NoneLiveInARangeThatStartedNone) {
  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  const PluginCopyRange nowhere{0, 0x1000, 0x2000};
  EXPECT_EQ(LiveRawThreadsIn(nowhere), 0u);
  const Nanos before = rt->now();
  EXPECT_EQ(RawThreadsStillAlive(*rt, nowhere, std::chrono::seconds(5)), 0u);
  EXPECT_LT(rt->now() - before, std::chrono::seconds(1));  // no wait when none is alive
}

}  // namespace
}  // namespace raftlab
