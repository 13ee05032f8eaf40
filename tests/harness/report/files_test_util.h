// Shared fixtures of the results-file tests (atomic_file, report_book,
// report_json, report_junit, report_gradescope, output_spec): a small plan,
// result builders, a scratch folder and file reading.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/report/report.h"
#include "harness/report/book.h"

namespace raftlab::testing_reports {

// Part 1 "leader election": e1 (5 points), e2 (10); part 2 "log replication": r1 (20).
inline ReportPlan SamplePlan(int runs_per_test = 1) {
  ReportPlan plan;
  plan.parts = {{1, "leader election"}, {2, "log replication"}};
  plan.tests = {{"e1", 1, "initial election", 5}, {"e2", 1, "re-election", 10}, {"r1", 2, "basic agreement", 20}};
  plan.runs_per_test = runs_per_test;
  return plan;
}

inline TestSpec Spec(const ReportPlan& plan, const std::string& name) {
  TestSpec s;
  s.name = name;
  if (const PlannedTest* t = plan.FindTest(name)) {
    s.part = t->part;
    s.description = t->description;
    s.points = t->points;
  }
  return s;
}

inline TestResult MakeRun(const ReportPlan& plan, const std::string& test, Verdict v, int rep = 0,
                      std::string message = "") {
  TestResult r;
  r.test = test;
  const PlannedTest* t = plan.FindTest(test);
  r.part = t ? t->part : 9;
  r.repetition = rep;
  r.base_seed = 42;
  r.seed = 1000 + static_cast<uint64_t>(rep);
  r.verdict = v;
  r.message = message.empty() && v != Verdict::kPass ? "check failed: two leaders in term 3" : message;
  r.wall_s = 1.25 + rep;
  r.cpu_user_s = 0.5;
  r.cpu_sys_s = 0.25;
  r.log_tail = {"peer 0: became leader", "peer 1: vote for 0"};
  r.log_lines = 17;
  return r;
}

inline RunInfo SampleInfo(int repeat = 1) {
  RunInfo info;
  info.config_path = "config/raft_lab_test.yml";
  info.plugin_path = "./libraft.so";
  info.plugin_name = "student-raft";
  info.plugin_version = "1.0";
  info.base_seed = 42;
  info.repeat = repeat;
  info.rerun_prefix = "labtest --plugin ./libraft.so";
  return info;
}

inline RunMetadata SampleMeta() {
  RunMetadata m;
  m.labtest_version = "0.9.1";
  m.command_line = {"labtest", "--plugin", "./libraft.so", "--output", "json:out dir/r.json"};
  m.start_time = "2026-11-22T16:16:07Z";
  return m;
}

// A fresh folder under the test temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "raftlab_reports_XXXXXX").string();
    if (char* d = ::mkdtemp(tmpl.data())) path_ = d;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Names in `dir` (to check that no temporary file is left behind).
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Text that every emitter must survive: quotes, markup, an entity, control
// characters (ESC, BEL, NUL), a CDATA terminator and invalid UTF-8.
inline std::string HostileText() {
  return std::string("bad \"quote\" 'apos' <tag> & &amp; ]]> esc\x1b[31m bell\x07 nul") + std::string(1, '\0') +
         " lone\xff byte, cut \xe2\x82 and ok \xe2\x82\xac";
}

}  // namespace raftlab::testing_reports
