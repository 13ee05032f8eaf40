#include "harness/raft/commands.h"

#include <charconv>
#include <cstring>

namespace raftlab {
namespace {

constexpr std::string_view kMagic = "RLSNAP1";

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLe(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  return v;
}

bool Printable(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

Command IntCommand(int64_t value) { return std::to_string(value); }

std::optional<int64_t> CommandAsInt(std::string_view cmd) {
  if (cmd.empty() || cmd.size() > 20) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(cmd.data(), cmd.data() + cmd.size(), v);
  if (ec != std::errc() || ptr != cmd.data() + cmd.size()) return std::nullopt;
  // Reject "+5", "007" style spellings: the canonical text is the only int.
  if (IntCommand(v) != cmd) return std::nullopt;
  return v;
}

std::string DescribeCommand(std::string_view cmd) {
  constexpr size_t kShort = 40;
  if (cmd.size() <= kShort && Printable(cmd)) return std::string(cmd);
  std::string head;
  for (char c : cmd.substr(0, 16)) {
    if (c >= 0x20 && c <= 0x7e && c != '"') {
      head.push_back(c);
    } else {
      head += '.';
    }
  }
  return "<" + std::to_string(cmd.size()) + " bytes: \"" + head + (cmd.size() > 16 ? "...\">" : "\">");
}

std::string EncodeSnapshot(int64_t index, const std::vector<Command>& commands) {
  std::string out(kMagic);
  PutLe(out, static_cast<uint64_t>(index), 8);
  for (const Command& c : commands) {
    PutLe(out, c.size(), 4);
    out += c;
  }
  return out;
}

StatusOr<SnapshotContents> DecodeSnapshot(std::string_view bytes) {
  const size_t header = kMagic.size() + 8;
  if (bytes.size() < header) {
    return Status::TestFailure("snapshot is " + std::to_string(bytes.size()) +
                               " bytes, too short for the harness's header (" + std::to_string(header) +
                               " bytes): it is not a snapshot the harness gave to snapshot()");
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::TestFailure("snapshot does not start with the harness's marker: it is not the bytes "
                               "the harness gave to snapshot()");
  }
  SnapshotContents s;
  s.index = static_cast<int64_t>(GetLe(bytes, kMagic.size(), 8));
  if (s.index < 0) return Status::TestFailure("snapshot has a negative index");
  size_t pos = header;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 4) return Status::TestFailure("snapshot is truncated inside a command length");
    const uint64_t len = GetLe(bytes, pos, 4);
    pos += 4;
    if (bytes.size() - pos < len) return Status::TestFailure("snapshot is truncated inside a command");
    s.commands.emplace_back(bytes.substr(pos, len));
    pos += len;
  }
  if (static_cast<int64_t>(s.commands.size()) != s.index) {
    return Status::TestFailure("snapshot header says index " + std::to_string(s.index) + " but it holds " +
                               std::to_string(s.commands.size()) + " commands");
  }
  return s;
}

}  // namespace raftlab
