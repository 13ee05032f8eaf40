// The test child: `labtest --child ...` runs ONE test (one repetition) in a
// fresh process and writes its TestResult as JSON to the result file.
//
// Steps: allow the parent's stack-dump tools to attach (PR_SET_PTRACER);
// load the catalogue and find the test; make a real-time Runtime; open the
// student log; open the plugin; run the scenario on its own thread against
// a ChildTestContext; classify how it ended (pass, fail, skip, an exception
// escaping into the harness); write the result; exit WITHOUT running
// destructors (_exit), because a broken plugin may have left threads running
// inside code that unloading would unmap.
//
// rlimits and the 1 MiB default thread stack are set by the parent before
// exec (child_process.h). Thread safety: runs once per process.
#pragma once

#include <cstdint>
#include <string>

#include "harness/scenario.h"

namespace raftlab {

struct ChildOptions {
  std::string config_path;
  std::string test;
  std::string plugin_path;
  std::string result_file;
  std::string log_file;
  uint64_t base_seed = 0;
  int repetition = 0;
  double timeout_scale = 1;
  bool verbose = false;  // copy student log lines and events to stderr
};

// Runs the test; never returns. Exit status 0 when the result file was
// written (whatever the verdict), 4 when even that failed.
[[noreturn]] void RunTestChild(const ChildOptions& options, const ScenarioRegistry& registry);

// The seed of repetition `repetition` of `test` in a run with `base_seed`.
uint64_t RunSeed(uint64_t base_seed, const std::string& test, int repetition);

}  // namespace raftlab
