// PluginLanguage: the language a plugin was written in, read from its ELF
// image, for labtest's header line ("labtest: plugin X (name 1.0, Rust)").
// Every language reaches the harness through the same C ABI; knowing it
// helps a TA reading a report, and tells a student which skeleton's README
// applies.
//
// The evidence, in order:
//   Go     a `.go.buildinfo` section (Go's linker writes it in every build
//          mode, -buildmode=c-shared included);
//   Rust   a `.rustc` section, rustc's "rustc version" line in `.comment`,
//          or the Rust runtime's symbols (`rust_begin_unwind`, `__rust_*`)
//          in .symtab or .dynsym;
//   C/C++  anything else (including an image too damaged to read).
//
// Thread safety: pure functions. Ownership: everything by value.
#pragma once

#include <string>
#include <string_view>

namespace raftlab {

enum class PluginLanguage { kCOrCxx, kRust, kGo };

// "C/C++", "Rust" or "Go".
const char* PluginLanguageName(PluginLanguage language);

// The language of the ELF image `image` (the bytes of a .so). Never fails:
// what cannot be read counts as no evidence.
PluginLanguage DetectPluginLanguage(std::string_view image);

// The same for the file at `path` (C/C++ when it cannot be read).
PluginLanguage DetectPluginLanguageOfFile(const std::string& path);

}  // namespace raftlab
