// Grade collection for grade.sh: turns the per-student folders that grade.sh
// leaves under its output folder into one grades table (grades.csv and the
// score table on the terminal). Tool: raftlab-grade-collect
// (grade_collect_main.cc).
//
// A student's folder GRADES/<student>/ holds, as grade.sh writes them:
//   DONE          written last, atomically: the student is finished. Lines
//                 "key=value": outcome=graded|build-failed|load-failed,
//                 reason=<one line>, labtest_exit=<code>.
//   ERROR         instead of DONE when grading could not be done (an
//                 infrastructure error: labtest exit 4, a signal...); same
//                 shape. Not finished: grade.sh retries it on resume.
//   results.json  labtest --output json (the runs); read when outcome=graded.
//   sim/          the simulated runs of `grade.sh --sim-seeds N` (sim_column.h);
//                 read when outcome=graded.
//
// Scores are recomputed here from the runs in results.json, with each test
// expected to run its catalogue `repeat` times and the chosen ScoringPolicy
// (report_book.h), so the CSV never depends on how labtest was invoked: a
// missing repetition is a repetition that did not pass. With --sim-seeds N
// each test also expects N simulated runs, counted as sim_column.h says.
//
// Thread safety: pure functions over values and files. Ownership: by value.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/grade/sim_column.h"
#include "harness/report/book.h"
#include "harness/scenario/result.h"
#include "runtime/status.h"

namespace raftlab {

enum class StudentOutcome {
  kGraded,       // labtest ran; scores from its runs
  kBuildFailed,  // the source folder did not build: 0 everywhere
  kLoadFailed,   // the .so fails labtest's load/ABI checks: 0 everywhere
  kError,        // infrastructure error (ERROR file, unreadable results): 0, not finished
  kNotGraded,    // no DONE and no ERROR yet (interrupted before it finished)
};
std::string_view StudentOutcomeName(StudentOutcome o);  // "graded", "build-failed", ...

// "key=value" lines (no escaping; a value runs to the end of its line).
// Lines without '=' are ignored; a later key replaces an earlier one.
std::map<std::string, std::string> ParseStatusFile(std::string_view text);

// What one student's folder holds.
struct StudentRecord {
  std::string name;
  StudentOutcome outcome = StudentOutcome::kNotGraded;
  std::string reason;            // from DONE/ERROR, or why the folder is unusable
  std::vector<TestResult> runs;  // from results.json (graded only)
  SimRecord sim;                 // from sim/ (graded only; kOff without it)
};

// Reads GRADES/<student>/. Never fails: problems become kError with a reason.
StudentRecord ReadStudentFolder(const std::string& grades_dir, const std::string& student);

// The runs of a labtest results.json document ("tests" array). Errors:
// Internal when it is not JSON or not a raftlab-run document.
StatusOr<std::vector<TestResult>> RunsFromResultsJson(std::string_view json);

struct StudentGrade {
  std::string name;
  StudentOutcome outcome = StudentOutcome::kNotGraded;
  std::vector<double> earned;  // per plan test, in plan order
  std::vector<double> parts;   // per plan part, in plan order
  double total = 0;
  int tests_passed = 0;
  std::string reason;  // "" for full marks
  // The simulated-time column (sim_column.h); kOff and empty without --sim-seeds.
  SimState sim_state = SimState::kOff;
  std::string sim_reason;            // kNotReady: labtest's refusal line
  std::vector<SimTestColumn> sim;    // per plan test, in plan order
  int sim_runs = 0, sim_passed = 0;  // over the tests whose column is kRan (skips count as passed)
  int sim_expected = 0;              // N x those tests
};

struct GradeTable {
  ReportPlan plan;  // PlannedTest::runs = the catalogue's repeat
  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  int sim_seeds = 0;  // grade.sh --sim-seeds N; 0: no simulated column
  double max_total = 0;
  std::vector<StudentGrade> rows;  // in the order given
};

// Scores every record against `plan` under `policy`. Runs of tests not in the
// plan are ignored. A graded student's reason lists each test that did not
// earn full points with its first failing run's reason (RunReason; for a
// simulated run SimFailureText, with its replay command). `sim_seeds` > 0:
// each test also expects that many simulated runs (sim_column.h).
GradeTable ScoreStudents(const ReportPlan& plan, ScoringPolicy policy, const std::vector<StudentRecord>& records,
                         int sim_seeds = 0);

// RFC 4180 CSV: header "student,<test>...,total,status,reason", one row per
// student; points rounded to 0.01. With sim_seeds > 0, after these:
// "sim_status,sim_passed,sim_runs,sim:<test>...,sim_note": the student's
// SimState, simulated runs passed and expected over the tests that ran
// simulated, each test's SimTestColumn::Cell, and the refusal line (not
// simulation-ready) or the failing seeds with their replay commands.
std::string GradesCsv(const GradeTable& table);

// The terminal table: per student the part sums, the total over the maximum,
// tests passed, with sim_seeds > 0 the simulated runs passed ("3/4", or
// "not-ready"), and the status or reason (shortened to `width` columns).
std::string ScoreTableText(const GradeTable& table, size_t width = 100);

// "a,b" -> a; quoted when it holds ',', '"', CR or LF.
std::string CsvField(std::string_view s);

}  // namespace raftlab
