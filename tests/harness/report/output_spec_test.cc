// Tests of harness/report/output_spec.cc: `--output FORMAT:PATH` parsing and the
// reporters it makes, driven end to end through a ReporterList.
#include "harness/report/output_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using testing_reports::MakeRun;
using testing_reports::ReadAll;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_reports::Spec;

TEST(OutputSpecTest, ParsesTheThreeFormats) {
  auto json = ParseOutputSpec("json:out/run.json");
  ASSERT_TRUE(json.ok()) << json.status().message();
  EXPECT_EQ(json->format, OutputFormat::kJson);
  EXPECT_EQ(json->path, "out/run.json");
  EXPECT_EQ(ParseOutputSpec("junit:report.xml")->format, OutputFormat::kJunit);
  EXPECT_EQ(ParseOutputSpec("gradescope:/autograder/results/results.json")->format, OutputFormat::kGradescope);
  EXPECT_EQ(ParseOutputSpec("JUnit:r.xml")->format, OutputFormat::kJunit);  // format case does not matter
  EXPECT_EQ(ParseOutputSpec("json:a:b.json")->path, "a:b.json");            // the path may hold colons
  EXPECT_EQ(OutputFormatName(OutputFormat::kGradescope), "gradescope");
}

TEST(OutputSpecTest, ErrorsNameTheBadSpecAndSayWhy) {
  ScratchDir dir;
  struct Case {
    std::string spec;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"results.json", "expected FORMAT:PATH"},
      {"xml:out.xml", "unknown format 'xml'"},
      {"jsno:out.json", "did you mean 'json'?"},
      {"json:", "the path after ':' is empty"},
      {":x.json", "unknown format ''"},
      {"junit:reports/", "is a folder"},
      {"junit:" + dir.path(), "is a folder"},
  };
  for (const Case& c : cases) {
    auto s = ParseOutputSpec(c.spec);
    ASSERT_FALSE(s.ok()) << c.spec;
    EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument) << c.spec;
    EXPECT_THAT(s.status().message(), HasSubstr("--output '" + c.spec + "'"));
    EXPECT_THAT(s.status().message(), HasSubstr(c.why)) << c.spec;
  }
}

TEST(OutputSpecTest, RepeatableButNeverTwiceTheSameFile) {
  auto ok = ParseOutputSpecs({"json:r.json", "junit:r.xml", "gradescope:results.json"});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[2].format, OutputFormat::kGradescope);

  auto same = ParseOutputSpecs({"json:out/r.json", "junit:out/../out/./r.json"});
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(same.status().message(), HasSubstr("'junit:out/../out/./r.json'"));
  EXPECT_THAT(same.status().message(), HasSubstr("already writes"));

  auto bad = ParseOutputSpecs({"json:r.json", "tap:r.tap"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("'tap:r.tap'"));

  EXPECT_TRUE(ParseOutputSpecs({})->empty());
}

TEST(OutputSpecTest, FactoryWiresEveryFormatIntoARun) {
  ScratchDir dir;
  auto specs = ParseOutputSpecs({"json:" + dir.File("a/run.json"), "junit:" + dir.File("a/junit.xml"),
                                 "gradescope:" + dir.File("b/results.json")});
  ASSERT_TRUE(specs.ok());
  OutputContext ctx;
  ctx.plan = SamplePlan();
  ctx.meta = SampleMeta();
  ctx.policy = ScoringPolicy::kPassRate;
  ctx.gradescope_visibility = GradescopeVisibility::kHidden;
  auto files = MakeFileReporters(*specs, ctx);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0]->format_name(), "json");
  EXPECT_EQ(files[1]->format_name(), "junit");
  EXPECT_EQ(files[2]->format_name(), "gradescope");
  EXPECT_EQ(files[2]->path(), dir.File("b/results.json"));

  ReporterList list;
  for (auto& f : files) list.Add(f.get());
  list.RunStart(SampleInfo());
  for (auto& f : files) EXPECT_TRUE(f->status().ok()) << f->status().message();
  const TestSpec e1 = Spec(ctx.plan, "e1");
  list.TestStart(e1, 0, 1000);
  list.TestLine(e1, "a live line");
  list.TestEnd(e1, MakeRun(ctx.plan, "e1", Verdict::kPass));
  list.RunEnd(RunSummary{});
  for (auto& f : files) EXPECT_TRUE(f->status().ok()) << f->status().message();

  using nlohmann::json;
  const json run = json::parse(ReadAll(dir.File("a/run.json")));
  EXPECT_EQ(run["state"], "finished");
  EXPECT_EQ(run["run"]["scoring_policy"], "pass-rate");
  EXPECT_EQ(run["tests"].size(), 1u);
  EXPECT_THAT(ReadAll(dir.File("a/junit.xml")), HasSubstr("name=\"e1\""));
  const json gs = json::parse(ReadAll(dir.File("b/results.json")));
  EXPECT_EQ(gs["visibility"], "hidden");
  EXPECT_EQ(gs["score"], 5);
}

TEST(OutputSpecTest, AnUnwritablePathShowsInStatusAfterRunStart) {
  ScratchDir dir;
  std::ofstream(dir.File("file")) << "x";
  auto spec = ParseOutputSpec("json:" + dir.File("file/run.json"));
  ASSERT_TRUE(spec.ok());
  OutputContext ctx;
  ctx.plan = SamplePlan();
  auto rep = MakeFileReporter(*spec, ctx);
  rep->RunStart(SampleInfo());
  EXPECT_FALSE(rep->status().ok());
  EXPECT_THAT(rep->status().message(), HasSubstr(dir.File("file")));
}

TEST(OutputSpecTest, DashMeansStandardOutputOnceAtTheEnd) {
  auto specs = ParseOutputSpecs({"json:-", "junit:r.xml"});
  ASSERT_TRUE(specs.ok()) << specs.status().message();
  EXPECT_TRUE(WritesStdout(*specs));
  EXPECT_FALSE(WritesStdout(*ParseOutputSpecs({"json:r.json"})));

  auto two = ParseOutputSpecs({"json:-", "junit:-"});
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(two.status().message(), HasSubstr("'junit:-'"));
  EXPECT_THAT(two.status().message(), HasSubstr("only one can"));

  OutputContext ctx;
  ctx.plan = SamplePlan();
  auto rep = MakeFileReporter((*specs)[0], ctx);
  const TestSpec e1 = Spec(ctx.plan, "e1");
  ::testing::internal::CaptureStdout();
  rep->RunStart(SampleInfo());
  rep->TestEnd(e1, MakeRun(ctx.plan, "e1", Verdict::kFail));
  const std::string before_end = ::testing::internal::GetCapturedStdout();
  ::testing::internal::CaptureStdout();
  rep->RunEnd(RunSummary{});
  const std::string at_end = ::testing::internal::GetCapturedStdout();
  EXPECT_TRUE(rep->status().ok()) << rep->status().message();
  EXPECT_EQ(before_end, "");  // nothing until the run ends: stdout holds one document
  const nlohmann::json run = nlohmann::json::parse(at_end);
  EXPECT_EQ(run["state"], "finished");
  EXPECT_EQ(run["tests"].size(), 1u);
  EXPECT_FALSE(std::filesystem::exists("-"));  // no file named '-'
}

}  // namespace
}  // namespace raftlab
