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
  StatusOr<std::string> path = WriteVisualizationToTemp(c.h, c.r, dir, {"TestPersistPartition4B", true, ""});
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

// A stale read: put a@1, put b@2 (returned), then a get overlapping a third
// put returns a@1. The page says what state the prefix reached and what the
// get needs, outlines the put it overlaps, labels both even when narrow,
// and lists the operations that decide the verdict with call, result, times.
TEST(VisualizeTest, ExplainsAndLabelsTheFailingAndOverlappingOperations) {
  History h;
  h.ops = {P(1, "k", "a", 0, KvErr::kOk, 1'000'000, 2'000'000),
           P(1, "k", "b", 1, KvErr::kOk, 3'000'000, 4'000'000),
           P(2, "k", "c", 2, KvErr::kOk, 5'000'000, 8'000'000),
           G(3, "k", "a", 1, 6'000'000, 7'000'000)};
  StatusOr<CheckReport> r = CheckHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->result, CheckResult::kIllegal);
  const std::string html = RenderHtml(h, *r, {"stale", true, ""});
  // The headline of the key: the prefix's state, the failing op, what it needs.
  EXPECT_NE(html.find("<p class=\"why\">After the "), std::string::npos) << html;
  EXPECT_NE(html.find("client 3's get(&quot;k&quot;) -&gt; (&quot;a&quot;, 1, OK)"), std::string::npos);
  EXPECT_NE(html.find("needs the key to hold &quot;a&quot; at version 1, so it cannot come next"),
            std::string::npos);
  EXPECT_NE(html.find("the 1 operation that overlaps it in time"), std::string::npos);
  // The overlapping put is outlined and labelled, the get is labelled.
  EXPECT_EQ(Count(html, "overlap\" data-tip="), 1);
  EXPECT_NE(html.find("overlaps the operation that could not be placed"), std::string::npos);
  EXPECT_NE(html.find(">X get a@1</text>"), std::string::npos);
  EXPECT_GE(Count(html, "class=\"oplabel\""), 4);  // the two narrow puts of the prefix keep their numbers
  // The table: the prefix's last rows, the failing op and the overlapping one.
  EXPECT_NE(html.find("<table class=\"ops\">"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"unplaced\"><td>cannot be placed next</td><td>3</td>"), std::string::npos);
  EXPECT_NE(html.find("put(&quot;k&quot;, &quot;c&quot;, 2) -&gt; OK</td><td>4.000000 ms</td><td>7.000000 ms</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>#2 of the prefix</td>"), std::string::npos);
}

// The one link a page may carry: to the run's timeline, beside it.
TEST(VisualizeTest, LinksToTheRunsTimelineWhenAsked) {
  Checked c = IllegalWithBands();
  EXPECT_EQ(RenderHtml(c.h, c.r, {"t", true, ""}).find("href="), std::string::npos);
  VisualizeOptions o{"t", true, "timeline.html"};
  const std::string html = RenderHtml(c.h, c.r, o);
  EXPECT_NE(html.find("<a href=\"timeline.html\">the run's timeline</a>"), std::string::npos);
  EXPECT_EQ(Count(html, "href="), 1);
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
