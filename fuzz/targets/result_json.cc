// Fuzz target: the parent's reading of a result file (ResultFromJson). The
// file is written by the test child, where student code runs and may have
// scribbled over it. Property: whatever parses, re-serialises and parses
// again to the same verdict and message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/scenario/result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = raftlab::ResultFromJson(text);
  if (!r.ok()) return 0;
  auto again = raftlab::ResultFromJson(raftlab::ResultToJson(*r));
  if (!again.ok()) std::abort();  // our own output must always parse
  if (again->verdict != r->verdict || again->test != r->test) std::abort();
  return 0;
}
