// Tests of harness/labtest/sanitize.cc (labtest --asan and the sanitizer
// mode check): reading which sanitizer a plugin is built with, the one-line
// messages, choosing the ASan labtest, and the re-executed command line.
#include "harness/labtest/sanitize.h"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What AsanCommand prints to its error stream, and its exit code.
std::string RunAsan(const AsanRequest& r, int* code) {
  std::FILE* err = std::tmpfile();
  *code = AsanCommand(r, err);
  std::rewind(err);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, err)) > 0) out.append(buf, n);
  std::fclose(err);
  return out;
}

TEST(DetectSanitizerTest, TellsPlainAsanAndTsanPluginsApart) {
  auto plain = DetectSanitizer(RAFTLAB_PLAIN_PLUGIN);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(plain->kind, SanitizerKind::kNone);
  EXPECT_EQ(plain->runtime, "");
#ifdef RAFTLAB_ASAN_PLUGIN
  auto asan = DetectSanitizer(RAFTLAB_ASAN_PLUGIN);
  ASSERT_TRUE(asan.ok()) << asan.status().message();
  EXPECT_EQ(asan->kind, SanitizerKind::kAddress);
  EXPECT_TRUE(asan->undefined);
  EXPECT_THAT(asan->runtime, HasSubstr("libasan.so"));
#endif
#ifdef RAFTLAB_TSAN_PLUGIN
  auto tsan = DetectSanitizer(RAFTLAB_TSAN_PLUGIN);
  ASSERT_TRUE(tsan.ok()) << tsan.status().message();
  EXPECT_EQ(tsan->kind, SanitizerKind::kThread);
#endif
  EXPECT_FALSE(DetectSanitizer("/nonexistent/libraft.so").ok());
}

TEST(SanitizerMismatchTest, SaysWhichModeToUse) {
  ElfSanitizer asan{SanitizerKind::kAddress, true, "libasan.so.8"};
  ElfSanitizer tsan{SanitizerKind::kThread, false, "libtsan.so.2"};
  ElfSanitizer none;
  EXPECT_THAT(SanitizerMismatch(asan, "b/libraft.so", SanitizerKind::kNone),
              HasSubstr("b/libraft.so is built with AddressSanitizer, which must be loaded before everything else: "
                        "run it with --asan (labtest --asan --plugin b/libraft.so ...)"));
  EXPECT_THAT(SanitizerMismatch(tsan, "b/libraft.so", SanitizerKind::kNone), HasSubstr("run it with --race"));
  EXPECT_THAT(SanitizerMismatch(tsan, "b/libraft.so", SanitizerKind::kAddress), HasSubstr("run it with --race"));
  EXPECT_EQ(SanitizerMismatch(asan, "b/libraft.so", SanitizerKind::kAddress), "");
  EXPECT_EQ(SanitizerMismatch(tsan, "b/libraft.so", SanitizerKind::kThread), "");
  EXPECT_EQ(SanitizerMismatch(none, "b/libraft.so", SanitizerKind::kNone), "");
  EXPECT_EQ(SanitizerMismatch(none, "b/libraft.so", SanitizerKind::kAddress), "");
  // A path with a space is quoted so the suggested command pastes.
  EXPECT_THAT(SanitizerMismatch(asan, "my dir/libraft.so", SanitizerKind::kNone),
              HasSubstr("--plugin 'my dir/libraft.so'"));
}

TEST(AsanChildArgvTest, DropsAsanFlagsKeepsTheProgramAndScalesTimeouts) {
  EXPECT_THAT(AsanChildArgv({"./labtest", "--asan", "--plugin", "p.so", "--asan-labtest", "x", "--part", "1"}),
              ElementsAre("./labtest", "--plugin", "p.so", "--part", "1", "--timeout-scale", "2"));
  EXPECT_THAT(AsanChildArgv({"labtest", "--asan-labtest=x", "--asan", "--timeout-scale", "5"}),
              ElementsAre("labtest", "--timeout-scale", "5"));
}

TEST(JoinSanitizerOptionsTest, TheUsersOptionsComeLastSoTheyWin) {
  EXPECT_EQ(JoinSanitizerOptions("abort_on_error=1:detect_leaks=0", nullptr), "abort_on_error=1:detect_leaks=0");
  EXPECT_EQ(JoinSanitizerOptions("abort_on_error=1", ""), "abort_on_error=1");
  EXPECT_EQ(JoinSanitizerOptions("detect_leaks=0", "detect_leaks=1"), "detect_leaks=0:detect_leaks=1");
}

TEST(PlanAsanLaunchTest, PrefersTheGivenLabtestThenPreloadsThePluginsRuntime) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("sanitize_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path given = dir / "asan-labtest";
  std::ofstream(given) << "#!/bin/sh\n";
  fs::permissions(given, fs::perms::owner_all);

  ElfSanitizer plugin{SanitizerKind::kAddress, false, "libasan.so.8"};
  AsanRequest r;
  r.plugin_path = "p.so";
  r.source_dir = dir.string();
  r.asan_labtest = given.string();
  auto a = PlanAsanLaunch(r, plugin);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->labtest, given.string());
  EXPECT_EQ(a->preload, "");

  r.asan_labtest = (dir / "missing").string();
  EXPECT_EQ(PlanAsanLaunch(r, plugin).status().code(), Status::Code::kNotFound);

  // This test binary is not an ASan build: it is re-executed with the
  // plugin's runtime preloaded.
  r.asan_labtest.clear();
  auto b = PlanAsanLaunch(r, plugin);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->preload, "libasan.so.8");
  EXPECT_EQ(b->labtest, fs::read_symlink("/proc/self/exe").string());

  // A plugin that names no runtime (clang's static one) and no ASan labtest
  // in the source tree: what to build, and how.
  plugin.runtime.clear();
  auto c = PlanAsanLaunch(r, plugin);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr(kAsanPluginBuildCommand));
  EXPECT_THAT(c.status().message(), HasSubstr(kAsanLabtestBuildCommand));
  const fs::path preset = dir / "build" / "asan" / "bin" / "labtest";
  fs::create_directories(preset.parent_path());
  std::ofstream(preset) << "#!/bin/sh\n";
  fs::permissions(preset, fs::perms::owner_all);
  auto d = PlanAsanLaunch(r, plugin);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->labtest, preset.string());
  fs::remove_all(dir);
}

TEST(AsanCommandTest, RefusesWithoutAnAsanPluginAndSaysHowToBuildOne) {
  int code = -1;
  AsanRequest none;
  EXPECT_THAT(RunAsan(none, &code), HasSubstr(kAsanPluginBuildCommand));
  EXPECT_EQ(code, 2);

  AsanRequest plain;
  plain.plugin_path = RAFTLAB_PLAIN_PLUGIN;
  const std::string err = RunAsan(plain, &code);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(err, HasSubstr("is not built with AddressSanitizer (it has no __asan_init)"));
  EXPECT_THAT(err, HasSubstr(kAsanPluginBuildCommand));

  AsanRequest missing;
  missing.plugin_path = "/nonexistent/libraft.so";
  EXPECT_THAT(RunAsan(missing, &code), HasSubstr("/nonexistent/libraft.so"));
  EXPECT_EQ(code, 3);
#ifdef RAFTLAB_TSAN_PLUGIN
  AsanRequest tsan;
  tsan.plugin_path = RAFTLAB_TSAN_PLUGIN;
  EXPECT_THAT(RunAsan(tsan, &code), HasSubstr("is built with ThreadSanitizer, not AddressSanitizer"));
  EXPECT_EQ(code, 2);
#endif
}

}  // namespace
}  // namespace raftlab
