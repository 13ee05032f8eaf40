// Tests of harness/linearizability/visualize.cc: the HTML file is written,
// names the key and the offending operation, draws the bands, escapes user
// strings and refers to nothing outside itself.
#include "harness/linearizability/visualize.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/harness/linearizability/test_util.h"

namespace raftlab::lin {
namespace {

using testing::G;
using testing::GNoKey;
using testing::P;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

struct Checked {
  History h;
  CheckReport r;
};

// Key "acct-7": put x, then client 7 reads "no key" after the put returned.
// Key "other": fine. A partition and a crash overlap the operations.
Checked IllegalWithBands() {
  Checked c;
  c.h.ops = {P(2, "acct-7", "x", 0, KvErr::kOk, 1'000'000, 2'000'000),
             GNoKey(7, "acct-7", 3'000'000, 4'500'123),
             P(1, "other", "y", 0, KvErr::kOk, 1'000'000, 1'500'000),
             G(3, "other", "y", 1, 2'000'000, 2'500'000)};
  c.h.annotations = {{AnnotationKind::kPartition, 1'500'000, 3'500'000, "partition {0,1} | {2,3,4}"},
                     {AnnotationKind::kCrash, 4'000'000, 4'000'000, "crash all"}};
  StatusOr<CheckReport> r = CheckHistory(c.h);
  EXPECT_TRUE(r.ok());
  c.r = r.value();
  return c;
}

TEST(VisualizeTest, WritesASelfContainedFileNamingTheOffendingOperation) {
  Checked c = IllegalWithBands();
  ASSERT_EQ(c.r.result, CheckResult::kIllegal);
  const std::string dir = ::testing::TempDir();
  StatusOr<std::string> path = WriteVisualizationToTemp(c.h, c.r, dir, {"TestPersistPartition4B", true});
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  ASSERT_TRUE(std::filesystem::exists(*path));
  EXPECT_EQ(std::filesystem::path(*path).extension(), ".html");
  const std::string html = ReadFile(*path);
  std::filesystem::remove(*path);

  EXPECT_NE(html.find("TestPersistPartition4B"), std::string::npos);
  EXPECT_NE(html.find("key &quot;acct-7&quot;"), std::string::npos);
  EXPECT_NE(html.find("NOT linearizable"), std::string::npos);
  // The offending op: client 7, its call and return times (ms since the first
  // call at 1 ms, and raw ns).
  EXPECT_NE(html.find("client 7&#10;get(&quot;acct-7&quot;) -&gt; ErrNoKey"), std::string::npos);
  EXPECT_NE(html.find("call   2.000000 ms  (3000000 ns)"), std::string::npos);
  EXPECT_NE(html.find("return 3.500123 ms  (4500123 ns)"), std::string::npos);
  EXPECT_NE(html.find("COULD NOT BE PLACED"), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"op lin unplaced\"") + Count(html, "class=\"op unplaced\""), 1);
  // Prefix highlighting: the put on acct-7 and both ops on "other" (its full
  // linearization) are marked as linearized.
  EXPECT_EQ(Count(html, "<g class=\"op lin"), 3);
  // Bands with their labels.
  EXPECT_NE(html.find("class=\"band partition\""), std::string::npos);
  EXPECT_NE(html.find("class=\"band crash\""), std::string::npos);
  EXPECT_NE(html.find("partition {0,1} | {2,3,4}"), std::string::npos);
  EXPECT_NE(html.find("crash all"), std::string::npos);
  // Inline style and script, nothing external.
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("(src|href)\\s*=", std::regex::icase)));
}

TEST(VisualizeTest, IllegalKeyComesFirstAndOkKeysCanBeLeftOut) {
  Checked c = IllegalWithBands();
  const std::string all = RenderHtml(c.h, c.r);
  const size_t bad = all.find("key &quot;acct-7&quot;: illegal");
  const size_t good = all.find("key &quot;other&quot;: ok");
  ASSERT_NE(bad, std::string::npos);
  ASSERT_NE(good, std::string::npos);
  EXPECT_LT(bad, good);
  VisualizeOptions o;
  o.include_ok_keys = false;
  const std::string only_bad = RenderHtml(c.h, c.r, o);
  EXPECT_EQ(only_bad.find("key &quot;other&quot;: ok"), std::string::npos);
  EXPECT_NE(only_bad.find("key &quot;acct-7&quot;: illegal"), std::string::npos);
}

TEST(VisualizeTest, EscapesUserStrings) {
  History h;
  h.ops = {P(0, "<b>&'k", "<script>alert(1)</script>", 0, KvErr::kOk, 0, 10),
           GNoKey(1, "<b>&'k", 20, 30)};
  StatusOr<CheckReport> r = CheckHistory(h);
  ASSERT_TRUE(r.ok());
  const std::string html = RenderHtml(h, *r);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<b>&'k"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;&#39;k"), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 1);  // only ours
}

TEST(VisualizeTest, NeverReturnedPutIsDrawn) {
  History h;
  h.ops = {P(0, "k", "x", 0, KvErr::kErrMaybe, 0, kNeverReturned), G(1, "k", "y", 1, 10, 20)};
  StatusOr<CheckReport> r = CheckHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->result, CheckResult::kIllegal);
  const std::string html = RenderHtml(h, *r);
  EXPECT_NE(html.find("never returned"), std::string::npos);
}

TEST(VisualizeTest, UnwritablePathIsAnError) {
  Checked c = IllegalWithBands();
  Status s = WriteVisualization(c.h, c.r, "/nonexistent-dir/x/vis.html");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x/vis.html"), std::string::npos);
  EXPECT_FALSE(WriteVisualizationToTemp(c.h, c.r, "/nonexistent-dir/x").ok());
}

}  // namespace
}  // namespace raftlab::lin
