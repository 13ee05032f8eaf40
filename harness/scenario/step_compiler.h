// The step compiler: checks a `steps:` value tree (StepValue, built by the
// catalogue loader from YAML) against the verb registry and turns it into a
// StepProgram, or into errors that each name file:line:column, say what is
// wrong and how to fix it:
//   - a step that is not a verb (unknown verb, with a near-miss suggestion);
//   - a missing required argument, an unknown argument (near miss), a value
//     of the wrong type, a literal out of the argument's range;
//   - a name used before a step binds it (`as: leader`), or bound twice;
//   - a verb of the other fixture (a KV verb in a Raft test), a test that
//     does not start with `cluster` / `kv_cluster`, or starts one twice;
//   - a verb's own rule (StepVerbInfo::check);
//   - a word registered as unavailable (`append`), with what to write instead;
//   - in a prelude (steps beside `scenario:`, CompilePrelude): a verb that
//     starts a fixture (the scenario builds its own), a verb of the other
//     fixture than the scenario's, a KV clerk verb on rsm servers.
//
// Step shapes (all equivalent for a verb whose primary argument is `peer`):
//   - check_no_leader                  # a verb without arguments
//   - disconnect: leader+1             # the primary argument
//   - disconnect: {peer: leader+1}     # named arguments
//
// Expressions (kInt, kPeer): an integer, or a bound name optionally plus or
// minus an integer: `leader`, `leader+1`, `idx-2`. `n` (the number of
// servers) is bound by the first step. Peers are taken mod n when run.
//
// Thread safety: pure functions. Ownership: by value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/steps.h"

namespace raftlab {

// `leader+1` -> {"leader", 1}; `7` -> {"", 7}; nullopt when malformed.
struct IntExpr {
  std::string name;  // "" for a literal
  int64_t offset = 0;
};
std::optional<IntExpr> ParseIntExpr(std::string_view text);

// Compiles `steps` (the value of a test's `steps:` key). Appends one line per
// problem to *errors ("file:line:col: message") and returns nullopt when
// there was any.
std::optional<StepProgram> CompileSteps(const StepValue& steps, const StepRegistry& registry,
                                        const std::string& where_test, std::vector<std::string>* errors);

// Compiles `steps` as the prelude of C++ scenario `scenario`, which builds
// a fixture of kind `fixture` (ScenarioInfo::fixture; kAny is an error):
// the steps run on that fixture, so `n` is bound from the start and no step
// may start a fixture. Errors as for CompileSteps; the program has
// prelude = true and fixture = `fixture`.
std::optional<StepProgram> CompilePrelude(const StepValue& steps, StepFixture fixture, const std::string& scenario,
                                          const StepRegistry& registry, const std::string& where_test,
                                          std::vector<std::string>* errors);

// The closest of `candidates` to `word` when it is plausibly a typo, else "".
// (The catalogue's ClosestMatch and labtest's flag hints use it too.)
std::string StepClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace raftlab
