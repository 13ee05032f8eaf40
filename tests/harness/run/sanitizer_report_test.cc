// Tests of harness/run/sanitizer_report.cc: picking ASan's, UBSan's and
// TSan's reports out of a child's stderr, the verdict line, and naming a
// plugin frame that the sanitizer printed as "(/proc/self/fd/N+0xOFF)".
#include "harness/run/sanitizer_report.h"

#include <dlfcn.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAsanReport =
    "some line the plugin printed\n"
    "=================================================================\n"
    "==17132==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000022180 at pc 0x7f1b0f0be562 "
    "bp 0x7f1b0e00e420 sp 0x7f1b0e00e418\n"
    "READ of size 4 at 0x602000022180 thread T1\n"
    "    #0 0x7f1b0f0be561  (/proc/self/fd/9+0x3561)\n"
    "    #1 0x55fc68a9345f in raftlab::ClusterPeer::Make(int) /src/harness/raft/cluster.cc:80\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-buffer-overflow (/proc/self/fd/9+0x3561)\n"
    "Shadow bytes around the buggy address:\n"
    "  0x0c047fffc3f0: fa fa fa fa\n";

TEST(FindSanitizerFindingTest, PicksAnAddressSanitizerReport) {
  auto f = FindSanitizerFinding(kAsanReport);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->tool, "AddressSanitizer");
  EXPECT_EQ(f->kind, "heap-buffer-overflow");
  EXPECT_EQ(f->access, "READ of size 4 at 0x602000022180 thread T1");
  // From the rule above the headline to the SUMMARY line, nothing around it.
  EXPECT_THAT(f->report, HasSubstr("=====\n==17132==ERROR"));
  EXPECT_THAT(f->report, HasSubstr("SUMMARY: AddressSanitizer: heap-buffer-overflow"));
  EXPECT_THAT(f->report, Not(HasSubstr("Shadow bytes")));
  EXPECT_THAT(f->report, Not(HasSubstr("the plugin printed")));
}

TEST(FindSanitizerFindingTest, PicksUndefinedBehaviourAndDataRaces) {
  auto ub = FindSanitizerFinding(
      "/home/s/raft.cc:42:13: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in "
      "type 'int'\n    #0 0x7f00 in Tick /home/s/raft.cc:42\nSUMMARY: UndefinedBehaviorSanitizer: "
      "undefined-behavior /home/s/raft.cc:42:13 in\n");
  ASSERT_TRUE(ub.has_value());
  EXPECT_EQ(ub->tool, "UndefinedBehaviorSanitizer");
  EXPECT_EQ(ub->location, "/home/s/raft.cc:42:13");
  EXPECT_THAT(ub->kind, HasSubstr("signed integer overflow: 2147483647 + 1"));
  EXPECT_EQ(SanitizerVerdict(*ub, ""),
            "UndefinedBehaviorSanitizer: signed integer overflow: 2147483647 + 1 cannot be represented in type "
            "'int' at /home/s/raft.cc:42:13");

  auto race = FindSanitizerFinding(
      "==================\nWARNING: ThreadSanitizer: data race (pid=4242)\n  Write of size 8 at 0x7b04 by thread "
      "T2:\n    #0 Tick raft.cc:10\nSUMMARY: ThreadSanitizer: data race raft.cc:10 in Tick\n==================\n");
  ASSERT_TRUE(race.has_value());
  EXPECT_EQ(race->tool, "ThreadSanitizer");
  EXPECT_EQ(race->kind, "data race");
  EXPECT_EQ(SanitizerVerdict(*race, "Tick at raft.cc:10"), "ThreadSanitizer: data race in your plugin: Tick at raft.cc:10");
}

TEST(FindSanitizerFindingTest, OrdinaryStderrHasNone) {
  EXPECT_FALSE(FindSanitizerFinding("").has_value());
  EXPECT_FALSE(FindSanitizerFinding("terminate called after throwing an instance of 'std::runtime_error'\n"
                                    "ERROR: my raft is sad\nAddressSanitizer is great\n")
                   .has_value());
}

TEST(SanitizerVerdictTest, SaysWhatWhereAndTheAccess) {
  auto f = FindSanitizerFinding(kAsanReport);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(SanitizerVerdict(*f, "ReadPastTheEnd(int) at raft.cc:132"),
            "AddressSanitizer: heap-buffer-overflow (READ of size 4) in your plugin: ReadPastTheEnd(int) at "
            "raft.cc:132");
  EXPECT_EQ(SanitizerVerdict(*f, ""), "AddressSanitizer: heap-buffer-overflow (READ of size 4)");
}

// raftlab_entry's address inside the test plugin file (load base 0).
uint64_t EntryVaddr() {
  void* h = dlopen(RAFTLAB_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(h, nullptr) << dlerror();
  void* sym = dlsym(h, "raftlab_entry");
  Dl_info info{};
  EXPECT_NE(dladdr(sym, &info), 0);
  const uint64_t v = reinterpret_cast<uint64_t>(sym) - reinterpret_cast<uint64_t>(info.dli_fbase);
  dlclose(h);
  return v;
}

TEST(SymbolizeSanitizerReportTest, NamesTheFramesInAPluginCopy) {
  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  const uint64_t v = EntryVaddr();
  const std::string report = fmt::format(
      "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
      "    #0 0x7f0000001000  (/proc/self/fd/9+0x{:x})\n"
      "    #1 0x7f0000002000  (/memfd:raftlab:libraft.so (deleted)+0x{:x})\n"
      "    #2 0x55fc68a9345f in raftlab::Cluster::StartPeer(int) /src/cluster.cc:67\n"
      "SUMMARY: AddressSanitizer: SEGV (/proc/self/fd/9+0x{:x})\n",
      v, v + 1, v);
  const SymbolizedReport out = SymbolizeSanitizerReport(*rt, report, RAFTLAB_PLUGIN, std::chrono::seconds(20));
  EXPECT_THAT(out.first_plugin_frame, HasSubstr("raftlab_entry"));
  EXPECT_THAT(out.first_plugin_frame, HasSubstr("hostile_plugin.cc:"));
  EXPECT_THAT(out.report, HasSubstr(fmt::format("(/proc/self/fd/9+0x{:x})  <- your plugin: raftlab_entry", v)));
  EXPECT_THAT(out.report, HasSubstr("(deleted)+0x"));
  EXPECT_THAT(out.report, HasSubstr("#2 0x55fc68a9345f in raftlab::Cluster::StartPeer(int) /src/cluster.cc:67\n"));
  EXPECT_THAT(out.report, Not(HasSubstr("SUMMARY: AddressSanitizer: SEGV (/proc/self/fd/9+0x" + fmt::format("{:x}", v) +
                                        ")  <-")));  // only frames are named
}

TEST(SymbolizeSanitizerReportTest, WithoutPluginFramesOrDebugInformation) {
  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  const std::string plain = "==1==ERROR: AddressSanitizer: SEGV\n    #0 0x55 in main /src/main.cc:3\n";
  EXPECT_EQ(SymbolizeSanitizerReport(*rt, plain, RAFTLAB_PLUGIN, std::chrono::seconds(20)).report, plain);
  const SymbolizedReport missing = SymbolizeSanitizerReport(
      *rt, "    #0 0x7f01  (/proc/self/fd/9+0x1234)\n", "/nonexistent/libraft.so", std::chrono::seconds(20));
  EXPECT_EQ(missing.first_plugin_frame, "");
  EXPECT_THAT(missing.report, HasSubstr("could not be named"));
}

}  // namespace
}  // namespace raftlab
