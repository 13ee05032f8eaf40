// Tests of harness/plugin/language.{h,cc}: the language evidence of an ELF
// image, on small synthetic images (one per kind of evidence) and on the
// reference plugin (C++). The Rust plugins built by cargo are checked end
// to end by tests/languages (labtest's header line must say Rust).
#include "harness/plugin/language.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace raftlab {
namespace {

struct Section {
  std::string name;
  uint32_t type = SHT_PROGBITS;
  std::string contents;
  uint32_t link = 0;  // section index (1-based among `sections`, as in the image)
  uint64_t entsize = 0;
};

template <typename T>
void Put(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A 64-bit ELF shared object holding `sections` (after the null section)
// and a section name table as the last section.
std::string MakeImage(const std::vector<Section>& sections) {
  std::string names(1, '\0');
  std::vector<uint32_t> name_at;
  for (const Section& s : sections) {
    name_at.push_back(static_cast<uint32_t>(names.size()));
    names += s.name + '\0';
  }
  const uint32_t shstrtab_name = static_cast<uint32_t>(names.size());
  names += std::string(".shstrtab") + '\0';

  std::string body;  // everything after the ELF header, before the section headers
  std::vector<uint64_t> offsets;
  for (const Section& s : sections) {
    offsets.push_back(sizeof(Elf64_Ehdr) + body.size());
    body += s.contents;
  }
  const uint64_t names_off = sizeof(Elf64_Ehdr) + body.size();
  body += names;
  while (body.size() % 8 != 0) body += '\0';

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_DYN;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shoff = sizeof(Elf64_Ehdr) + body.size();
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = static_cast<uint16_t>(sections.size() + 2);
  eh.e_shstrndx = static_cast<uint16_t>(sections.size() + 1);

  std::string image;
  Put(&image, eh);
  image += body;
  Put(&image, Elf64_Shdr{});  // the null section
  for (size_t i = 0; i < sections.size(); ++i) {
    Elf64_Shdr sh{};
    sh.sh_name = name_at[i];
    sh.sh_type = sections[i].type;
    sh.sh_offset = offsets[i];
    sh.sh_size = sections[i].contents.size();
    sh.sh_link = sections[i].link;
    sh.sh_entsize = sections[i].entsize;
    Put(&image, sh);
  }
  Elf64_Shdr strs{};
  strs.sh_name = shstrtab_name;
  strs.sh_type = SHT_STRTAB;
  strs.sh_offset = names_off;
  strs.sh_size = names.size();
  Put(&image, strs);
  return image;
}

// A .symtab (section 1) naming `symbol`, with its string table (section 2).
std::vector<Section> SymbolTable(const std::string& symbol) {
  std::string syms;
  Put(&syms, Elf64_Sym{});
  Elf64_Sym s{};
  s.st_name = 1;
  s.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
  s.st_shndx = 1;
  Put(&syms, s);
  return {Section{".symtab", SHT_SYMTAB, syms, 2, sizeof(Elf64_Sym)},
          Section{".strtab", SHT_STRTAB, std::string(1, '\0') + symbol + '\0'}};
}

const std::string kGccComment = std::string("GCC: (Debian 12.2.0-14) 12.2.0") + '\0';

TEST(PluginLanguage, GoBuildInfoSectionMeansGo) {
  EXPECT_EQ(DetectPluginLanguage(MakeImage({{".text"}, {".go.buildinfo", SHT_PROGBITS, "\xff Go buildinf:"}})),
            PluginLanguage::kGo);
}

TEST(PluginLanguage, RustcLineInCommentMeansRust) {
  const std::string comment = kGccComment + "rustc version 1.63.0" + '\0';
  EXPECT_EQ(DetectPluginLanguage(MakeImage({{".text"}, {".comment", SHT_PROGBITS, comment}})),
            PluginLanguage::kRust);
}

TEST(PluginLanguage, RustcSectionMeansRust) {
  EXPECT_EQ(DetectPluginLanguage(MakeImage({{".rustc", SHT_PROGBITS, "rust"}})), PluginLanguage::kRust);
}

TEST(PluginLanguage, RustRuntimeSymbolMeansRust) {
  EXPECT_EQ(DetectPluginLanguage(MakeImage(SymbolTable("rust_begin_unwind"))), PluginLanguage::kRust);
  EXPECT_EQ(DetectPluginLanguage(MakeImage(SymbolTable("__rust_alloc"))), PluginLanguage::kRust);
}

TEST(PluginLanguage, GccCommentAndCxxSymbolsMeanCOrCxx) {
  std::vector<Section> s = SymbolTable("_ZN7raftlab3ref4Core4TickEl");
  s.push_back({".comment", SHT_PROGBITS, kGccComment});
  EXPECT_EQ(DetectPluginLanguage(MakeImage(s)), PluginLanguage::kCOrCxx);
  // A symbol that merely mentions rust is no evidence.
  EXPECT_EQ(DetectPluginLanguage(MakeImage(SymbolTable("trust_rust_begin_unwind"))), PluginLanguage::kCOrCxx);
}

TEST(PluginLanguage, UnreadableImagesCountAsNoEvidence) {
  EXPECT_EQ(DetectPluginLanguage(""), PluginLanguage::kCOrCxx);
  EXPECT_EQ(DetectPluginLanguage("not an ELF file at all"), PluginLanguage::kCOrCxx);
  const std::string image = MakeImage({{".go.buildinfo", SHT_PROGBITS, "x"}});
  EXPECT_EQ(DetectPluginLanguage(image.substr(0, image.size() - 8)), PluginLanguage::kCOrCxx);  // headers cut
  EXPECT_EQ(DetectPluginLanguageOfFile("/nonexistent/plugin.so"), PluginLanguage::kCOrCxx);
}

TEST(PluginLanguage, Names) {
  EXPECT_STREQ(PluginLanguageName(PluginLanguage::kCOrCxx), "C/C++");
  EXPECT_STREQ(PluginLanguageName(PluginLanguage::kRust), "Rust");
  EXPECT_STREQ(PluginLanguageName(PluginLanguage::kGo), "Go");
}

#ifdef RAFTLAB_REFERENCE_PLUGIN
TEST(PluginLanguage, TheReferenceIsCOrCxx) {
  EXPECT_EQ(DetectPluginLanguageOfFile(RAFTLAB_REFERENCE_PLUGIN), PluginLanguage::kCOrCxx);
}
#endif

}  // namespace
}  // namespace raftlab
