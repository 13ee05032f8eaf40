// labtest --asan and the sanitizer mode check (see sanitize.h).
#include "harness/labtest/sanitize.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "harness/labtest/race.h"

#ifndef RAFTLAB_SOURCE_DIR
#define RAFTLAB_SOURCE_DIR ""
#endif

namespace raftlab {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string ShellWord(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

StatusOr<ElfSanitizer> DetectSanitizer(const std::string& path) {
  auto info = ReadElfDynamicInfo(path);
  if (!info.ok()) return info.status();
  ElfSanitizer out;
  for (const std::string& s : info->symbols) {
    if (s == "__asan_init") out.kind = SanitizerKind::kAddress;
    if (s == "__tsan_init") out.kind = SanitizerKind::kThread;
    if (StartsWith(s, "__ubsan_handle_")) out.undefined = true;
  }
  for (const std::string& lib : info->needed) {
    if (StartsWith(lib, "libasan.so") || StartsWith(lib, "libtsan.so") || StartsWith(lib, "libclang_rt.asan") ||
        StartsWith(lib, "libclang_rt.tsan")) {
      out.runtime = lib;
    }
  }
  return out;
}

SanitizerKind SanitizerInThisProcess() {
  if (dlsym(RTLD_DEFAULT, "__asan_init") != nullptr) return SanitizerKind::kAddress;
  if (dlsym(RTLD_DEFAULT, "__tsan_init") != nullptr) return SanitizerKind::kThread;
  return SanitizerKind::kNone;
}

std::string SanitizerMismatch(const ElfSanitizer& plugin, const std::string& plugin_path, SanitizerKind here) {
  if (plugin.kind == SanitizerKind::kNone || plugin.kind == here) return "";
  if (plugin.kind == SanitizerKind::kAddress) {
    return fmt::format(
        "{} is built with AddressSanitizer, which must be loaded before everything else: run it with --asan "
        "(labtest --asan --plugin {} ...), or rebuild it without -DRAFTLAB_SANITIZE for plain runs",
        plugin_path, ShellWord(plugin_path));
  }
  return fmt::format(
      "{} is built with ThreadSanitizer, which needs the whole program instrumented: run it with --race "
      "(labtest --race --plugin {} ...), or rebuild it without -DRAFTLAB_SANITIZE for plain runs",
      plugin_path, ShellWord(plugin_path));
}

StatusOr<AsanLaunch> PlanAsanLaunch(const AsanRequest& r, const ElfSanitizer& plugin) {
  if (!r.asan_labtest.empty()) {
    if (IsExecutableFile(r.asan_labtest)) return AsanLaunch{r.asan_labtest, ""};
    return Status::NotFound(fmt::format("--asan-labtest {}: no executable file there", r.asan_labtest));
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink(r.self_exe, ec);
  const std::string self_path = ec ? r.self_exe : self.string();
  if (auto me = DetectSanitizer(self_path); me.ok() && me->kind == SanitizerKind::kAddress) {
    return AsanLaunch{self_path, ""};
  }
  if (!plugin.runtime.empty()) return AsanLaunch{self_path, plugin.runtime};
  const std::string root = r.source_dir.empty() ? std::string(RAFTLAB_SOURCE_DIR) : r.source_dir;
  const fs::path candidate = fs::path(root) / "build" / "asan" / "bin" / "labtest";
  if (!root.empty() && IsExecutableFile(candidate.string())) return AsanLaunch{candidate.string(), ""};
  return Status::NotFound(fmt::format(
      "{} does not name its AddressSanitizer runtime (a clang build links it into the program instead), and "
      "there is no ASan build of labtest at {}.\nEither build your plugin with g++ (the skeleton's default "
      "compiler):\n  {}\nor build an ASan labtest from the raftlab source folder ({}):\n  {}\n"
      "or point at one with --asan-labtest PATH.",
      r.plugin_path, candidate.string(), kAsanPluginBuildCommand, root.empty() ? "unknown" : root,
      kAsanLabtestBuildCommand));
}

std::vector<std::string> AsanChildArgv(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  bool scale_given = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (i > 0 && a == "--asan") continue;
    if (i > 0 && a == "--asan-labtest") {
      ++i;  // and its value
      continue;
    }
    if (i > 0 && StartsWith(a, "--asan-labtest=")) continue;
    if (a == "--timeout-scale" || StartsWith(a, "--timeout-scale=")) scale_given = true;
    out.push_back(a);
  }
  if (out.empty()) out.push_back("labtest");
  if (!scale_given) {
    out.push_back("--timeout-scale");
    out.push_back(fmt::format("{:g}", kAsanTimeoutScale));
  }
  return out;
}

std::string JoinSanitizerOptions(const std::string& defaults, const char* given) {
  if (given == nullptr || *given == '\0') return defaults;
  return defaults + ":" + given;
}

int AsanCommand(const AsanRequest& r, std::FILE* err) {
  if (r.plugin_path.empty()) {
    fmt::print(err,
               "labtest: --asan checks your plugin's memory accesses, so it needs one: build it with "
               "AddressSanitizer, from your plugin's folder:\n  {}\nand run labtest --asan --plugin "
               "build-asan/libraft.so\n",
               kAsanPluginBuildCommand);
    return 2;
  }
  auto plugin = DetectSanitizer(r.plugin_path);
  if (!plugin.ok()) {
    fmt::print(err, "labtest: --asan: {}\n", plugin.status().message());
    return 3;
  }
  if (plugin->kind == SanitizerKind::kThread) {
    fmt::print(err,
               "labtest: --asan: {} is built with ThreadSanitizer, not AddressSanitizer: run it with --race, or "
               "rebuild it for --asan, from your plugin's folder:\n  {}\n",
               r.plugin_path, kAsanPluginBuildCommand);
    return 2;
  }
  if (plugin->kind != SanitizerKind::kAddress) {
    fmt::print(err,
               "labtest: --asan: {} is not built with AddressSanitizer (it has no __asan_init), so its memory "
               "errors would go unseen.\nRebuild your plugin with AddressSanitizer, from your plugin's folder:\n"
               "  {}\nand pass --plugin build-asan/libraft.so.\n",
               r.plugin_path, kAsanPluginBuildCommand);
    return 2;
  }
  auto launch = PlanAsanLaunch(r, *plugin);
  if (!launch.ok()) {
    fmt::print(err, "labtest: --asan: {}\n", launch.status().message());
    return 2;
  }
  std::vector<std::string> args = AsanChildArgv(r.argv);
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  if (!launch->preload.empty()) {
    const char* before = std::getenv("LD_PRELOAD");
    const std::string preload =
        before && *before ? launch->preload + ":" + before : launch->preload;
    ::setenv("LD_PRELOAD", preload.c_str(), 1);
  }
  // The first error ends the test (abort: the child's crash report names
  // the frame); leaks are not Raft bugs, and the harness keeps plugin
  // copies mapped on purpose.
  ::setenv("ASAN_OPTIONS", JoinSanitizerOptions("abort_on_error=1:detect_leaks=0", std::getenv("ASAN_OPTIONS")).c_str(),
           1);
  ::setenv("UBSAN_OPTIONS",
           JoinSanitizerOptions("halt_on_error=1:abort_on_error=1:print_stacktrace=1", std::getenv("UBSAN_OPTIONS"))
               .c_str(),
           1);
  ::setenv(kAsanModeEnv, "1", 1);
  std::fflush(nullptr);
  ::execv(launch->labtest.c_str(), cargs.data());
  fmt::print(err, "labtest: --asan: cannot run {}: {}\n", launch->labtest, std::strerror(errno));
  return 4;
}

}  // namespace raftlab
