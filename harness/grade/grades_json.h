// grades.json: the class's grades table as JSON, the twin of grades.csv
// (grade_collect.h) for programs, written by `raftlab-grade-collect --json`.
//
//   {"format": "raftlab-grades", "format_version": 1,
//    "policy": "all-or-nothing" | "pass-rate",
//    "sim_seeds": N (0: no simulated column), "max_total",
//    "tests": [{"test", "part", "points", "runs" (real-time runs expected)}],
//    "students": [{"student", "status" (StudentOutcomeName), "total", "tests_passed",
//                  "reason", "parts": [{"part", "earned"}],
//                  "tests": [{"test", "earned", "points",
//                             "sim": null | {"state", "passed", "runs", "failed", "skipped",
//                                            "expected", "not_ready",
//                                            "failing": [{"repetition", "base_seed", "seed",
//                                                         "reason", "replay"}]}}],
//                  "sim": null | {"state", "reason", "passed", "expected"}}]}
//
// "sim" is null when sim_seeds is 0. Points are rounded to 0.01, as in the
// CSV. Text goes through SanitizeText.
//
// Thread safety: a pure function. Ownership: by value.
#pragma once

#include <string>

#include "harness/grade/grade_collect.h"

namespace raftlab {

std::string GradesJson(const GradeTable& table);

}  // namespace raftlab
