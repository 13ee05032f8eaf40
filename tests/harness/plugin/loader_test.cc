// Tests of harness/loader.{h,cc} and harness/elf_check.{h,cc} against the
// test plugins of tests/plugins/ (one deliberately broken plugin per error).
#include "harness/plugin/loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/plugin/elf_check.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Plugin(const std::string& name) { return std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

// Opens a plugin that must fail and returns its one-line message, after
// checking the status code, that the message names the path, and that it is
// a single line.
std::string OpenError(const std::string& path) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(path);
  EXPECT_FALSE(lib.ok()) << path << " loaded but should not have";
  if (lib.ok()) return "";
  EXPECT_EQ(lib.status().code(), Status::Code::kPluginLoad);
  const std::string& msg = lib.status().message();
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
  EXPECT_THAT(msg, HasSubstr("cannot load plugin " + path + ": "));
  // The private copy is an implementation detail and must never leak into a message.
  EXPECT_THAT(msg, Not(HasSubstr("raftlab-plugin-")));
  return msg;
}

TEST(LoaderErrors, FileMissing) {
  const std::string msg = OpenError("/nonexistent/libraft.so");
  EXPECT_THAT(msg, HasSubstr("file not found"));
  EXPECT_THAT(msg, HasSubstr("--plugin"));
}

TEST(LoaderErrors, Directory) {
  EXPECT_THAT(OpenError(RAFTLAB_TEST_PLUGIN_DIR), HasSubstr("is a directory"));
}

TEST(LoaderErrors, NotElf) {
  const std::string msg = OpenError(Plugin("not_elf"));
  EXPECT_THAT(msg, HasSubstr("not a shared library"));
  EXPECT_THAT(msg, HasSubstr("no ELF header"));
}

TEST(LoaderErrors, WrongArchitecture) {
  const std::string msg = OpenError(Plugin("wrong_arch"));
  EXPECT_THAT(msg, HasSubstr("wrong architecture"));
  const std::string other = HostElfMachine() == 62 ? "AArch64" : "x86-64";
  EXPECT_THAT(msg, HasSubstr("built for " + other));
  EXPECT_THAT(msg, HasSubstr("this machine is " + ElfMachineName(HostElfMachine())));
  EXPECT_THAT(msg, HasSubstr("rebuild the plugin on this machine"));
}

TEST(LoaderErrors, ThirtyTwoBit) {
  const std::string msg = OpenError(Plugin("elf32"));
  EXPECT_THAT(msg, HasSubstr("wrong architecture"));
  EXPECT_THAT(msg, HasSubstr("32-bit"));
}

TEST(LoaderErrors, ExecutableNotSharedObject) {
  const std::string msg = OpenError(Plugin("executable_type"));
  EXPECT_THAT(msg, HasSubstr("is an executable, not a shared library"));
  EXPECT_THAT(msg, HasSubstr("SHARED"));
}

TEST(LoaderErrors, EntrySymbolMissing) {
  const std::string msg = OpenError(Plugin("no_entry"));
  EXPECT_THAT(msg, HasSubstr("entry symbol raftlab_entry not found"));
  EXPECT_THAT(msg, HasSubstr("RAFTLAB_EXPORT"));
  EXPECT_THAT(msg, HasSubstr("version script"));
}

TEST(LoaderErrors, EntrySymbolHiddenByVersionScript) {
  const std::string msg = OpenError(Plugin("hidden_entry"));
  EXPECT_THAT(msg, HasSubstr("raftlab_entry is defined but not exported"));
  EXPECT_THAT(msg, HasSubstr("version script"));
}

TEST(LoaderErrors, EntrySymbolMangled) {
  const std::string msg = OpenError(Plugin("mangled_entry"));
  EXPECT_THAT(msg, HasSubstr("_Z13raftlab_entryjj"));
  EXPECT_THAT(msg, HasSubstr("raftlab_entry(unsigned int, unsigned int)"));  // demangled
  EXPECT_THAT(msg, HasSubstr("extern \"C\""));
}

TEST(LoaderErrors, AbiMajorMismatchNamesBothVersions) {
  const std::string msg = OpenError(Plugin("abi_major_mismatch"));
  EXPECT_THAT(msg, HasSubstr("plugin was built for raftlab ABI 2.x, this labtest speaks 1.x: rebuild against "
                             "this labtest's include/raftlab/raftlab.h"));
}

TEST(LoaderErrors, EntryReturnsNull) {
  const std::string msg = OpenError(Plugin("null_entry"));
  EXPECT_THAT(msg, HasSubstr("raftlab_entry(" + std::to_string(RAFTLAB_ABI_MAJOR) + ", " +
                            std::to_string(RAFTLAB_ABI_MINOR) + ") returned NULL"));
}

TEST(LoaderErrors, StructSizeTooSmall) {
  const std::string msg = OpenError(Plugin("struct_too_small"));
  EXPECT_THAT(msg, HasSubstr("struct_size is 24 bytes"));
  EXPECT_THAT(msg, HasSubstr("sizeof(raftlab_plugin)"));
}

TEST(LoaderErrors, MandatoryFunctionMissingIsNamed) {
  const std::string msg = OpenError(Plugin("missing_function"));
  EXPECT_THAT(msg, HasSubstr("mandatory function kill is NULL"));
}

TEST(LoaderErrors, UnresolvedSymbolShowsDlerrorAndHint) {
  const std::string msg = OpenError(Plugin("unresolved_symbol"));
  EXPECT_THAT(msg, HasSubstr("dlopen failed: "));
  EXPECT_THAT(msg, HasSubstr("undefined symbol: raftlab_test_function_nobody_defines"));
  EXPECT_THAT(msg, HasSubstr("link with -Wl,-z,defs to catch this at build time"));
}

TEST(Loader, OpensAGoodPlugin) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("ok_plugin"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_EQ((*lib)->path(), Plugin("ok_plugin"));
  EXPECT_EQ((*lib)->name(), "ok_plugin");
  EXPECT_EQ((*lib)->version(), "1.0");
  EXPECT_EQ((*lib)->abi_major(), uint32_t{RAFTLAB_ABI_MAJOR});
  EXPECT_FALSE((*lib)->HasExtension(RAFTLAB_EXT_RSM));
  EXPECT_FALSE((*lib)->HasExtension(RAFTLAB_EXT_CLERK));
}

TEST(Loader, ReadsThePluginsPromisesFromItsFlags) {
  // ok_plugin's table leaves flags at 0: no promise.
  StatusOr<std::unique_ptr<PluginLibrary>> plain = PluginLibrary::Open(Plugin("ok_plugin"));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ((*plain)->flags(), 0u);
  EXPECT_FALSE((*plain)->host_threads_only());
  // sneaky_sleep promises host threads only (and breaks it: labtest --sim's
  // interposers catch that, tests/e2e).
  StatusOr<std::unique_ptr<PluginLibrary>> promising = PluginLibrary::Open(Plugin("sneaky_sleep"));
  ASSERT_TRUE(promising.ok()) << promising.status().ToString();
  EXPECT_EQ((*promising)->flags(), uint64_t{RAFTLAB_PLUGIN_HOST_THREADS_ONLY});
  EXPECT_TRUE((*promising)->host_threads_only());
}

TEST(Loader, EveryInstanceIsADistinctCopy) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("ok_plugin"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  StatusOr<std::unique_ptr<LoadedPlugin>> a = (*lib)->Instantiate();
  StatusOr<std::unique_ptr<LoadedPlugin>> b = (*lib)->Instantiate();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE((*a)->copy_path(), (*b)->copy_path());
  EXPECT_NE((*a)->copy_path(), Plugin("ok_plugin"));
  // Each copy is an anonymous in-memory file: nothing is written to disk.
  EXPECT_EQ((*a)->copy_path(), "/proc/self/fd/" + std::to_string((*a)->memfd()));
  EXPECT_EQ((*b)->copy_path(), "/proc/self/fd/" + std::to_string((*b)->memfd()));
  EXPECT_THAT(std::filesystem::read_symlink((*a)->copy_path()).string(), HasSubstr("/memfd:raftlab:ok_plugin.so"));
  // Different mappings: the static tables live at different addresses.
  EXPECT_NE((*a)->api(), (*b)->api());
  EXPECT_NE((*a)->api()->make, (*b)->api()->make);
}

TEST(Loader, CopiesDoNotShareGlobals) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("global_counter"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  StatusOr<std::unique_ptr<LoadedPlugin>> a = (*lib)->Instantiate();
  StatusOr<std::unique_ptr<LoadedPlugin>> b = (*lib)->Instantiate();
  ASSERT_TRUE(a.ok() && b.ok());
  const raftlab_plugin* pa = (*a)->api();
  const raftlab_plugin* pb = (*b)->api();
  // global_counter's make() does not touch the host, so none is needed here.
  raftlab_raft* a1 = pa->make(nullptr, 0, 2);
  raftlab_raft* a2 = pa->make(nullptr, 1, 2);  // same copy: shares the counter (the control)
  raftlab_raft* b1 = pb->make(nullptr, 1, 2);
  int64_t term = -1;
  int32_t leader = -1;
  pa->get_state(a1, &term, &leader);
  EXPECT_EQ(term, 2) << "two makes on one copy must share its global";
  pb->get_state(b1, &term, &leader);
  EXPECT_EQ(term, 1) << "a second copy must start with its own, fresh global";
  for (auto [p, r] : {std::pair{pa, a1}, {pa, a2}, {pb, b1}}) {
    p->kill(r);
    p->destroy(r);
  }
}

TEST(Loader, RestartGetsFreshGlobals) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("global_counter"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  for (int incarnation = 0; incarnation < 3; ++incarnation) {
    StatusOr<std::unique_ptr<LoadedPlugin>> copy = (*lib)->Instantiate();
    ASSERT_TRUE(copy.ok());
    raftlab_raft* r = (*copy)->api()->make(nullptr, 0, 1);
    int64_t term = -1;
    int32_t leader = -1;
    (*copy)->api()->get_state(r, &term, &leader);
    EXPECT_EQ(term, 1) << "incarnation " << incarnation << " saw a global from an earlier one";
    (*copy)->api()->kill(r);
    (*copy)->api()->destroy(r);
  }
}

TEST(Loader, SnapshotsTheFileAtOpen) {
  // A student who rebuilds during a run must not make later peers run other code.
  const std::string path = ::testing::TempDir() + "/loader_test_snapshot_" + std::to_string(getpid()) + ".so";
  std::filesystem::copy_file(Plugin("ok_plugin"), path, std::filesystem::copy_options::overwrite_existing);
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(path);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  { std::ofstream(path, std::ios::trunc) << "rebuilt into garbage\n"; }
  StatusOr<std::unique_ptr<LoadedPlugin>> copy = (*lib)->Instantiate();
  EXPECT_TRUE(copy.ok()) << copy.status().ToString();
  std::filesystem::remove(path);
}

TEST(Loader, CopyOutlivesItsLibraryAndClosesItsMemfd) {
  int fd = -1;
  {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("global_counter"));
    ASSERT_TRUE(lib.ok());
    StatusOr<std::unique_ptr<LoadedPlugin>> copy = (*lib)->Instantiate();
    ASSERT_TRUE(copy.ok());
    fd = (*copy)->memfd();
    lib->reset();  // the instance keeps the snapshot alive
    int64_t term = -1;
    int32_t leader = -1;
    raftlab_raft* r = (*copy)->api()->make(nullptr, 0, 1);  // its code still runs
    (*copy)->api()->get_state(r, &term, &leader);
    EXPECT_EQ(term, 1);
    (*copy)->api()->kill(r);
    (*copy)->api()->destroy(r);
    EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);  // open, and not inherited by children
  }
  EXPECT_EQ(fcntl(fd, F_GETFD), -1) << "the memfd of an unloaded copy must be closed";
}

// Open memfds of copies of `file_name` in this process.
int OpenCopiesOf(const std::string& file_name) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.find("/memfd:raftlab:" + file_name) != std::string::npos) ++n;
  }
  return n;
}

// lint_plugin.cc (LINT_UNIQUE) defines an STB_GNU_UNIQUE object, and glibc
// never unloads the copy that defined it first (the probe copy Open makes).
// That copy's path (/proc/self/fd/N) must then stay taken: if its fd were
// closed, the next memfd would get the same number, the same path, and
// dlopen would hand back the old copy instead of loading the new one.
TEST(Loader, CopyGlibcCannotUnloadKeepsItsMemfd) {
  ASSERT_EQ(OpenCopiesOf("lint_unique.so"), 0);
  {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("lint_unique"));
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    EXPECT_EQ(OpenCopiesOf("lint_unique.so"), 1);  // the probe copy
  }
  EXPECT_EQ(OpenCopiesOf("lint_unique.so"), 1) << "the never-unloaded probe copy must keep its fd";
  // The control: a plugin glibc does unload gives its fd back.
  {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("global_counter"));
    ASSERT_TRUE(lib.ok());
    EXPECT_EQ(OpenCopiesOf("global_counter.so"), 1);
  }
  EXPECT_EQ(OpenCopiesOf("global_counter.so"), 0);
}

TEST(Loader, CopiesOfAPluginWithUniqueSymbolsStillGetFreshGlobals) {
  for (int open = 0; open < 2; ++open) {  // a second Open reuses no copy of the first
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("lint_unique"));
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    for (int incarnation = 0; incarnation < 3; ++incarnation) {
      StatusOr<std::unique_ptr<LoadedPlugin>> copy = (*lib)->Instantiate();
      ASSERT_TRUE(copy.ok()) << copy.status().ToString();
      raftlab_raft* r = (*copy)->api()->make(nullptr, 0, 1);
      int64_t term = -1;
      int32_t shared = -1;
      (*copy)->api()->get_state(r, &term, &shared);
      // term = the copy's file-static counter; shared = the UNIQUE counter,
      // one for the whole process (the very problem the lint warns about).
      EXPECT_EQ(term, 1) << "open " << open << " incarnation " << incarnation << " saw an earlier copy's global";
      EXPECT_EQ(shared, open * 3 + incarnation + 1) << "glibc merges the UNIQUE object across copies";
      (*copy)->api()->kill(r);
      (*copy)->api()->destroy(r);
    }
  }
}

// term of a fresh instance made on `copy` (load_once / global_counter
// report their global counter of makes as the term).
int64_t MakeAndReadCounter(const LoadedPlugin& copy) {
  raftlab_raft* r = copy.api()->make(nullptr, 0, 1);
  int64_t term = -1;
  int32_t leader = -1;
  copy.api()->get_state(r, &term, &leader);
  copy.api()->kill(r);
  copy.api()->destroy(r);
  return term;
}

// RAFTLAB_PLUGIN_LOAD_ONCE (a Go plugin: one runtime per process): every
// instance is the one image, loaded once, never unloaded, and a second Open
// of the same bytes in this process reuses it. load_once.so is
// global_counter.c with that flag: its counter of makes is the evidence.
TEST(LoaderLoadOnce, EveryInstanceSharesTheOneImage) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("load_once"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_TRUE((*lib)->load_once());
  EXPECT_FALSE((*lib)->host_threads_only());
  EXPECT_EQ((*lib)->flags(), RAFTLAB_PLUGIN_LOAD_ONCE);
  EXPECT_EQ((*lib)->name(), "load_once");
  EXPECT_EQ(OpenCopiesOf("load_once.so"), 1) << "the probe is the image";
  StatusOr<std::unique_ptr<LoadedPlugin>> a = (*lib)->Instantiate();
  StatusOr<std::unique_ptr<LoadedPlugin>> b = (*lib)->Instantiate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->shared_image());
  EXPECT_EQ((*a)->api(), (*b)->api()) << "one mapping: one table";
  EXPECT_EQ((*a)->copy_path(), (*b)->copy_path());
  EXPECT_EQ(OpenCopiesOf("load_once.so"), 1) << "no copy per instance";
  const int64_t first = MakeAndReadCounter(**a);
  EXPECT_EQ(MakeAndReadCounter(**b), first + 1) << "peers of a LOAD_ONCE plugin share its globals";
  // A restart (a view destroyed, a new one made) does not unload the image.
  a->reset();
  b->reset();
  StatusOr<std::unique_ptr<LoadedPlugin>> c = (*lib)->Instantiate();
  ASSERT_TRUE(c.ok());
  (*c)->KeepLoaded();  // a zombie's view: harmless
  EXPECT_EQ(MakeAndReadCounter(**c), first + 2) << "the image was unloaded and loaded again";
  c->reset();
  // Neither the library's end nor a second Open loads a second image.
  lib->reset();
  EXPECT_EQ(OpenCopiesOf("load_once.so"), 1) << "a LOAD_ONCE image is never unloaded";
  StatusOr<std::unique_ptr<PluginLibrary>> again = PluginLibrary::Open(Plugin("load_once"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(OpenCopiesOf("load_once.so"), 1) << "a second Open of the same bytes must reuse the image";
  StatusOr<std::unique_ptr<LoadedPlugin>> d = (*again)->Instantiate();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(MakeAndReadCounter(**d), first + 3);
}

// The control: the same source without the flag gets a copy per instance.
TEST(LoaderLoadOnce, WithoutTheFlagEveryInstanceIsACopy) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(Plugin("global_counter"));
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_FALSE((*lib)->load_once());
  StatusOr<std::unique_ptr<LoadedPlugin>> a = (*lib)->Instantiate();
  StatusOr<std::unique_ptr<LoadedPlugin>> b = (*lib)->Instantiate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE((*a)->shared_image());
  EXPECT_NE((*a)->api(), (*b)->api());
  EXPECT_EQ(MakeAndReadCounter(**a), 1);
  EXPECT_EQ(MakeAndReadCounter(**b), 1);
}

TEST(ElfCheck, AcceptsAHostSharedObject) {
  EXPECT_TRUE(CheckElfSharedObject(Plugin("ok_plugin"), "ok").ok());
}

TEST(ElfCheck, FindsExportedAndHiddenEntrySymbols) {
  const auto exported = FindSymbolsContaining(Plugin("ok_plugin"), "raftlab_entry");
  ASSERT_FALSE(exported.empty());
  EXPECT_TRUE(exported[0].exported);
  const auto hidden = FindSymbolsContaining(Plugin("hidden_entry"), "raftlab_entry");
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_EQ(hidden[0].name, "raftlab_entry");
  EXPECT_FALSE(hidden[0].exported);
  EXPECT_TRUE(FindSymbolsContaining(Plugin("not_elf"), "raftlab_entry").empty());
}

}  // namespace
}  // namespace raftlab
