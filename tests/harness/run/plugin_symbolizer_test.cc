// Tests of harness/run/plugin_symbolizer: plugin frames in a stack dump are
// named against the plugin file, through a /proc/PID/maps text that places a
// private copy of it at a made-up address.
#include "harness/run/plugin_symbolizer.h"

#include <dlfcn.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kBase = 0x7f0000000000;

TEST(ParsePluginMappingsTest, KeepsOnlyTheCopiesWithTheirInodes) {
  const std::string maps =
      "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 123 /usr/bin/labtest\n"
      "7f0000000000-7f0000001000 r--p 00000000 00:01 4242 /memfd:raftlab:libraft.so (deleted)\n"
      "7f0000001000-7f0000003000 r-xp 00001000 00:01 4242 /memfd:raftlab:libraft.so (deleted)\n"
      "7f0000010000-7f0000011000 r--p 00000000 00:01 4243 /memfd:raftlab:libraft.so (deleted)\n"
      "7f1000000000-7f1000001000 rw-p 00000000 00:00 0 \n";
  const std::vector<PluginMapping> m = ParsePluginMappings(maps);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[1].start, 0x7f0000001000u);
  EXPECT_EQ(m[1].end, 0x7f0000003000u);
  EXPECT_EQ(m[1].offset, 0x1000u);
  EXPECT_EQ(m[1].inode, 4242u);
  EXPECT_EQ(m[2].inode, 4243u);
  EXPECT_EQ(m[0].name, "/memfd:raftlab:libraft.so (deleted)");
}

TEST(FileOffsetToVaddrTest, RefusesWhatIsNotAnElfFile) {
  EXPECT_FALSE(FileOffsetToVaddr("/nonexistent/plugin.so", 0).has_value());
  EXPECT_FALSE(FileOffsetToVaddr(RAFTLAB_NOT_ELF, 0).has_value());
  EXPECT_FALSE(FileOffsetToVaddr(RAFTLAB_PLUGIN, uint64_t{1} << 40).has_value());  // past every segment
}

class SymbolizeTest : public ::testing::Test {
 protected:
  // raftlab_entry's virtual address in the plugin file (load base 0).
  uint64_t EntryVaddr() {
    void* h = dlopen(RAFTLAB_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(h, nullptr) << dlerror();
    void* sym = dlsym(h, "raftlab_entry");
    Dl_info info{};
    EXPECT_NE(dladdr(sym, &info), 0);
    const uint64_t v = reinterpret_cast<uint64_t>(sym) - reinterpret_cast<uint64_t>(info.dli_fbase);
    dlclose(h);
    return v;
  }
  // One copy mapped whole at kBase: file offset = address - kBase.
  std::string Maps() const {
    return fmt::format("{:x}-{:x} r-xp 00000000 00:01 77 /memfd:raftlab:plugin.so (deleted)\n", kBase,
                       kBase + 0x100000);
  }
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(SymbolizeTest, NamesAPluginFrameWithItsSourceLine) {
  const uint64_t v = EntryVaddr();
  // The code segment of a shared object maps file offset to the same address.
  ASSERT_EQ(FileOffsetToVaddr(RAFTLAB_PLUGIN, v), v);
  const std::string dump = fmt::format(
      "TID 12:\n#0  0x{:016x}\n#1  0x00005600000011f0 raftlab::Cluster::Start(int)\n", kBase + v);
  const std::string out = SymbolizePluginFrames(*rt_, dump, Maps(), RAFTLAB_PLUGIN, std::chrono::seconds(20));
  EXPECT_THAT(out, HasSubstr("<- your plugin (copy 1): raftlab_entry"));
  EXPECT_THAT(out, HasSubstr("hostile_plugin.cc:"));
  // Frames outside the copy are left as they were.
  EXPECT_THAT(out, HasSubstr("#1  0x00005600000011f0 raftlab::Cluster::Start(int)\n"));
  EXPECT_THAT(out, HasSubstr(fmt::format("loaded as 1 private in-memory copy:\n  copy 1 at 0x{:x}", kBase)));
}

TEST_F(SymbolizeTest, DumpWithoutPluginFramesOrCopiesIsUnchanged) {
  const std::string dump = "TID 12:\n#0  0x00005600000011f0 main\n";
  EXPECT_EQ(SymbolizePluginFrames(*rt_, dump, "", RAFTLAB_PLUGIN, std::chrono::seconds(20)), dump);
  const std::string out = SymbolizePluginFrames(*rt_, dump, Maps(), RAFTLAB_PLUGIN, std::chrono::seconds(20));
  EXPECT_THAT(out, HasSubstr("copy 1 at"));
  EXPECT_THAT(out, Not(HasSubstr("<- your plugin")));
}

TEST_F(SymbolizeTest, AnUnreadablePluginLeavesTheAddress) {
  const std::string dump = fmt::format("#0  0x{:016x}\n", kBase + 0x1100);
  const std::string out = SymbolizePluginFrames(*rt_, dump, Maps(), RAFTLAB_NOT_ELF, std::chrono::seconds(20));
  EXPECT_THAT(out, Not(HasSubstr("<- your plugin (copy 1):")));
  EXPECT_THAT(out, HasSubstr(fmt::format("#0  0x{:016x}\n", kBase + 0x1100)));
}

}  // namespace
}  // namespace raftlab
