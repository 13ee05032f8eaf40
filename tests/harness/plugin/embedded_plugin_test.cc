// Tests of harness/embedded_plugin.{h,cc}, harness/embedded_reference.{h,cc}
// and the .incbin glue of harness/plugin/EmbedPlugin.cmake. tests/plugins' ok_plugin
// is embedded by the same CMake function as the reference.
#include "harness/plugin/embedded_plugin.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <gtest/gtest.h>

#include "harness/plugin/embedded_reference.h"
#include "harness/plugin/loader.h"

extern "C" {
const uint8_t* raftlab_test_ok_blob_data(void);
size_t raftlab_test_ok_blob_size(void);
const char* raftlab_test_ok_blob_file_name(void);
}

namespace raftlab {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

EmbeddedBlob OkBlob() {
  return EmbeddedBlob{raftlab_test_ok_blob_data(), raftlab_test_ok_blob_size(), raftlab_test_ok_blob_file_name()};
}

TEST(EmbeddedPlugin, BlobHoldsExactlyTheBuiltFile) {
  const std::vector<uint8_t> file = ReadFile(RAFTLAB_TEST_OK_PLUGIN);
  ASSERT_FALSE(file.empty());
  const EmbeddedBlob blob = OkBlob();
  ASSERT_EQ(blob.size, file.size());
  EXPECT_TRUE(std::equal(file.begin(), file.end(), blob.data));
  EXPECT_EQ(blob.file_name, "ok_plugin.so");
}

TEST(EmbeddedPlugin, WrittenFileLoads) {
  StatusOr<std::string> path = WriteEmbeddedPlugin(OkBlob());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(std::filesystem::path(*path).filename(), "ok_plugin.so");
  EXPECT_EQ(ReadFile(*path), ReadFile(RAFTLAB_TEST_OK_PLUGIN));
  struct stat st {};
  ASSERT_EQ(stat(std::filesystem::path(*path).parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(*path);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_EQ((*lib)->name(), "ok_plugin");
}

TEST(EmbeddedPlugin, EachWriteHasItsOwnFolder) {
  StatusOr<std::string> a = WriteEmbeddedPlugin(OkBlob());
  StatusOr<std::string> b = WriteEmbeddedPlugin(OkBlob());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(EmbeddedPlugin, EmptyBlobIsNotFound) {
  StatusOr<std::string> path = WriteEmbeddedPlugin(EmbeddedBlob{nullptr, 0, "x.so"});
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), Status::Code::kNotFound);
}

// Runs fn in a forked child that exits normally (running static destructors)
// and returns what the child wrote to a pipe.
std::string InChild(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::string out = fn();
    if (write(fds[1], out.data(), out.size()) < 0) std::_Exit(3);
    close(fds[1]);
    std::exit(0);  // not _exit: the point is to run the static destructors
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return out;
}

TEST(EmbeddedPlugin, FilesAreRemovedWhenTheWriterExits) {
  const std::string path = InChild([] {
    StatusOr<std::string> p = WriteEmbeddedPlugin(OkBlob());
    return p.ok() ? *p : std::string("error");
  });
  ASSERT_NE(path, "error");
  ASSERT_FALSE(path.empty());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(path).parent_path()));
}

TEST(EmbeddedPlugin, AForkedChildDoesNotRemoveItsParentsFiles) {
  StatusOr<std::string> path = WriteEmbeddedPlugin(OkBlob());
  ASSERT_TRUE(path.ok());
  InChild([] { return std::string("child exits"); });
  EXPECT_TRUE(std::filesystem::exists(*path));
}

#ifdef RAFTLAB_HAVE_REFERENCE
TEST(EmbeddedReference, WrittenOnceAndLoads) {
  StatusOr<std::string> a = EmbeddedReferencePath();
  StatusOr<std::string> b = EmbeddedReferencePath();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(ReadFile(*a), ReadFile(RAFTLAB_REFERENCE_PLUGIN));
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(*a);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
}
#else
TEST(EmbeddedReference, AbsentReferenceIsNotFound) {
  StatusOr<std::string> path = EmbeddedReferencePath();
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), Status::Code::kNotFound);
  EXPECT_NE(path.status().message().find("--plugin"), std::string::npos);
}
#endif

}  // namespace
}  // namespace raftlab
