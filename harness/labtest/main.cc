// labtest: parses the command line and dispatches (harness/labtest/labtest.h).
#include "harness/plugin/embedded_reference.h"
#include "harness/labtest/labtest.h"

int main(int argc, char** argv) {
  raftlab::Environment env;
  env.default_plugin = [] { return raftlab::EmbeddedReferencePath(); };
  return raftlab::LabtestMain(argc, argv, env);
}
