// Tests of harness/run/crash_report: the child's report is read back whole
// or not at all, and its frames inside a plugin copy are named against the
// plugin file; the frames before the faulting instruction are dropped.
#include "harness/run/crash_report.h"

#include <dlfcn.h>
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseCrashReportTest, ReadsAWholeReport) {
  const auto r = ParseCrashReport(
      "signal 11\naddress 0x10\npc 0x7f00000011f0\nframe 0x55000000aaaa\nframe 0x7f00000011f0\n"
      "copy 0x7f0000000000 0x7f0000000000 0x7f0000010000\nend\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->signal, 11);
  EXPECT_EQ(r->fault_address, 0x10u);
  EXPECT_EQ(r->pc, 0x7f00000011f0u);
  EXPECT_EQ(r->frames.size(), 2u);
  ASSERT_EQ(r->copies.size(), 1u);
  EXPECT_EQ(r->copies[0].end, 0x7f0000010000u);
}

TEST(ParseCrashReportTest, ACutReportOrNoneIsNothing) {
  EXPECT_FALSE(ParseCrashReport("").has_value());
  EXPECT_FALSE(ParseCrashReport("signal 11\naddress 0x0\nframe 0x1\n").has_value());  // no "end": cut short
}

TEST(DescribeCrashTest, NamesThePluginFrameAndDropsTheHandlersFrames) {
  // raftlab_entry's address in the plugin file: a frame at bias + that.
  void* h = dlopen(RAFTLAB_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << dlerror();
  Dl_info info{};
  ASSERT_NE(dladdr(dlsym(h, "raftlab_entry"), &info), 0);
  const uint64_t vaddr = reinterpret_cast<uint64_t>(info.dli_saddr) - reinterpret_cast<uint64_t>(info.dli_fbase);
  dlclose(h);
  const uint64_t bias = 0x7f0000000000;
  CrashReport r;
  r.signal = SIGSEGV;
  r.fault_address = 0;
  r.pc = bias + vaddr;
  r.frames = {0x5500000000a0, 0x7e00000000b0, bias + vaddr, 0x5500000000c0};  // handler, sigreturn, fault, caller
  r.copies = {{bias, bias, bias + 0x100000}};
  auto rt = MakeRealTimeRuntime();
  const CrashDescription d = DescribeCrash(*rt, r, RAFTLAB_PLUGIN, std::chrono::seconds(20));
  EXPECT_THAT(d.where, HasSubstr(" at address 0x0 (a null pointer), in your plugin: raftlab_entry"));
  EXPECT_THAT(d.backtrace, HasSubstr(fmt::format("#0  0x{:016x}  <- your plugin (copy 1): raftlab_entry", bias + vaddr)));
  EXPECT_THAT(d.backtrace, HasSubstr("#1  0x00005500000000c0\n"));
  EXPECT_THAT(d.backtrace, Not(HasSubstr("0x00005500000000a0")));  // the handler's own frame
}

TEST(DescribeCrashTest, AnAbortHasNoFaultAddress) {
  CrashReport r;
  r.signal = SIGABRT;
  r.frames = {0x5500000000a0};
  auto rt = MakeRealTimeRuntime();
  const CrashDescription d = DescribeCrash(*rt, r, RAFTLAB_PLUGIN, std::chrono::seconds(20));
  EXPECT_EQ(d.where, "");
  EXPECT_THAT(d.backtrace, HasSubstr("#0  0x00005500000000a0"));
}

}  // namespace
}  // namespace raftlab
