// Catalogue: the YAML test catalogue (config/raft_lab_test.yml) loaded,
// validated and with defaults filled in.
//
// File shape (version 1):
//   version: 1
//   defaults:                          # optional: fields every test gets unless it sets them
//     timeout: 120                     #   part, points, timeout, repeat, and params (merged key
//     params: {reliable: true}         #   by key; each applies to the scenarios declaring it)
//   parts:
//     - {part: 1, name: leader election, points: 20}
//   tests:
//     - name: 3A-initial-election      # required, unique
//       part: 1                        # required, declared under parts
//       description: initial election  # default: the name
//       points: 5                      # required, > 0
//       timeout: 120                   # seconds, > 0; default 120
//       repeat: 1                      # grading repetitions, >= 1; default 1
//       scenario: initial_election     # a registered scenario, or instead:
//       params: {servers: 3}           # checked against the scenario's ParamSpecs
//       steps:                         # a steps test (docs/STEPS.md), compiled at load
//         - cluster: {servers: 3}      # against the step verbs (harness/scenario/step_compiler.h)
//         - check_one_leader: {as: leader}
//                                      # steps beside 'scenario:' are its prelude: they
//                                      # run on the scenario's fixture before its first
//                                      # action (no 'cluster' step; CompilePrelude)
//       checks: liveness               # what it demands: safety | liveness |
//                                      # performance; optional (a course's own
//                                      # catalogue may omit it), but every test
//                                      # of config/raft_lab_test.yml has it
//   grading:                           # optional (grade.sh)
//     policy: all-or-nothing           # or pass-rate; see ScoringPolicy in report_book.h
//
// Every error names file:line:column (1-based) and says how to fix it.
// Errors are collected (up to a cap) so one run shows them all.
//
// Thread safety: a Catalogue is an immutable value once loaded.
// Ownership: the loader returns the Catalogue by value; yaml-cpp exceptions
// never leave config.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/scenario.h"
#include "runtime/status.h"

namespace raftlab {

struct PartSpec {
  int part = 0;
  std::string name;  // "leader election"
  double points = 0;
};

struct Catalogue {
  std::string path;  // as given to the loader, used in messages
  int version = 1;
  std::vector<PartSpec> parts;  // in file order
  std::vector<TestSpec> tests;  // in file order
  // `grading: {policy: ...}`: "all-or-nothing" or "pass-rate" (the names of
  // ScoringPolicy, report_book.h); "" when the file has no grading section.
  std::string grading_policy;
  // Non-fatal findings ("part 1 declares 20 points but its tests sum to 15").
  std::vector<std::string> warnings;

  const TestSpec* FindTest(std::string_view name) const;
  const PartSpec* FindPart(int part) const;
};

// Reads and validates the file at `path`. Errors: NotFound when the file
// cannot be read, Config for everything else (message: one line per problem).
StatusOr<Catalogue> LoadCatalogue(const std::string& path, const ScenarioRegistry& registry);

// The catalogue a test child needs to run the test `name`: parsed from
// OneTestView (one_test_view.h), so that only that test's entry (and any
// entry mentioning its name) is read, with every line:column as in the
// file; the whole file when the view cannot be made, does not parse or does
// not hold the test. The result then holds only some of the tests (its
// point warnings mean nothing): use it for FindTest(name) alone. The parent
// has checked the whole file (the run's catalogue snapshot) before any child
// starts, so a child misses no error it would have reported.
StatusOr<Catalogue> LoadCatalogueForTest(const std::string& path, std::string_view name,
                                         const ScenarioRegistry& registry);

// The same from text already in memory; `path` is used only in messages.
StatusOr<Catalogue> ParseCatalogue(std::string_view text, const std::string& path,
                                   const ScenarioRegistry& registry);

// The closest of `candidates` to `word` when it is plausibly a typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// The values of a test's `checks` key, in the order they are documented:
// "safety", "liveness", "performance".
const std::vector<std::string>& DemandKinds();

// One line on what a `checks` value means, for listings and failure
// messages ("performance: RPC counts, bytes or latency"); "" for "".
std::string DemandLabel(std::string_view checks);

// "reliable network" / "unreliable network" from a test's `reliable` param,
// "" when the test has none. Used on the console start line.
std::string NetworkLabel(const TestSpec& spec);

}  // namespace raftlab
