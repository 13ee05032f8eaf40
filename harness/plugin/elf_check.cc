#include "harness/plugin/elf_check.h"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "harness/plugin/elf_image.h"

namespace raftlab {
namespace {

std::string Prefix(const std::string& display) { return "cannot load plugin " + display + ": "; }

// Reads `len` bytes at `off`; false when the file is shorter.
bool ReadAt(std::ifstream& in, uint64_t off, void* out, size_t len) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(off));
  if (!in) return false;
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(len));
  return static_cast<size_t>(in.gcount()) == len;
}

bool HostIsLittleEndian() {
  const uint16_t probe = 1;
  uint8_t first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

}  // namespace

uint16_t HostElfMachine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__riscv)
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#elif defined(__s390x__)
  return EM_S390;
#elif defined(__loongarch__)
  return 258;  // EM_LOONGARCH, absent from older <elf.h>
#else
#error "raftlab: add this architecture's ELF e_machine to HostElfMachine()"
#endif
}

std::string ElfMachineName(uint16_t machine) {
  switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64 (arm64)";
    case EM_ARM: return "32-bit ARM";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390x";
    case 258: return "LoongArch";
    default: return "ELF machine " + std::to_string(machine);
  }
}

Status CheckElfSharedObject(const std::string& path, const std::string& display) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::PluginLoad(Prefix(display) + "cannot read the file: " + std::strerror(errno) +
                              ": check its permissions");
  }
  Elf64_Ehdr eh{};
  std::memset(&eh, 0, sizeof eh);
  in.read(reinterpret_cast<char*>(&eh), sizeof eh);
  const size_t got = static_cast<size_t>(in.gcount());
  if (got < EI_NIDENT || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return Status::PluginLoad(Prefix(display) +
                              "not a shared library (the file has no ELF header): pass the .so "
                              "file your build produced, e.g. --plugin build/libraft.so");
  }
  const std::string host = ElfMachineName(HostElfMachine());
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return Status::PluginLoad(Prefix(display) + "wrong architecture: it is a 32-bit ELF file, this labtest is 64-bit " +
                              host + ": rebuild the plugin on this machine without -m32");
  }
  const uint8_t want_data = HostIsLittleEndian() ? ELFDATA2LSB : ELFDATA2MSB;
  if (eh.e_ident[EI_DATA] != want_data) {
    return Status::PluginLoad(Prefix(display) + "wrong architecture: its byte order differs from this " + host +
                              " machine: rebuild the plugin on this machine");
  }
  if (got < sizeof eh) {
    return Status::PluginLoad(Prefix(display) + "truncated ELF header (" + std::to_string(got) +
                              " bytes): the file is damaged; rebuild the plugin");
  }
  if (eh.e_machine != HostElfMachine()) {
    return Status::PluginLoad(Prefix(display) + "wrong architecture: built for " + ElfMachineName(eh.e_machine) +
                              ", this machine is " + host +
                              ": rebuild the plugin on this machine (a .so built elsewhere will not load)");
  }
  switch (eh.e_type) {
    case ET_DYN:
      return Status::Ok();
    case ET_EXEC:
      return Status::PluginLoad(Prefix(display) +
                                "is an executable, not a shared library: build it with "
                                "add_library(<name> SHARED ...) or -shared -fPIC");
    case ET_REL:
      return Status::PluginLoad(Prefix(display) +
                                "is an object file, not a shared library: link it with -shared, e.g. "
                                "add_library(<name> SHARED ...)");
    case ET_CORE:
      return Status::PluginLoad(Prefix(display) + "is a core dump, not a shared library: pass your plugin's .so");
    default:
      return Status::PluginLoad(Prefix(display) + "unknown ELF file type " + std::to_string(eh.e_type) +
                                ", not a shared library: pass your plugin's .so");
  }
}

std::vector<EntryCandidate> FindSymbolsContaining(const std::string& path, const std::string& needle) {
  std::vector<EntryCandidate> found;
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (!in || !ReadAt(in, 0, &eh, sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0) {
    return found;
  }
  constexpr uint16_t kMaxSections = 4096;
  constexpr uint64_t kMaxTableBytes = uint64_t{256} << 20;  // a sanity bound, not a real limit
  if (eh.e_shnum > kMaxSections) return found;
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  if (!ReadAt(in, eh.e_shoff, sh.data(), sh.size() * sizeof(Elf64_Shdr))) return found;

  for (const Elf64_Shdr& table : sh) {
    if (table.sh_type != SHT_DYNSYM && table.sh_type != SHT_SYMTAB) continue;
    if (table.sh_link >= sh.size() || table.sh_entsize != sizeof(Elf64_Sym)) continue;
    const Elf64_Shdr& strtab = sh[table.sh_link];
    if (table.sh_size > kMaxTableBytes || strtab.sh_size > kMaxTableBytes) continue;
    std::vector<Elf64_Sym> syms(table.sh_size / sizeof(Elf64_Sym));
    std::string strings(strtab.sh_size, '\0');
    if (!ReadAt(in, table.sh_offset, syms.data(), syms.size() * sizeof(Elf64_Sym)) ||
        !ReadAt(in, strtab.sh_offset, strings.data(), strings.size())) {
      continue;
    }
    for (const Elf64_Sym& s : syms) {
      if (s.st_name >= strings.size() || s.st_shndx == SHN_UNDEF) continue;
      std::string name(strings.c_str() + s.st_name);
      if (name.find(needle) == std::string::npos) continue;
      const unsigned vis = ELF64_ST_VISIBILITY(s.st_other);
      const bool exported = table.sh_type == SHT_DYNSYM && ELF64_ST_BIND(s.st_info) != STB_LOCAL &&
                            (vis == STV_DEFAULT || vis == STV_PROTECTED);
      bool merged = false;
      for (EntryCandidate& c : found) {
        if (c.name == name) {
          c.exported = c.exported || exported;
          merged = true;
        }
      }
      if (!merged) found.push_back({std::move(name), exported});
    }
  }
  return found;
}

StatusOr<std::vector<ExportedDataSymbol>> ListExportedDataSymbols(std::string_view image) {
  const ImageReader in(image);
  Elf64_Ehdr eh{};
  if (!in.Read(0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return Status::InvalidArgument("not an ELF file");
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return Status::InvalidArgument("not a 64-bit ELF file");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0) {
    return Status::InvalidArgument("no section headers (stripped of them?)");
  }
  constexpr uint16_t kMaxSections = 8192;
  constexpr uint64_t kMaxSymbols = uint64_t{1} << 22;
  if (eh.e_shnum > kMaxSections) return Status::InvalidArgument("too many sections");
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  for (size_t i = 0; i < sh.size(); ++i) {
    if (!in.Read(eh.e_shoff + i * sizeof(Elf64_Shdr), &sh[i])) {
      return Status::InvalidArgument("section header table outside the file");
    }
  }
  // PT_GNU_RELRO: writable while relocating, read-only afterwards (vtables,
  // typeinfo, .data.rel.ro): not state anyone can change.
  std::vector<std::pair<uint64_t, uint64_t>> relro;  // [begin, end)
  if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < kMaxSections) {
    for (uint16_t i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph{};
      if (!in.Read(eh.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr), &ph)) break;
      if (ph.p_type == PT_GNU_RELRO && ph.p_vaddr <= UINT64_MAX - ph.p_memsz) {
        relro.emplace_back(ph.p_vaddr, ph.p_vaddr + ph.p_memsz);
      }
    }
  }
  const Elf64_Shdr* shstr = eh.e_shstrndx < sh.size() ? &sh[eh.e_shstrndx] : nullptr;
  auto section_name = [&](uint16_t index) -> std::string {
    if (shstr == nullptr || index >= sh.size()) return "";
    return in.String(shstr->sh_offset, shstr->sh_size, sh[index].sh_name).value_or("");
  };

  std::vector<ExportedDataSymbol> out;
  for (const Elf64_Shdr& table : sh) {
    if (table.sh_type != SHT_DYNSYM) continue;
    if (table.sh_link >= sh.size() || table.sh_entsize != sizeof(Elf64_Sym)) {
      return Status::InvalidArgument("malformed .dynsym header");
    }
    const Elf64_Shdr& strtab = sh[table.sh_link];
    const uint64_t count = table.sh_size / sizeof(Elf64_Sym);
    if (count > kMaxSymbols) return Status::InvalidArgument("too many dynamic symbols");
    for (uint64_t i = 0; i < count; ++i) {
      Elf64_Sym sym{};
      if (!in.Read(table.sh_offset + i * sizeof(Elf64_Sym), &sym)) {
        return Status::InvalidArgument(".dynsym outside the file");
      }
      const unsigned type = ELF64_ST_TYPE(sym.st_info);
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      const unsigned vis = ELF64_ST_VISIBILITY(sym.st_other);
      if (type != STT_OBJECT || sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE) continue;
      if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
      if (vis != STV_DEFAULT && vis != STV_PROTECTED) continue;
      if (sym.st_shndx >= sh.size()) return Status::InvalidArgument("symbol in a section that does not exist");
      std::optional<std::string> name = in.String(strtab.sh_offset, strtab.sh_size, sym.st_name);
      if (!name) return Status::InvalidArgument("symbol name outside the string table");
      const Elf64_Shdr& where = sh[sym.st_shndx];
      bool in_relro = false;
      for (const auto& [begin, end] : relro) in_relro = in_relro || (sym.st_value >= begin && sym.st_value < end);
      ExportedDataSymbol d;
      d.name = std::move(*name);
      d.size = sym.st_size;
      d.section = section_name(sym.st_shndx);
      d.unique = bind == STB_GNU_UNIQUE;
      d.writable = (where.sh_flags & SHF_WRITE) != 0 && !in_relro;
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace raftlab
