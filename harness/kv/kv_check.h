// The part-5 linearizability verdict: runs the checker on a KvHistory and
// turns its answer into the test's outcome, MIT's way:
//   ok       -> an event "linearizability check N: ok (ops, keys, time)";
//   unknown  -> a pass, with the warning "linearizability check timed out,
//               assuming history is ok" in the test's events;
//   illegal  -> the HTML picture (harness/linearizability/visualize.h) is
//               saved in the test's output folder and the test fails with
//               "history is not linearizable: <summary>; see <path>".
//
// Where the picture goes (SaveTestFile): $RAFTLAB_OUTPUT_DIR if set; else
// the parent of $TMPDIR when TMPDIR is the runner's "<output folder>/tmp"
// (the runner deletes tmp/ after the child, and keeps the output folder of a
// failed test); else $TMPDIR; else /tmp. Inside the test child's sandbox
// (seccomp on) no file may be created after start-up, so the picture cannot
// be saved there: the failure message then says so and how to get it
// (RAFTLAB_NO_SANDBOX=1), instead of making a call the sandbox would blame
// on the student.
//
// Thread safety: reentrant. Ownership: nothing kept.
#pragma once

#include <string>
#include <string_view>

#include "harness/kv/kv_history.h"
#include "harness/linearizability/checker.h"
#include "harness/scenario/scenario.h"
#include "runtime/status.h"

namespace raftlab {

// Writes `content` to a new file named after `stem` (e.g.
// "linearizability-<test>") in the folder described above and returns its
// full path.
StatusOr<std::string> SaveTestFile(const std::string& stem, const std::string& extension,
                                   std::string_view content);

// Whether this process runs under a seccomp filter (the test child's sandbox).
bool InsideSandbox();

struct LinCheckOptions {
  Nanos budget{0};    // 0: unlimited
  std::string title;  // the picture's title (test name, iteration)
};

// Checks `history`; see the top of the file for what each answer does.
// Fails through ctx.Fail (throws on the scenario thread). Returns the result.
lin::CheckResult CheckLinearizable(TestContext& ctx, const KvHistory& history, const LinCheckOptions& options);

}  // namespace raftlab
