// Fuzz target: the ELF reader behind the plugin lint (harness/plugin/elf_check.cc
// ListExportedDataSymbols, harness/plugin/lint.cc). The plugin file is the
// student's: any bytes must give findings or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/plugin/lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view image(reinterpret_cast<const char*>(data), size);
  auto findings = raftlab::LintPluginImage(image);
  if (findings.ok()) (void)raftlab::FormatLintWarning("fuzz.so", *findings);
  return 0;
}
