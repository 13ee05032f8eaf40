// ElfInfo: a small reader of the ELF facts the plugin loader needs before it
// dares to dlopen a file: is it an ELF shared object for this machine, and
// which of its symbols look like the entry symbol (to explain "entry symbol
// missing" precisely: hidden, C++-mangled, or simply absent).
//
// We read the headers ourselves instead of trusting dlerror(): glibc's
// messages for a wrong-architecture or non-ELF file ("invalid ELF header",
// "wrong ELF class") do not tell a student what to do.
//
// Thread safety: free functions over a file path; no shared state.
// Ownership: nothing is kept open after a call returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

// The architecture this harness was compiled for, as ELF e_machine and a
// human name ("x86-64").
uint16_t HostElfMachine();
std::string ElfMachineName(uint16_t machine);

// Checks that `path` is a 64-bit, host-endian ELF shared object (ET_DYN)
// built for this machine. On failure returns PluginLoad with one line:
// "cannot load plugin <display>: <what>: <how to fix>". `display` is the
// path shown to the user (the file read may be a private copy).
Status CheckElfSharedObject(const std::string& path, const std::string& display);

// A symbol whose name mentions the entry symbol.
struct EntryCandidate {
  std::string name;  // as stored (mangled for C++)
  bool exported;     // in .dynsym with default/protected visibility and defined
};

// Every defined symbol in .dynsym and .symtab whose name contains `needle`.
// Best effort: returns an empty list if the file cannot be parsed (a
// stripped library simply has no .symtab).
std::vector<EntryCandidate> FindSymbolsContaining(const std::string& path,
                                                  const std::string& needle);

// A data object the library exports through its dynamic symbol table
// (.dynsym): what other loaded code, and the dynamic loader, can see.
struct ExportedDataSymbol {
  std::string name;     // as stored (mangled for C++)
  uint64_t size = 0;    // st_size in bytes
  std::string section;  // ".bss", ".data", ... ("" when unknown)
  bool unique = false;  // STB_GNU_UNIQUE: merged process-wide by glibc
  bool writable = false;  // in a writable section and not in PT_GNU_RELRO
};

// Every defined STT_OBJECT in .dynsym with default or protected visibility
// and global, weak or unique binding, read from an in-memory ELF image (the
// bytes of a .so). Thread-local objects are left out. Parses untrusted bytes
// with bounds checks: a damaged or foreign image gives an error, never a
// crash. Errors: InvalidArgument naming what is malformed.
StatusOr<std::vector<ExportedDataSymbol>> ListExportedDataSymbols(std::string_view image);

}  // namespace raftlab
