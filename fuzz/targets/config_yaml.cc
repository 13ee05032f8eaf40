// Fuzz target: the YAML catalogue loader (harness/catalogue/config.cc, ParseCatalogue).
// A catalogue comes from course staff, but a malformed one must give an error
// with file:line:column, never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/catalogue/config.h"
#include "harness/scenario/scenario.h"

namespace {

void Noop(raftlab::TestContext&) {}

// One scenario with a parameter of every type, so that parameter validation runs.
RAFTLAB_REGISTER_SCENARIO({"fuzz_scenario",
                           "a scenario for the fuzzer",
                           {{"servers", raftlab::ParamType::kInt, int64_t{3}, "peers"},
                            {"reliable", raftlab::ParamType::kBool, true, "network"},
                            {"ratio", raftlab::ParamType::kDouble, 0.5, "a ratio"},
                            {"label", raftlab::ParamType::kString, std::string("x"), "a string"}},
                           &Noop});

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalogue = raftlab::ParseCatalogue(text, "fuzz.yml", raftlab::ScenarioRegistry::Global());
  if (catalogue.ok()) {
    for (const auto& t : catalogue->tests) (void)raftlab::NetworkLabel(t);
  }
  return 0;
}
