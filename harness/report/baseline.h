// Baseline: the reference implementation's figures per test on one machine
// (grade.sh keeps it in its grading folder, DIR/reference_baseline.json;
// labtest shows one that sits beside the catalogue), shown beside a
// student's figures on the console. Written by `labtest --record-baseline PATH`, which runs the
// selected tests and stores the mean over each test's passing runs.
//
// File shape:
//   {"format": 1, "plugin": "raftlab-reference 1.0",
//    "tests": {"3A-initial-election": {"time_s": 3.1, "cpu_s": 0.2, "peers": 3,
//              "rpcs": 56, "bytes": 15032, "commands": 0, "runs": 1}}}
//
// Thread safety: a value type. Ownership: by value; nlohmann exceptions stop
// in baseline.cc.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/scenario/result.h"
#include "runtime/status.h"

namespace raftlab {

struct BaselineEntry {
  double time_s = 0;
  double cpu_s = 0;
  Figures figures;
  int runs = 0;  // passing runs averaged
};

class Baseline {
 public:
  // NotFound when the file does not exist (callers then show no comparison);
  // Config when it exists but is malformed.
  static StatusOr<Baseline> Load(const std::string& path);
  Status Save(const std::string& path) const;

  // Averages the passing runs of each test in results.
  static Baseline FromResults(const std::vector<TestResult>& results, const std::string& plugin);

  const BaselineEntry* Find(const std::string& test) const;
  const std::map<std::string, BaselineEntry>& entries() const { return entries_; }
  const std::string& plugin() const { return plugin_; }

 private:
  std::string plugin_;
  std::map<std::string, BaselineEntry> entries_;
};

}  // namespace raftlab
