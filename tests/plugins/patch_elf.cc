// patch_elf: a build-time tool that copies an ELF file and overwrites one
// header field, to make "wrong architecture" test plugins from a good one.
// Usage: patch_elf <in> <out> machine|class|type <value>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: patch_elf <in> <out> machine|class|type <value>\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 64) {
    std::fprintf(stderr, "patch_elf: %s is not an ELF file\n", argv[1]);
    return 1;
  }
  const unsigned long value = std::strtoul(argv[4], nullptr, 0);
  // Offsets in the ELF64 header; values written little-endian (the test
  // plugins are built on the host, which is little-endian on every platform
  // raftlab supports).
  if (std::strcmp(argv[3], "machine") == 0) {  // e_machine, 2 bytes at 18
    bytes[18] = static_cast<char>(value & 0xff);
    bytes[19] = static_cast<char>((value >> 8) & 0xff);
  } else if (std::strcmp(argv[3], "type") == 0) {  // e_type, 2 bytes at 16
    bytes[16] = static_cast<char>(value & 0xff);
    bytes[17] = static_cast<char>((value >> 8) & 0xff);
  } else if (std::strcmp(argv[3], "class") == 0) {  // EI_CLASS, 1 byte at 4
    bytes[4] = static_cast<char>(value & 0xff);
  } else {
    std::fprintf(stderr, "patch_elf: unknown field %s\n", argv[3]);
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return out ? 0 : 1;
}
