// The labtest commands that main.cc dispatches to: --list, a test run, and
// the hidden --child mode. Each returns an exit code (cli.h).
//
// Environment holds what differs between the real labtest and the test-only
// build used by the runner tests: where the default plugin comes from and
// which scenario registry to use.
//
// Thread safety: one command per process. Ownership: borrows the environment.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "harness/labtest/cli.h"
#include "harness/scenario/scenario.h"
#include "runtime/status.h"

namespace raftlab {

struct Environment {
  // The plugin used when --plugin is absent (labtest: the embedded reference).
  std::function<StatusOr<std::string>()> default_plugin;
  const ScenarioRegistry* registry = &ScenarioRegistry::Global();
  std::string self_exe = "/proc/self/exe";  // re-executed for each test child
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

int ListCommand(const Options& options, const Environment& env);
int RunCommand(const Options& options, const Environment& env);
[[noreturn]] void ChildCommand(const Options& options, const Environment& env);

// Parses argv and runs the command it names (what main() does).
int LabtestMain(int argc, const char* const* argv, const Environment& env);

// Where the catalogue is when -f is not given: raft_lab_test.yml beside the
// binary (or in its config/ or ../share/raftlab/), then the source tree's
// config/ (compile-time path), then ./config/. Sets *origin to a phrase
// saying which. NotFound lists the places tried.
StatusOr<std::string> FindDefaultConfig(std::string* origin);

// The program of the rerun lines, so they run when pasted from any folder:
// argv0 itself when it has no '/' (labtest was found on PATH by that name),
// else argv0 made absolute (the path it was invoked by, which may be a
// symlink). running_exe (the resolved /proc/self/exe; may be "") stands in
// when argv0 is empty or cannot be made absolute.
std::string RerunProgram(const std::string& argv0, const std::string& running_exe);

}  // namespace raftlab
