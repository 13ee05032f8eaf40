// language.cc: see language.h.
#include "harness/plugin/language.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "harness/plugin/elf_image.h"

namespace raftlab {
namespace {

bool IsRustSymbol(std::string_view name) {
  return name == "rust_begin_unwind" || name.rfind("__rust_", 0) == 0;
}

// True when a symbol table (SHT_SYMTAB or SHT_DYNSYM) names a Rust runtime
// symbol. Bounded: at most kMaxSymbols symbols per table are read.
bool SymbolsSayRust(const ImageReader& in, const std::vector<Elf64_Shdr>& sh, const Elf64_Shdr& table) {
  constexpr uint64_t kMaxSymbols = uint64_t{1} << 22;
  if (table.sh_link >= sh.size() || table.sh_entsize != sizeof(Elf64_Sym)) return false;
  const Elf64_Shdr& strtab = sh[table.sh_link];
  const uint64_t count = std::min<uint64_t>(table.sh_size / sizeof(Elf64_Sym), kMaxSymbols);
  for (uint64_t i = 0; i < count; ++i) {
    Elf64_Sym sym{};
    if (!in.Read(table.sh_offset + i * sizeof(Elf64_Sym), &sym)) return false;
    if (sym.st_name == 0) continue;
    std::optional<std::string> name = in.String(strtab.sh_offset, strtab.sh_size, sym.st_name);
    if (name && IsRustSymbol(*name)) return true;
  }
  return false;
}

}  // namespace

const char* PluginLanguageName(PluginLanguage language) {
  switch (language) {
    case PluginLanguage::kRust:
      return "Rust";
    case PluginLanguage::kGo:
      return "Go";
    default:
      return "C/C++";
  }
}

PluginLanguage DetectPluginLanguage(std::string_view image) {
  const ImageReader in(image);
  Elf64_Ehdr eh{};
  if (!in.Read(0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 8192) {
    return PluginLanguage::kCOrCxx;
  }
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  for (size_t i = 0; i < sh.size(); ++i) {
    if (!in.Read(eh.e_shoff + i * sizeof(Elf64_Shdr), &sh[i])) return PluginLanguage::kCOrCxx;
  }
  const Elf64_Shdr* shstr = eh.e_shstrndx < sh.size() ? &sh[eh.e_shstrndx] : nullptr;
  bool rust = false;
  for (const Elf64_Shdr& s : sh) {
    const std::string name =
        shstr == nullptr ? "" : in.String(shstr->sh_offset, shstr->sh_size, s.sh_name).value_or("");
    if (name == ".go.buildinfo") return PluginLanguage::kGo;
    if (name == ".rustc") rust = true;
    if (name == ".comment" && s.sh_type != SHT_NOBITS) {
      // One NUL-separated line per compiler that contributed code, e.g.
      // "GCC: (Debian 12.2.0-14) 12.2.0" and "rustc version 1.63.0".
      std::optional<std::string_view> text = in.Bytes(s.sh_offset, s.sh_size);
      if (text && text->find("rustc version") != std::string_view::npos) rust = true;
    }
  }
  if (rust) return PluginLanguage::kRust;
  for (const Elf64_Shdr& s : sh) {
    if ((s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM) && SymbolsSayRust(in, sh, s)) {
      return PluginLanguage::kRust;
    }
  }
  return PluginLanguage::kCOrCxx;
}

PluginLanguage DetectPluginLanguageOfFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return PluginLanguage::kCOrCxx;
  const std::string image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return DetectPluginLanguage(image);
}

}  // namespace raftlab
