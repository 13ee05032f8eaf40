// Tests of harness/labtest/race.cc (labtest --race): the .dynsym reader on a
// ThreadSanitizer-built and a plain test plugin, the messages with the exact
// build commands, finding the TSan labtest, and the re-exec (into a stand-in
// script, in a forked child).
#include "harness/labtest/race.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class RaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("race_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& text, bool executable = false) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    if (executable) fs::permissions(p, fs::perms::owner_all);
    return p.string();
  }

  // What RaceCommand prints to its error stream, and its exit code.
  std::string RunRace(const RaceRequest& r, int* code) {
    std::FILE* err = std::tmpfile();
    *code = RaceCommand(r, err);
    std::rewind(err);
    std::string out;
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, err)) > 0) out.append(buf, n);
    std::fclose(err);
    return out;
  }

  fs::path dir_;
};

TEST_F(RaceTest, ReadsDynamicSymbolsOfPlainAndInstrumentedPlugins) {
  auto plain = DynamicSymbolNames(RAFTLAB_PLAIN_PLUGIN);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_NE(std::find(plain->begin(), plain->end(), "raftlab_entry"), plain->end());
  auto plain_tsan = IsTsanInstrumented(RAFTLAB_PLAIN_PLUGIN);
  ASSERT_TRUE(plain_tsan.ok());
  EXPECT_FALSE(*plain_tsan);
#ifdef RAFTLAB_TSAN_PLUGIN
  auto tsan = IsTsanInstrumented(RAFTLAB_TSAN_PLUGIN);
  ASSERT_TRUE(tsan.ok()) << tsan.status().message();
  EXPECT_TRUE(*tsan);
#else
  GTEST_SKIP() << "this toolchain cannot build with -fsanitize=thread; only the plain plugin was checked";
#endif
}

TEST_F(RaceTest, RejectsWhatIsNotElf) {
  const std::string text = WriteFile("not_elf.so", "just text, long enough to hold an ELF header or more.....");
  auto names = DynamicSymbolNames(text);
  EXPECT_EQ(names.status().code(), Status::Code::kPluginLoad);
  EXPECT_THAT(names.status().message(), HasSubstr("not an ELF file"));
  EXPECT_FALSE(DynamicSymbolNames((dir_ / "missing.so").string()).ok());
  // A truncated copy of a real plugin: the section headers point past the end.
  std::ifstream in(RAFTLAB_PLAIN_PLUGIN, std::ios::binary);
  std::string head(256, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const std::string cut = WriteFile("cut.so", head);
  EXPECT_THAT(DynamicSymbolNames(cut).status().message(), HasSubstr("malformed section headers"));
}

TEST_F(RaceTest, PlainPluginGetsTheExactBuildCommand) {
  RaceRequest r;
  r.argv = {"labtest", "--race", "--plugin", RAFTLAB_PLAIN_PLUGIN};
  r.plugin_path = RAFTLAB_PLAIN_PLUGIN;
  int code = 0;
  const std::string err = RunRace(r, &code);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(err, HasSubstr("is not built with ThreadSanitizer"));
  EXPECT_THAT(err, HasSubstr("cmake -S . -B build-tsan -DCMAKE_CXX_FLAGS=-fsanitize=thread "
                             "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread && cmake --build build-tsan"));

  r.plugin_path = WriteFile("garbage.so", "garbage");
  EXPECT_THAT(RunRace(r, &code), HasSubstr("not an ELF file"));
  EXPECT_EQ(code, 3);
}

TEST_F(RaceTest, MissingTsanLabtestGetsThePresetCommand) {
  RaceRequest r;
  r.argv = {"labtest", "--race"};
  r.self_exe = RAFTLAB_PLAIN_PLUGIN;  // not instrumented, so not a TSan labtest
  r.source_dir = (dir_ / "src").string();
  int code = 0;
  const std::string err = RunRace(r, &code);  // bundled reference: no plugin check
  EXPECT_EQ(code, 2);
  EXPECT_THAT(err, HasSubstr("cmake --preset tsan && cmake --build --preset tsan"));
  EXPECT_THAT(err, HasSubstr((dir_ / "src" / "build" / "tsan" / "bin" / "labtest").string()));

  // The tsan preset's labtest in that source tree is found.
  const std::string tsan = WriteFile("src/build/tsan/bin/labtest", "#!/bin/sh\n", true);
  auto found = FindTsanLabtest(r);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, tsan);
  // --race-labtest wins, and must exist.
  r.race_labtest = (dir_ / "nope").string();
  EXPECT_EQ(FindTsanLabtest(r).status().code(), Status::Code::kNotFound);
}

TEST(RaceChildArgvTest, DropsRaceFlagsAndScalesTimeouts) {
  EXPECT_THAT(RaceChildArgv({"labtest", "--race", "--plugin", "p.so", "--race-labtest", "/x/labtest", "--part", "1"},
                            "/x/labtest"),
              ElementsAre("/x/labtest", "--plugin", "p.so", "--part", "1", "--timeout-scale", "10"));
  EXPECT_THAT(RaceChildArgv({"labtest", "--race-labtest=/y", "--timeout-scale", "3", "--race"}, "/y"),
              ElementsAre("/y", "--timeout-scale", "3"));
}

TEST_F(RaceTest, ExecsTheTsanLabtestWithTheSameArguments) {
#ifndef RAFTLAB_TSAN_PLUGIN
  GTEST_SKIP() << "no ThreadSanitizer plugin on this toolchain";
#else
  const std::string record = (dir_ / "args.txt").string();
  const std::string fake = WriteFile(
      "fake_labtest", "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + record + "'\necho \"TSAN=$TSAN_OPTIONS\" >> '" +
                          record + "'\nexit 7\n",
      true);
  RaceRequest r;
  r.argv = {"labtest", "--race", "--plugin", RAFTLAB_TSAN_PLUGIN, "--race-labtest", fake, "-j", "2"};
  r.plugin_path = RAFTLAB_TSAN_PLUGIN;
  r.race_labtest = fake;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::unsetenv("TSAN_OPTIONS");
    std::FILE* err = std::fopen("/dev/null", "w");
    _exit(RaceCommand(r, err) + 100);  // only reached when exec failed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);  // the stand-in's own exit code: exec happened
  std::ifstream in(record);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), std::string("--plugin\n") + RAFTLAB_TSAN_PLUGIN +
                           "\n-j\n2\n--timeout-scale\n10\nTSAN=halt_on_error=1:second_deadlock_stack=1\n");
#endif
}

}  // namespace
}  // namespace raftlab
