// Fuzz target: the student log's line handling (harness/scenario/student_log.cc):
// text from host->log (any bytes, any number of lines) and harness notes.
// Property: every formatted line is a single line.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "harness/scenario/student_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) return 0;
  raftlab::StudentLogLine line;
  line.peer = static_cast<int8_t>(data[0]);
  line.term = static_cast<int8_t>(data[1]);
  line.level = static_cast<int8_t>(data[2]);
  int16_t ms = 0;
  std::memcpy(&ms, data + 3, sizeof ms);
  line.t = std::chrono::milliseconds(ms);
  line.text.assign(reinterpret_cast<const char*>(data + 5), size - 5);
  for (const std::string& l : raftlab::FormatStudentLogLine(line)) {
    if (l.find('\n') != std::string::npos) std::abort();
  }
  for (const std::string& l : raftlab::FormatHarnessNote(line.t, line.text)) {
    if (l.find('\n') != std::string::npos) std::abort();
  }
  (void)raftlab::LevelName(line.level);
  return 0;
}
