// Tests of harness/report/junit.cc: the XML read back with a small strict
// parser written here (well-formedness, XML 1.0 characters, entities), and,
// when python3 is installed, with Python's xml.etree.ElementTree as an
// independent check.
#include "harness/report/junit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_reports::HostileText;
using testing_reports::MakeRun;
using testing_reports::ReadAll;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_reports::Spec;

// --- a strict little XML reader ----------------------------------------------

struct Node {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Node>> children;
  std::string text;  // character data directly inside, entities decoded

  std::vector<const Node*> All(const std::string& n) const {
    std::vector<const Node*> out;
    for (const auto& c : children) {
      if (c->name == n) out.push_back(c.get());
    }
    return out;
  }
  const Node* First(const std::string& n) const {
    auto all = All(n);
    return all.empty() ? nullptr : all.front();
  }
  int Int(const std::string& a) const { return std::stoi(attrs.at(a)); }
};

class XmlReader {
 public:
  explicit XmlReader(std::string s) : s_(std::move(s)) {}

  // The root element, or null with error() saying what is malformed.
  std::unique_ptr<Node> Parse() {
    CheckCharacters();
    if (!error_.empty()) return nullptr;
    if (s_.compare(0, 5, "<?xml") == 0) {
      size_t end = s_.find("?>");
      if (end == std::string::npos) return Fail("unterminated XML declaration");
      i_ = end + 2;
    }
    SkipSpace();
    auto root = Element();
    SkipSpace();
    if (root && i_ != s_.size()) return Fail("content after the root element");
    return root;
  }
  const std::string& error() const { return error_; }

 private:
  std::nullptr_t Fail(const std::string& why) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", why, i_);
    return nullptr;
  }

  // Valid UTF-8, and only the characters XML 1.0 allows.
  void CheckCharacters() {
    for (size_t k = 0; k < s_.size();) {
      const unsigned char c = s_[k];
      size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (len == 0 || k + len > s_.size()) {
        error_ = fmt::format("invalid UTF-8 at byte {}", k);
        return;
      }
      uint32_t cp = len == 1 ? c : c & (0x7F >> len);
      for (size_t m = 1; m < len; ++m) {
        if ((static_cast<unsigned char>(s_[k + m]) & 0xC0) != 0x80) {
          error_ = fmt::format("invalid UTF-8 at byte {}", k);
          return;
        }
        cp = (cp << 6) | (s_[k + m] & 0x3F);
      }
      const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                      (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!ok) {
        error_ = fmt::format("character U+{:04X} not allowed in XML 1.0 at byte {}", cp, k);
        return;
      }
      k += len;
    }
  }

  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }

  std::string Name() {
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                              s_[i_] == '.' || s_[i_] == ':')) {
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }

  // Decodes entities in s_[from, to); rejects a raw '<' and a bare '&'.
  bool Decode(size_t from, size_t to, std::string* out) {
    for (size_t k = from; k < to; ++k) {
      if (s_[k] == '<') return Fail("raw '<' in text"), false;
      if (s_[k] != '&') {
        *out += s_[k];
        continue;
      }
      size_t semi = s_.find(';', k);
      if (semi == std::string::npos || semi > to) return Fail("bare '&'"), false;
      const std::string ent = s_.substr(k + 1, semi - k - 1);
      static const std::map<std::string, std::string> kNamed = {
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
      if (auto it = kNamed.find(ent); it != kNamed.end()) {
        *out += it->second;
      } else if (ent.size() > 1 && ent[0] == '#') {
        const long cp = ent[1] == 'x' ? std::stol(ent.substr(2), nullptr, 16) : std::stol(ent.substr(1));
        if (cp != 9 && cp != 10 && cp != 13 && cp < 0x20) return Fail("reference to a forbidden character"), false;
        if (cp >= 0x80) return Fail("this reader only decodes ASCII references"), false;
        *out += static_cast<char>(cp);
      } else {
        return Fail("unknown entity &" + ent + ";"), false;
      }
      k = semi;
    }
    return true;
  }

  std::unique_ptr<Node> Element() {
    if (i_ >= s_.size() || s_[i_] != '<') return Fail("expected '<'");
    ++i_;
    auto node = std::make_unique<Node>();
    node->name = Name();
    if (node->name.empty()) return Fail("empty element name");
    for (;;) {
      SkipSpace();
      if (i_ >= s_.size()) return Fail("unterminated start tag");
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return node;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string attr = Name();
      if (attr.empty() || i_ >= s_.size() || s_[i_] != '=') return Fail("bad attribute");
      ++i_;
      if (i_ >= s_.size() || s_[i_] != '"') return Fail("attribute value not in double quotes");
      const size_t close = s_.find('"', i_ + 1);
      if (close == std::string::npos) return Fail("unterminated attribute value");
      std::string value;
      if (!Decode(i_ + 1, close, &value)) return nullptr;
      if (node->attrs.count(attr)) return Fail("duplicate attribute " + attr);
      node->attrs[attr] = value;
      i_ = close + 1;
    }
    for (;;) {
      const size_t lt = s_.find('<', i_);
      if (lt == std::string::npos) return Fail("unterminated element " + node->name);
      const std::string raw = s_.substr(i_, lt - i_);
      if (raw.find("]]>") != std::string::npos) return Fail("']]>' in character data");
      if (!Decode(i_, lt, &node->text)) return nullptr;
      i_ = lt;
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (Name() != node->name) return Fail("mismatched end tag for " + node->name);
        SkipSpace();
        if (i_ >= s_.size() || s_[i_] != '>') return Fail("bad end tag");
        ++i_;
        return node;
      }
      auto child = Element();
      if (!child) return nullptr;
      node->children.push_back(std::move(child));
    }
  }

  std::string s_;
  size_t i_ = 0;
  std::string error_;
};

std::unique_ptr<Node> LoadXml(const std::string& path) {
  XmlReader reader(ReadAll(path));
  auto root = reader.Parse();
  EXPECT_NE(root, nullptr) << path << ": " << reader.error();
  return root;
}

// Every suite's counters equal what its cases hold; the root's are the sums.
void ExpectConsistentCounts(const Node& root) {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
  for (const Node* suite : root.All("testsuite")) {
    int t = 0, f = 0, e = 0, s = 0;
    double suite_time = 0;
    for (const Node* c : suite->All("testcase")) {
      ++t;
      f += c->First("failure") != nullptr;
      e += c->First("error") != nullptr;
      s += c->First("skipped") != nullptr;
      suite_time += std::stod(c->attrs.at("time"));
    }
    EXPECT_EQ(suite->Int("tests"), t) << suite->attrs.at("name");
    EXPECT_EQ(suite->Int("failures"), f);
    EXPECT_EQ(suite->Int("errors"), e);
    EXPECT_EQ(suite->Int("skipped"), s);
    EXPECT_NEAR(std::stod(suite->attrs.at("time")), suite_time, 1e-9);
    tests += t, failures += f, errors += e, skipped += s, time += suite_time;
  }
  EXPECT_EQ(root.Int("tests"), tests);
  EXPECT_EQ(root.Int("failures"), failures);
  EXPECT_EQ(root.Int("errors"), errors);
  EXPECT_EQ(root.Int("skipped"), skipped);
  EXPECT_NEAR(std::stod(root.attrs.at("time")), time, 1e-9);
}

const Node* FindCase(const Node& root, const std::string& name) {
  for (const Node* suite : root.All("testsuite")) {
    for (const Node* c : suite->All("testcase")) {
      if (c->attrs.at("name") == name) return c;
    }
  }
  return nullptr;
}

JunitReportOptions Options() {
  JunitReportOptions o;
  o.meta = SampleMeta();
  return o;
}

TEST(XmlReaderTest, RejectsWhatIsNotWellFormed) {
  for (const char* bad : {"<a>", "<a></b>", "<a x='1'/>", "<a>&nbsp;</a>", "<a>x & y</a>", "<a>]]></a>",
                          "<a>\x01</a>", "<a>\xff</a>", "<a/><b/>", "<a x=\"<\"/>"}) {
    XmlReader r(bad);
    EXPECT_EQ(r.Parse(), nullptr) << bad;
  }
  XmlReader good("<?xml version=\"1.0\"?>\n<a x=\"&quot;&#10;\"><b>t &amp; &lt;</b><c/></a>\n");
  auto root = good.Parse();
  ASSERT_NE(root, nullptr) << good.error();
  EXPECT_EQ(root->attrs["x"], "\"\n");
  EXPECT_EQ(root->First("b")->text, "t & <");
}

TEST(JunitReporterTest, EveryRewriteIsWellFormedWithTheFinishedRuns) {
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  const ReportPlan plan = SamplePlan();
  JunitReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  ASSERT_TRUE(rep.status().ok()) << rep.status().message();
  auto root = LoadXml(path);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->name, "testsuites");
  EXPECT_EQ(root->Int("tests"), 0);

  // After 1 of 3 tests the file is complete and holds it.
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  root = LoadXml(path);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->Int("tests"), 1);
  ASSERT_NE(FindCase(*root, "e1"), nullptr);
  ExpectConsistentCounts(*root);

  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kFail));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kTimeout));
  rep.RunEnd(RunSummary{});
  root = LoadXml(path);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->Int("tests"), 3);
  ExpectConsistentCounts(*root);
  EXPECT_EQ(ReadAll(path), rep.Document());

  // One suite per part, named "part N: name", with the run's properties.
  const auto suites = root->All("testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0]->attrs.at("name"), "part 1: leader election");
  EXPECT_EQ(suites[1]->attrs.at("name"), "part 2: log replication");
  EXPECT_EQ(suites[0]->attrs.at("timestamp"), "2026-11-22T16:16:07Z");
  std::map<std::string, std::string> props;
  for (const Node* p : suites[0]->First("properties")->All("property")) props[p->attrs.at("name")] = p->attrs.at("value");
  EXPECT_EQ(props["base_seed"], "42");
  EXPECT_EQ(props["state"], "finished");
  EXPECT_EQ(props["labtest_version"], "0.9.1");
  EXPECT_EQ(props["command_line"], "labtest --plugin ./libraft.so --output 'json:out dir/r.json'");
  // Cases in plan order within their part.
  const auto cases = suites[0]->All("testcase");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0]->attrs.at("name"), "e1");
  EXPECT_EQ(cases[0]->attrs.at("classname"), "raftlab.part1");
  EXPECT_EQ(cases[0]->attrs.at("time"), "1.250");
}

TEST(JunitReporterTest, FailuresAreFailuresAndEverythingElseIsAnError) {
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  ReportPlan plan = SamplePlan();
  for (const char* extra : {"t_timeout", "t_crash", "t_cpu", "t_error", "t_skip"}) {
    plan.tests.push_back({extra, 2, extra, 1});
  }
  JunitReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kFail, 0, "two leaders in term 3"));
  rep.TestEnd(Spec(plan, "t_timeout"), MakeRun(plan, "t_timeout", Verdict::kTimeout, 0, "timed out after 9 s"));
  rep.TestEnd(Spec(plan, "t_crash"), MakeRun(plan, "t_crash", Verdict::kCrash, 0, "killed by SIGSEGV"));
  rep.TestEnd(Spec(plan, "t_cpu"), MakeRun(plan, "t_cpu", Verdict::kCpuLimit, 0, "CPU limit"));
  rep.TestEnd(Spec(plan, "t_error"), MakeRun(plan, "t_error", Verdict::kError, 0, "no result file"));
  rep.TestEnd(Spec(plan, "t_skip"), MakeRun(plan, "t_skip", Verdict::kSkip, 0, "no snapshot extension"));
  auto root = LoadXml(path);
  ASSERT_NE(root, nullptr);
  ExpectConsistentCounts(*root);
  EXPECT_EQ(root->Int("failures"), 1);
  EXPECT_EQ(root->Int("errors"), 4);
  EXPECT_EQ(root->Int("skipped"), 1);

  const Node* pass = FindCase(*root, "e1");
  EXPECT_EQ(pass->First("failure"), nullptr);
  EXPECT_EQ(pass->First("error"), nullptr);
  EXPECT_EQ(pass->First("skipped"), nullptr);

  const Node* fail = FindCase(*root, "e2")->First("failure");
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->attrs.at("type"), "fail");
  EXPECT_EQ(fail->attrs.at("message"), "fail: two leaders in term 3");
  EXPECT_THAT(fail->text, HasSubstr("two leaders in term 3"));  // also in the body for old GitLab

  const std::map<std::string, std::string> errors = {
      {"t_timeout", "timeout"}, {"t_crash", "crash"}, {"t_cpu", "cpu-limit"}, {"t_error", "error"}};
  for (const auto& [name, type] : errors) {
    const Node* c = FindCase(*root, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->First("failure"), nullptr) << name;
    const Node* e = c->First("error");
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->attrs.at("type"), type);
    EXPECT_THAT(e->attrs.at("message"), HasSubstr(type + ": "));
  }
  const Node* skip = FindCase(*root, "t_skip")->First("skipped");
  ASSERT_NE(skip, nullptr);
  EXPECT_EQ(skip->attrs.at("message"), "no snapshot extension");
}

TEST(JunitReporterTest, SystemOutHasSeedRerunAndTheLogTailOfFailures) {
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  const ReportPlan plan = SamplePlan(3);
  JunitReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo(3));
  TestResult timeout = MakeRun(plan, "e1", Verdict::kTimeout, 2, "timed out after 120 s");
  timeout.hang_analysis = "peer 1 is blocked in Start";
  timeout.stack_dump = "#0 pthread_cond_wait";
  timeout.stderr_tail = {"warning from the child"};
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "e1"), timeout);
  auto root = LoadXml(path);
  ASSERT_NE(root, nullptr);

  // Repetitions are told apart by name ("#rep", as --repetition takes it).
  const Node* pass = FindCase(*root, "e1#0");
  const Node* failed = FindCase(*root, "e1#2");
  ASSERT_NE(pass, nullptr);
  ASSERT_NE(failed, nullptr);
  const std::string out = failed->First("system-out")->text;
  EXPECT_THAT(out, HasSubstr("seed: 42 (repetition 2, run seed 1002)"));
  EXPECT_THAT(out, HasSubstr("rerun: labtest --plugin ./libraft.so --filter '^e1$' --seed 42 --repetition 2"));
  EXPECT_THAT(out, HasSubstr("last 2 of 17 log lines:\npeer 0: became leader\npeer 1: vote for 0\n"));
  EXPECT_EQ(failed->First("system-err")->text, "warning from the child\n");
  const std::string body = failed->First("error")->text;
  EXPECT_THAT(body, HasSubstr("peer 1 is blocked in Start"));
  EXPECT_THAT(body, HasSubstr("#0 pthread_cond_wait"));
  // A passing run has its seed and rerun command but no log tail.
  EXPECT_THAT(pass->First("system-out")->text, HasSubstr("seed: 42 (repetition 0"));
  EXPECT_THAT(pass->First("system-out")->text, Not(HasSubstr("log lines")));
}

TEST(JunitReporterTest, HostileTextIsEscapedOrReplaced) {
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  ReportPlan plan = SamplePlan();
  plan.parts[0].name = "elections <&> \"quoted\"";
  plan.tests[0].name = "e1\"<&>";
  JunitReporter rep(path, plan, Options());
  RunInfo info = SampleInfo();
  info.rerun_prefix = "labtest --plugin './lib raft.so'";
  rep.RunStart(info);
  TestResult r = MakeRun(plan, "e1\"<&>", Verdict::kFail, 0, HostileText() + "\nsecond line\r\n\tthird");
  r.log_tail = {HostileText(), "]]>]]>", "<![CDATA[x]]>"};
  rep.TestEnd(Spec(plan, "e1\"<&>"), r);
  auto root = LoadXml(path);
  ASSERT_NE(root, nullptr);

  EXPECT_EQ(root->First("testsuite")->attrs.at("name"), "part 1: elections <&> \"quoted\"");
  const Node* c = FindCase(*root, "e1\"<&>");
  ASSERT_NE(c, nullptr);
  const Node* f = c->First("failure");
  const std::string expected_line =
      "fail: bad \"quote\" 'apos' <tag> & &amp; ]]> esc\\x1b[31m bell\\x07 nul\\x00 lone\xef\xbf\xbd byte, cut "
      "\xef\xbf\xbd\xef\xbf\xbd and ok \xe2\x82\xac";
  EXPECT_EQ(f->attrs.at("message"), expected_line);
  EXPECT_THAT(f->text, HasSubstr("second line\r\n\tthird"));  // CR kept as &#13;
  const std::string out = c->First("system-out")->text;
  EXPECT_THAT(out, HasSubstr("]]>]]>\n<![CDATA[x]]>\n"));
  EXPECT_THAT(out, HasSubstr("--filter '^e1\"<&>$'"));
}

TEST(JunitReporterTest, StatePropertyTellsHowTheRunEnded) {
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  const ReportPlan plan = SamplePlan();
  JunitReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  auto state = [&] {
    auto root = LoadXml(path);
    for (const Node* p : root->First("testsuite")->First("properties")->All("property")) {
      if (p->attrs.at("name") == "state") return p->attrs.at("value");
    }
    return std::string("(none)");
  };
  EXPECT_EQ(state(), "running");
  RunSummary s;
  s.interrupted = true;
  s.interrupt_signal = 2;
  rep.RunEnd(s);
  EXPECT_EQ(state(), "interrupted (signal 2)");
}

TEST(JunitReporterTest, PythonElementTreeParsesTheFile) {
  if (std::system("python3 -c pass >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 is not installed";
  ScratchDir dir;
  const std::string path = dir.File("junit.xml");
  const ReportPlan plan = SamplePlan(2);
  JunitReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo(2));
  TestResult r = MakeRun(plan, "e2", Verdict::kCrash, 1, HostileText());
  r.log_tail = {HostileText()};
  r.stderr_tail = {HostileText()};
  rep.TestEnd(Spec(plan, "e2"), r);
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));
  rep.RunEnd(RunSummary{});
  // Python checks the structure too: 2 cases, 1 error of type crash.
  const std::string script =
      "import sys, xml.etree.ElementTree as E\n"
      "r = E.parse(sys.argv[1]).getroot()\n"
      "cases = r.findall('./testsuite/testcase')\n"
      "assert r.tag == 'testsuites' and len(cases) == 2, (r.tag, len(cases))\n"
      "assert [e.get('type') for e in r.iter('error')] == ['crash']\n"
      "assert r.get('errors') == '1' and r.get('tests') == '2'\n";
  const std::string script_path = dir.File("check_junit.py");
  std::ofstream(script_path) << script;
  const std::string cmd = fmt::format("python3 '{}' '{}'", script_path, path);
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadAll(path);
}

}  // namespace
}  // namespace raftlab
