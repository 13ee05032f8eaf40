// ResolveGrading, ApplyGrading (see grading.h).
#include "harness/grade/grading.h"

#include <fmt/format.h>

namespace raftlab {

StatusOr<GradingSetup> ResolveGrading(const GradingFlags& flags, const Catalogue& catalogue,
                                      const std::vector<const TestSpec*>& selected) {
  GradingSetup setup;
  setup.repeat_from_config = flags.repeat_from_config;
  if (flags.repeat_from_config && flags.repeat > 1) {
    return Status::InvalidArgument(fmt::format(
        "--repeat {} and --repeat-from-config do not go together (the catalogue's 'repeat' of each test "
        "replaces --repeat)",
        flags.repeat));
  }
  const std::string& word = !flags.policy.empty() ? flags.policy : catalogue.grading_policy;
  if (!word.empty()) {
    auto policy = ParseScoringPolicy(word);
    if (!policy.ok()) {
      return Status::InvalidArgument(fmt::format("{}{}", flags.policy.empty() ? catalogue.path + ": " : "--policy: ",
                                                 policy.status().message()));
    }
    setup.policy = *policy;
  }
  for (const TestSpec* t : selected) {
    setup.planned_runs += static_cast<size_t>(flags.repeat_from_config ? std::max(1, t->repeat) : flags.repeat);
  }
  return setup;
}

void ApplyGrading(const GradingSetup& setup, const std::vector<const TestSpec*>& selected, RunInfo* info,
                  ReportPlan* plan, ScoringPolicy* policy) {
  *policy = setup.policy;
  if (!setup.repeat_from_config) return;
  info->runs = setup.planned_runs;
  for (PlannedTest& p : plan->tests) {
    for (const TestSpec* t : selected) {
      if (t->name == p.name) p.runs = std::max(1, t->repeat);
    }
  }
}

}  // namespace raftlab
