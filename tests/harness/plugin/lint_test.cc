// Tests of harness/lint.{h,cc} and elf_check's ListExportedDataSymbols over
// the lint test plugins (tests/plugins/lint_plugin.cc, built with default
// visibility) and clean ones (hidden visibility: the skeleton's way).
#include "harness/plugin/lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "harness/plugin/elf_check.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Plugin(const std::string& name) { return std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST(Lint, FindsTheUniqueStaticLocalOfAnInlineFunction) {
  auto findings = LintPluginFile(Plugin("lint_unique"));
  ASSERT_TRUE(findings.ok()) << findings.status().message();
  ASSERT_EQ(findings->size(), 1u);  // the object, not its guard variable
  const LintFinding& f = (*findings)[0];
  EXPECT_EQ(f.kind, LintFinding::Kind::kUniqueShared);
  EXPECT_EQ(f.pretty, "lint_plugin::SharedCounter()::n");
  EXPECT_EQ(f.size, sizeof(int));

  const std::string w = FormatLintWarning("build/libraft.so", *findings);
  EXPECT_THAT(w, HasSubstr("labtest: warning: plugin build/libraft.so exports 1 writable data symbol that Raft "
                           "peers may share"));
  EXPECT_THAT(w, HasSubstr("lint_plugin::SharedCounter()::n (_ZZN11lint_plugin13SharedCounterEvE1n): ONE object "
                           "shared by every peer"));
  EXPECT_THAT(w, HasSubstr("-fvisibility=hidden"));
  EXPECT_THAT(w, HasSubstr("-fno-gnu-unique"));
  EXPECT_THAT(w, HasSubstr("no non-const globals"));
  EXPECT_EQ(w.back(), '\n');
}

TEST(Lint, FindsAWritableGlobalButNotAConstTable) {
  auto findings = LintPluginFile(Plugin("lint_writable"));
  ASSERT_TRUE(findings.ok()) << findings.status().message();
  ASSERT_EQ(findings->size(), 1u) << "the const table, vtables and cgo's x_cgo_inittls must not be reported";
  const LintFinding& f = (*findings)[0];
  EXPECT_EQ(f.kind, LintFinding::Kind::kWritableGlobal);
  EXPECT_EQ(f.symbol, "raftlab_lint_writable_global");
  EXPECT_EQ(f.size, 8u);
  EXPECT_EQ(f.section, ".bss");

  const std::string w = FormatLintWarning("p.so", *findings);
  EXPECT_THAT(w, HasSubstr("  - raftlab_lint_writable_global: a writable global (8 bytes in .bss)"));
  EXPECT_THAT(w, HasSubstr("-fvisibility=hidden"));
  EXPECT_THAT(w, Not(HasSubstr("-fno-gnu-unique")));  // only said when a UNIQUE symbol is there
}

TEST(Lint, ElfReaderSeesTheConstTableAsReadOnly) {
  auto symbols = ListExportedDataSymbols(ReadAll(Plugin("lint_writable")));
  ASSERT_TRUE(symbols.ok()) << symbols.status().message();
  bool saw_const = false;
  for (const ExportedDataSymbol& s : *symbols) {
    if (s.name != "raftlab_lint_const_table") continue;
    saw_const = true;
    EXPECT_FALSE(s.writable);
    EXPECT_FALSE(s.unique);
    EXPECT_EQ(s.size, 32u);
  }
  EXPECT_TRUE(saw_const);
}

TEST(Lint, HiddenVisibilityPluginsAreClean) {
  for (const std::string& p : {Plugin("ok_plugin"), Plugin("global_counter"), std::string(RAFTLAB_REFERENCE_PLUGIN)}) {
    auto findings = LintPluginFile(p);
    ASSERT_TRUE(findings.ok()) << p << ": " << findings.status().message();
    EXPECT_TRUE(findings->empty()) << p << ":\n" << FormatLintWarning(p, *findings);
    EXPECT_EQ(LintWarningForPlugin(p), "");
  }
}

TEST(Lint, ManyFindingsAreCut) {
  std::vector<LintFinding> many(20);
  for (size_t i = 0; i < many.size(); ++i) many[i].symbol = many[i].pretty = "g" + std::to_string(i);
  const std::string w = FormatLintWarning("p.so", many, 5);
  EXPECT_THAT(w, HasSubstr("exports 20 writable data symbols"));
  EXPECT_THAT(w, HasSubstr("  - g4:"));
  EXPECT_THAT(w, Not(HasSubstr("  - g5:")));
  EXPECT_THAT(w, HasSubstr("  ... and 15 more"));
  EXPECT_EQ(FormatLintWarning("p.so", {}), "");
}

TEST(Lint, UnparsableInputIsAnErrorNotACrash) {
  EXPECT_FALSE(LintPluginImage("").ok());
  EXPECT_FALSE(LintPluginImage("not an elf file at all").ok());
  EXPECT_FALSE(LintPluginFile(Plugin("not_elf")).ok());
  EXPECT_FALSE(LintPluginFile("/nonexistent.so").ok());
  EXPECT_EQ(LintWarningForPlugin(Plugin("not_elf")), "");
  // A real image cut short: every table offset now points past the end.
  const std::string whole = ReadAll(Plugin("lint_unique"));
  for (size_t len : {size_t{64}, whole.size() / 2, whole.size() - 1}) {
    auto r = LintPluginImage(std::string_view(whole).substr(0, len));
    if (r.ok()) EXPECT_TRUE(r->size() <= 1u);  // a prefix may still hold all tables it needs
  }
}

}  // namespace
}  // namespace raftlab
