// Fuzz target: the apply checker's decoding of what a plugin applies
// (harness/raft/commands.cc): snapshot payloads handed back by the student's Raft
// (DecodeSnapshot) and applied command bytes (CommandAsInt, DescribeCommand).
// Property: a decoded snapshot re-encodes to bytes that decode to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/raft/commands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)raftlab::CommandAsInt(bytes);
  (void)raftlab::DescribeCommand(bytes);
  auto snap = raftlab::DecodeSnapshot(bytes);
  if (!snap.ok()) return 0;
  auto again = raftlab::DecodeSnapshot(raftlab::EncodeSnapshot(snap->index, snap->commands));
  if (!again.ok() || again->index != snap->index || again->commands != snap->commands) std::abort();
  return 0;
}
