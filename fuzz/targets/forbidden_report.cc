// Fuzz target: the forbidden-call report parser (harness/sandbox/
// forbidden_report.cc). The report file lives where the child runs; the
// parent must turn any contents into a verdict or nothing, never crash.
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "harness/sandbox/forbidden_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto call = raftlab::sandbox::ParseForbiddenReport(text);
  auto verdict = raftlab::sandbox::ForbiddenVerdictFor(text, size % 2 == 0 ? 0 : SIGSYS);
  // A parsed call always gives a verdict naming it.
  if (call && (!verdict || verdict->rfind("forbidden: " + call->label, 0) != 0)) std::abort();
  if (call && call->label.find('\n') != std::string::npos) std::abort();
  return 0;
}
