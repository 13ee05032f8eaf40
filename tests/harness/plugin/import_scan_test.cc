// Tests of harness/plugin/import_scan.{h,cc}: reading a plugin's undefined
// dynamic symbols, and the verdict of `labtest --sim` on them, over real
// plugins (the reference, ok_plugin, tests/plugins/raw_threads_plugin.c, the
// hostile std::thread plugin) and damaged images.
#include "harness/plugin/import_scan.h"

#include <elf.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace raftlab {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<std::string> Raw(const std::vector<ImportedSymbol>& v) {
  std::vector<std::string> out;
  for (const ImportedSymbol& s : v) out.push_back(s.raw);
  return out;
}

std::vector<std::string> Demangled(const std::vector<SimImport>& v) {
  std::vector<std::string> out;
  for (const SimImport& s : v) out.push_back(s.symbol.demangled);
  return out;
}

bool HasKind(const std::vector<SimImport>& v, const std::string& raw, SimImportKind kind) {
  return std::any_of(v.begin(), v.end(), [&](const SimImport& s) { return s.symbol.raw == raw && s.kind == kind; });
}

SimReadiness Scan(const std::string& path, const std::string& display = "build/libraft.so") {
  StatusOr<SimReadiness> r = ScanForSimulation(path, display);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : SimReadiness{};
}

TEST(ImportScan, ListsOnlyTheUndefinedSymbolsOfAPlainCPlugin) {
  StatusOr<std::vector<ImportedSymbol>> imports = ListImportedSymbols(ReadAll(RAFTLAB_OK_PLUGIN));
  ASSERT_TRUE(imports.ok()) << imports.status().message();
  const std::vector<std::string> raw = Raw(*imports);
  EXPECT_THAT(raw, Contains("calloc"));
  EXPECT_THAT(raw, Contains("free"));
  EXPECT_THAT(raw, Contains("strcmp"));
  EXPECT_THAT(raw, Not(Contains("raftlab_entry")));  // defined: exported, not imported
  EXPECT_THAT(raw, Not(Contains("")));
  for (const ImportedSymbol& s : *imports) {
    EXPECT_EQ(s.demangled, s.raw) << "C names are their own demangled form";
    if (s.raw == "calloc") {
      EXPECT_FALSE(s.weak);
    }
    if (s.raw == "__gmon_start__") {
      EXPECT_TRUE(s.weak);
    }
  }
}

TEST(ImportScan, OkPluginUsesOnlyHostServices) {
  const SimReadiness r = Scan(RAFTLAB_OK_PLUGIN);
  EXPECT_TRUE(r.ready());
  EXPECT_TRUE(r.refused.empty());
  EXPECT_TRUE(r.warned.empty()) << r.WarningLine();
  EXPECT_GT(r.imports, 0u);
  EXPECT_EQ(r.RefusalLine(), "");
  EXPECT_EQ(r.WarningLine(), "");
}

// The reference promises RAFTLAB_PLUGIN_HOST_THREADS_ONLY; its only raw
// import is std::mutex's pthread_mutex_lock (reference/kv_store.cc).
TEST(ImportScan, ReferenceIsReadyWithARawLockWarning) {
  const SimReadiness r = Scan(RAFTLAB_REFERENCE_PLUGIN);
  EXPECT_TRUE(r.ready()) << r.RefusalLine();
  EXPECT_THAT(Demangled(r.refused), ::testing::IsEmpty());
  EXPECT_TRUE(HasKind(r.warned, "pthread_mutex_lock", SimImportKind::kRawLock));
  for (const SimImport& s : r.warned) EXPECT_EQ(s.kind, SimImportKind::kRawLock) << s.symbol.raw;
  EXPECT_THAT(r.WarningLine(), HasSubstr("labtest --sim: warning: build/libraft.so takes raw locks "
                                         "(pthread_mutex_lock"));
  EXPECT_THAT(r.WarningLine(), HasSubstr("never hold one across a host call"));
  EXPECT_THAT(r.WarningLine(), Not(HasSubstr("\n")));
}

TEST(ImportScan, RefusesRawThreadsSleepsAndClocksWithOneLine) {
  const SimReadiness r = Scan(RAFTLAB_RAW_THREADS_PLUGIN);
  EXPECT_FALSE(r.ready());
  EXPECT_TRUE(HasKind(r.refused, "pthread_create", SimImportKind::kStartsThreads));
  EXPECT_TRUE(HasKind(r.refused, "nanosleep", SimImportKind::kSleeps));
  EXPECT_TRUE(HasKind(r.refused, "clock_gettime", SimImportKind::kReadsClock));
  EXPECT_EQ(r.refused.size(), 3u) << ::testing::PrintToString(Demangled(r.refused));
  EXPECT_TRUE(HasKind(r.warned, "pthread_join", SimImportKind::kRawJoin));
  EXPECT_TRUE(HasKind(r.warned, "pthread_mutex_lock", SimImportKind::kRawLock));
  EXPECT_EQ(r.RefusalLine(),
            "labtest --sim: cannot simulate build/libraft.so: it starts threads (pthread_create), sleeps "
            "(nanosleep) and reads the clock (clock_gettime) outside the host services, which the simulated "
            "runtime can neither schedule nor fast-forward; use the host services, as the skeleton does: "
            "host->thread_start, mutex_*, cond_*, sleep_ns, now_ns; or raftlab::Host in C++ (or run without "
            "--sim, in real time)");
}

TEST(ImportScan, AMutexAloneOnlyWarns) {
  const SimReadiness r = Scan(RAFTLAB_RAW_MUTEX_ONLY_PLUGIN);
  EXPECT_TRUE(r.ready()) << r.RefusalLine();
  ASSERT_EQ(r.warned.size(), 1u) << ::testing::PrintToString(Demangled(r.warned));
  EXPECT_EQ(r.warned[0].symbol.raw, "pthread_mutex_lock");
  EXPECT_EQ(r.warned[0].verdict, SimImportVerdict::kWarn);
}

#ifdef RAFTLAB_HOSTILE_THREADS_RAW_PLUGIN
// std::thread and std::condition_variable are C++ imports: matched on their
// demangled names, reported short, and kept raw alongside.
TEST(ImportScan, RefusesStdThreadAndStdConditionVariable) {
  const SimReadiness r = Scan(RAFTLAB_HOSTILE_THREADS_RAW_PLUGIN);
  EXPECT_FALSE(r.ready());
  bool start_thread = false, cv_wait = false;
  for (const SimImport& s : r.refused) {
    if (s.symbol.demangled.rfind("std::thread::_M_start_thread(", 0) == 0) {
      start_thread = true;
      EXPECT_EQ(s.kind, SimImportKind::kStartsThreads);
      EXPECT_EQ(s.symbol.raw.rfind("_ZNSt6thread15_M_start_thread", 0), 0u) << s.symbol.raw;
    }
    if (s.symbol.demangled.rfind("std::condition_variable::wait(", 0) == 0) {
      cv_wait = true;
      EXPECT_EQ(s.kind, SimImportKind::kWaits);
    }
  }
  EXPECT_TRUE(start_thread) << ::testing::PrintToString(Demangled(r.refused));
  EXPECT_TRUE(cv_wait) << ::testing::PrintToString(Demangled(r.refused));
  EXPECT_THAT(r.RefusalLine(), HasSubstr("starts threads (std::thread::_M_start_thread)"));
  EXPECT_THAT(r.RefusalLine(), HasSubstr("std::condition_variable::wait"));
  EXPECT_THAT(r.RefusalLine(), Not(HasSubstr("_ZN")));
}

// A std::thread member that is only ever joined (the host starts the
// threads) imports std::thread::join but no thread start: a warning.
TEST(ImportScan, AJoinWithoutAThreadStartOnlyWarns) {
  const SimReadiness r = Scan(RAFTLAB_HOSTILE_THREADS_HOST_PLUGIN);
  EXPECT_TRUE(r.ready()) << r.RefusalLine();
  EXPECT_TRUE(HasKind(r.warned, "_ZNSt6thread4joinEv", SimImportKind::kRawJoin));
  EXPECT_THAT(r.WarningLine(), HasSubstr("joins raw threads (std::thread::join)"));
}
#endif

TEST(ImportScan, ClassifiesExactCNamesAndDemangledCxxPrefixes) {
  auto verdict = [](const std::string& raw, const std::string& demangled) {
    return ClassifySimImport(ImportedSymbol{raw, demangled, false}).verdict;
  };
  EXPECT_EQ(verdict("sleep", "sleep"), SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("time", "time"), SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("pthread_cond_clockwait", "pthread_cond_clockwait"), SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("epoll_wait", "epoll_wait"), SimImportVerdict::kRefused);
  // Exact names only: no prefix matches among C names.
  EXPECT_EQ(verdict("sleepy", "sleepy"), SimImportVerdict::kFine);
  EXPECT_EQ(verdict("timegm", "timegm"), SimImportVerdict::kFine);
  EXPECT_EQ(verdict("pthread_mutex_unlock", "pthread_mutex_unlock"), SimImportVerdict::kFine);
  // C++: the prefix of the demangled name.
  EXPECT_EQ(verdict("_ZNSt6chrono3_V212steady_clock3nowEv", "std::chrono::_V2::steady_clock::now()"),
            SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("_ZNSt11this_thread11__sleep_forENSt6chrono8durationIlSt5ratioILl1ELl1EEEENS1_IlS2_ILl1ELl1000000000EEEE",
                    "std::this_thread::__sleep_for(std::chrono::duration<long, std::ratio<1l, 1l> >, "
                    "std::chrono::duration<long, std::ratio<1l, 1000000000l> >)"),
            SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("_ZNSt18condition_variable10notify_oneEv", "std::condition_variable::notify_one()"),
            SimImportVerdict::kRefused);
  EXPECT_EQ(verdict("_ZNSt13random_device9_M_getvalEv", "std::random_device::_M_getval()"),
            SimImportVerdict::kWarn);
  // A function merely taking a condition variable is not one of its members.
  EXPECT_EQ(verdict("_Z3fooRSt18condition_variable", "foo(std::condition_variable&)"), SimImportVerdict::kFine);
  EXPECT_EQ(verdict("_ZNSt6thread20hardware_concurrencyEv", "std::thread::hardware_concurrency()"),
            SimImportVerdict::kFine);
  // A C symbol can never match a C++ rule.
  EXPECT_EQ(verdict("std::thread::join(", "std::thread::join("), SimImportVerdict::kFine);
}

// Without section headers (stripped with sstrip-like tools) the loader still
// finds .dynsym through PT_DYNAMIC, and so must the scan: the same imports
// either way. Debian links with --hash-style=gnu, so this exercises the
// symbol count from DT_GNU_HASH.
TEST(ImportScan, ReadsDynsymThroughPtDynamicWithoutSectionHeaders) {
  for (const char* path : {RAFTLAB_REFERENCE_PLUGIN, RAFTLAB_RAW_THREADS_PLUGIN, RAFTLAB_OK_PLUGIN}) {
    std::string image = ReadAll(path);
    StatusOr<std::vector<ImportedSymbol>> with = ListImportedSymbols(image);
    ASSERT_TRUE(with.ok()) << with.status().message();
    Elf64_Ehdr eh{};
    ASSERT_GE(image.size(), sizeof eh);
    std::memcpy(&eh, image.data(), sizeof eh);
    eh.e_shoff = 0;
    eh.e_shnum = 0;
    eh.e_shstrndx = 0;
    std::memcpy(image.data(), &eh, sizeof eh);
    StatusOr<std::vector<ImportedSymbol>> without = ListImportedSymbols(image);
    ASSERT_TRUE(without.ok()) << path << ": " << without.status().message();
    EXPECT_EQ(Raw(*without), Raw(*with)) << path;
    EXPECT_FALSE(with->empty());
  }
}

TEST(ImportScan, ErrorsSayWhatWhereAndHowToFix) {
  const std::string not_elf = std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/not_elf.so";
  StatusOr<SimReadiness> r = ScanForSimulation(not_elf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kPluginLoad);
  EXPECT_EQ(r.status().message(), "labtest --sim: cannot scan plugin " + not_elf +
                                      ": not an ELF shared object (the file has no ELF header): pass the .so file "
                                      "your build produced, e.g. --plugin build/libraft.so");

  r = ScanForSimulation("/nonexistent/libraft.so", "libraft.so");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kPluginLoad);
  EXPECT_THAT(r.status().message(), HasSubstr("cannot scan plugin libraft.so: cannot read the file ("));
  EXPECT_THAT(r.status().message(), HasSubstr("check the path and its permissions"));

  r = ScanForSimulation(std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/elf32.so", "elf32.so");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("not an ELF shared object (it is a 32-bit ELF file)"));

  r = ScanForSimulation(std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/executable_type.so", "exe.so");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("not a shared object"));

  // A real header whose tables lie past the end of the file.
  const std::string truncated = ReadAll(RAFTLAB_OK_PLUGIN).substr(0, sizeof(Elf64_Ehdr) + 16);
  r = ScanImageForSimulation(truncated, "cut.so");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("labtest --sim: cannot scan plugin cut.so: its dynamic symbol table "
                                              "is damaged ("));
  EXPECT_THAT(r.status().message(), HasSubstr("): rebuild the plugin"));

  for (const std::string& garbage : {std::string(), std::string("\x7f" "ELF"), std::string(4096, '\xff')}) {
    EXPECT_FALSE(ScanImageForSimulation(garbage, "g.so").ok());
  }
}

// The Rust test plugin goes through skeleton-rust's host-backed Mutex and
// spawn; Rust's std still makes futex calls of its own through syscall().
TEST(ImportScan, RustTestPluginIsReadyIfBuilt) {
#ifdef RAFTLAB_RUST_PLUGIN
  if (!std::ifstream(RAFTLAB_RUST_PLUGIN).good()) GTEST_SKIP() << "not built: " << RAFTLAB_RUST_PLUGIN;
  const SimReadiness r = Scan(RAFTLAB_RUST_PLUGIN);
  EXPECT_TRUE(r.ready()) << r.RefusalLine();
#else
  GTEST_SKIP() << "the Rust test plugin is not part of this build";
#endif
}

}  // namespace
}  // namespace raftlab
