// commands.h: how the Raft tests encode the commands they submit and the
// snapshots the fixture hands to Raft.
//
// Commands are byte strings; two commands are equal when their bytes are
// equal (MIT compares Go values with ==). An integer command (MIT's ints) is
// its DECIMAL TEXT, e.g. 101 -> "101", so that a student's log lines and the
// harness's failure messages show it readably. Long commands (the RPC-bytes
// test's 5000-character strings) are plain text too.
//
// A snapshot payload is what the fixture passes to raftlab_plugin.snapshot()
// (MIT 3D: the applied index plus every command 0..index):
//   "RLSNAP1" | index (8 bytes, little endian) |
//   for k = 1..index: length (4 bytes, little endian) | the command's bytes
// Index 0 has no command (MIT's nil placeholder) and is not stored.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

using Command = std::string;

// 101 -> "101".
Command IntCommand(int64_t value);
// "101" -> 101; nullopt when the bytes are not exactly a decimal integer.
std::optional<int64_t> CommandAsInt(std::string_view cmd);
// For messages: the command itself when short and printable, else its length
// and first bytes ("<5000 bytes: \"abcd...\">").
std::string DescribeCommand(std::string_view cmd);

struct SnapshotContents {
  int64_t index = 0;
  std::vector<Command> commands;  // commands[k-1] is the command at index k
};

std::string EncodeSnapshot(int64_t index, const std::vector<Command>& commands_1_to_index);
// Errors name what is wrong ("snapshot is 5 bytes, too short for a header").
StatusOr<SnapshotContents> DecodeSnapshot(std::string_view bytes);

}  // namespace raftlab
