// The simulated-time column (sim_column.h) in what a student sees: labtest
// writes junit.xml and gradescope.json from the real-time runs; these
// functions add the simulated runs to them and put the grade of both into
// Gradescope's scores. `raftlab-grade-collect --merge-sim DIR` runs them once
// per graded student, after the simulated labtest and before grade.sh
// removes its paths and writes DONE.
//
// gradescope.json (labtest's document, gradescope.h), changed so:
//   - each test's "score" and "status" are its grade with the simulated runs
//     (ScoreStudents); its "extra_data" gains "sim" (as grades.json's test
//     "sim"); in its "output" the "Score ..." line gives that grade, and a
//     "Simulated time" paragraph follows: N seeds, how many passed, each
//     failing seed with its reason and the command that replays it, or why
//     the test was judged in real time only (not simulation-ready);
//   - the top-level "score" is the sum of the tests' scores, the "... points;
//     tests: ..." line of "output" gives that sum, a paragraph on the
//     simulated runs follows, and "extra_data" gains "sim" (the student's
//     totals).
// junit.xml (labtest's document, junit.h), followed by the simulated runs as
//   JunitReporter writes them, one <testsuite> per part named
//   "part N: <name> (simulated time)", classname "raftlab.partN.sim"; a run
//   the simulator stopped on its own limits is <skipped> ("not simulation-
//   ready: ..."), as it does not count. For a plugin labtest refused, one
//   suite "simulated time: not simulation-ready" with a skipped case per
//   test. The root's counts and time are the sums over both.
//
// Thread safety: pure functions (SimJunit writes only its `scratch_path`).
// Ownership: by value.
#pragma once

#include <string>
#include <string_view>

#include "harness/grade/grade_collect.h"
#include "runtime/status.h"

namespace raftlab {

// `doc` (labtest's gradescope.json) with the simulated column of `table`'s
// only row. Errors: InvalidArgument when `doc` is not Gradescope JSON or the
// table has not exactly one row.
StatusOr<std::string> MergeSimIntoGradescope(std::string_view doc, const GradeTable& table);

// The JUnit document of the simulated runs alone (`table`'s only row and
// the record it was scored from), written through a JunitReporter at
// `scratch_path` (grade.sh: DIR/sim/junit.xml). Without simulated runs
// (kNotRun, kOff): a document with no suites.
std::string SimJunit(const GradeTable& table, const SimRecord& sim, const std::string& scratch_path);

// `realtime` (labtest's junit.xml) followed by the suites of `simulated`
// (SimJunit), under one root whose counts are the sums. Errors:
// InvalidArgument when either is not a raftlab JUnit document.
StatusOr<std::string> MergeJunit(std::string_view realtime, std::string_view simulated);

}  // namespace raftlab
