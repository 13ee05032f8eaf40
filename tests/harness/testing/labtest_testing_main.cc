// labtest_testing: labtest built with the test-only scenarios
// (test_scenarios.cc) instead of the Raft ones, and ok_plugin as its
// "bundled" plugin. The runner and CLI tests run it as a real program.
#include "harness/labtest/labtest.h"

int main(int argc, char** argv) {
  raftlab::Environment env;
  env.default_plugin = []() -> raftlab::StatusOr<std::string> { return std::string(RAFTLAB_TEST_DEFAULT_PLUGIN); };
  return raftlab::LabtestMain(argc, argv, env);
}
