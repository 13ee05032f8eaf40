// labtest: parses the command line and dispatches (harness/labtest.h).
#include "harness/embedded_reference.h"
#include "harness/labtest.h"

int main(int argc, char** argv) {
  raftlab::Environment env;
  env.default_plugin = [] { return raftlab::EmbeddedReferencePath(); };
  return raftlab::LabtestMain(argc, argv, env);
}
