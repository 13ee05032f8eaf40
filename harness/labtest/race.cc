// labtest --race (see race.h).
#include "harness/labtest/race.h"

#include <elf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#ifndef RAFTLAB_SOURCE_DIR
#define RAFTLAB_SOURCE_DIR ""
#endif

namespace raftlab {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxElfBytes = uintmax_t{1} << 30;  // no plugin or labtest is near 1 GiB

Status BadElf(const std::string& path, const std::string& what) {
  return Status::PluginLoad(fmt::format("cannot read the symbols of {}: {}", path, what));
}

bool InRange(uint64_t off, uint64_t len, size_t size) { return off <= size && len <= size - off; }

}  // namespace

bool IsExecutableFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

StatusOr<ElfDynamicInfo> ReadElfDynamicInfo(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return BadElf(path, ec.message());
  if (size > kMaxElfBytes) return BadElf(path, "the file is too large");
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadElf(path, "cannot open it");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t n = bytes.size();
  const char* data = bytes.data();

  Elf64_Ehdr eh;
  if (n < sizeof eh || std::memcmp(data, ELFMAG, SELFMAG) != 0) return BadElf(path, "not an ELF file");
  std::memcpy(&eh, data, sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return BadElf(path, "not a 64-bit ELF file");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
      !InRange(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), n)) {
    return BadElf(path, "malformed section headers");
  }
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, data + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof sh);
    return sh;
  };
  // The NUL-terminated string at `at` of the string table `str`, or nullopt.
  auto string_at = [&](const Elf64_Shdr& str, uint64_t at) -> std::optional<std::string> {
    if (at == 0 || at >= str.sh_size) return std::nullopt;
    const char* s = data + str.sh_offset + at;
    return std::string(s, strnlen(s, str.sh_size - at));
  };
  ElfDynamicInfo info;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_DYNAMIC) continue;
    const char* what = sh.sh_type == SHT_DYNSYM ? ".dynsym" : ".dynamic";
    const size_t entsize = sh.sh_type == SHT_DYNSYM ? sizeof(Elf64_Sym) : sizeof(Elf64_Dyn);
    if (sh.sh_link >= eh.e_shnum || sh.sh_entsize != entsize || !InRange(sh.sh_offset, sh.sh_size, n)) {
      return BadElf(path, fmt::format("malformed {}", what));
    }
    const Elf64_Shdr str = section(sh.sh_link);
    if (!InRange(str.sh_offset, str.sh_size, n)) return BadElf(path, fmt::format("malformed string table of {}", what));
    for (uint64_t off = 0; off + entsize <= sh.sh_size; off += entsize) {
      if (sh.sh_type == SHT_DYNSYM) {
        Elf64_Sym sym;
        std::memcpy(&sym, data + sh.sh_offset + off, sizeof sym);
        if (auto name = string_at(str, sym.st_name)) info.symbols.push_back(std::move(*name));
      } else {
        Elf64_Dyn dyn;
        std::memcpy(&dyn, data + sh.sh_offset + off, sizeof dyn);
        if (dyn.d_tag == DT_NULL) break;
        if (dyn.d_tag != DT_NEEDED) continue;
        if (auto name = string_at(str, dyn.d_un.d_val)) info.needed.push_back(std::move(*name));
      }
    }
  }
  return info;
}

StatusOr<std::vector<std::string>> DynamicSymbolNames(const std::string& path) {
  auto info = ReadElfDynamicInfo(path);
  if (!info.ok()) return info.status();
  return std::move(info->symbols);
}

StatusOr<bool> IsTsanInstrumented(const std::string& path) {
  auto names = DynamicSymbolNames(path);
  if (!names.ok()) return names.status();
  for (const std::string& s : *names) {
    if (s == "__tsan_init") return true;
  }
  return false;
}

StatusOr<std::string> FindTsanLabtest(const RaceRequest& r) {
  if (!r.race_labtest.empty()) {
    if (IsExecutableFile(r.race_labtest)) return r.race_labtest;
    return Status::NotFound(fmt::format("--race-labtest {}: no executable file there", r.race_labtest));
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink(r.self_exe, ec);
  const std::string self_path = ec ? r.self_exe : self.string();
  if (auto tsan = IsTsanInstrumented(self_path); tsan.ok() && *tsan) return self_path;
  const std::string root = r.source_dir.empty() ? std::string(RAFTLAB_SOURCE_DIR) : r.source_dir;
  const fs::path candidate = fs::path(root) / "build" / "tsan" / "bin" / "labtest";
  if (!root.empty() && IsExecutableFile(candidate.string())) return candidate.string();
  return Status::NotFound(fmt::format(
      "--race needs a ThreadSanitizer build of labtest, and there is none at {}.\n"
      "Build it from the raftlab source folder ({}) with:\n  {}\n"
      "or point at one with --race-labtest PATH.",
      candidate.string(), root.empty() ? "unknown" : root, kTsanLabtestBuildCommand));
}

std::vector<std::string> RaceChildArgv(const std::vector<std::string>& argv, const std::string& labtest) {
  std::vector<std::string> out = {labtest};
  bool scale_given = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--race") continue;
    if (a == "--race-labtest") {
      ++i;  // and its value
      continue;
    }
    if (a.rfind("--race-labtest=", 0) == 0) continue;
    if (a == "--timeout-scale" || a.rfind("--timeout-scale=", 0) == 0) scale_given = true;
    out.push_back(a);
  }
  if (!scale_given) {
    out.push_back("--timeout-scale");
    out.push_back(fmt::format("{:g}", kRaceTimeoutScale));
  }
  return out;
}

int RaceCommand(const RaceRequest& r, std::FILE* err) {
  if (!r.plugin_path.empty()) {
    auto tsan = IsTsanInstrumented(r.plugin_path);
    if (!tsan.ok()) {
      fmt::print(err, "labtest: --race: {}\n", tsan.status().message());
      return 3;
    }
    if (!*tsan) {
      fmt::print(err,
                 "labtest: --race: {} is not built with ThreadSanitizer (it has no __tsan_init), so races in it "
                 "would go unseen.\nRebuild your plugin with ThreadSanitizer, from your plugin's folder:\n  {}\n"
                 "(the skeleton also takes -DRAFTLAB_SANITIZE=thread) and pass --plugin build-tsan/libraft.so.\n",
                 r.plugin_path, kTsanPluginBuildCommand);
      return 2;
    }
  }
  auto labtest = FindTsanLabtest(r);
  if (!labtest.ok()) {
    fmt::print(err, "labtest: {}\n", labtest.status().message());
    return 2;
  }
  std::vector<std::string> args = RaceChildArgv(r.argv, *labtest);
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  // Fail fast on the first race, with the stacks of both sides of a lock-order inversion.
  ::setenv("TSAN_OPTIONS", "halt_on_error=1:second_deadlock_stack=1", /*overwrite=*/0);
  std::fflush(nullptr);
  ::execv(labtest->c_str(), cargs.data());
  fmt::print(err, "labtest: --race: cannot run {}: {}\n", *labtest, std::strerror(errno));
  return 4;
}

}  // namespace raftlab
