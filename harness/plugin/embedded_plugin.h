// Plugins embedded in the labtest binary as bytes, and writing them out so
// the loader can dlopen them.
//
// The bytes come from a generated C file that `.incbin`s the built .so (see
// harness/plugin/EmbedPlugin.cmake: raftlab_embed_plugin()); the build re-embeds the
// plugin whenever it is rebuilt. labtest uses this for the bundled reference
// plugin (harness/plugin/embedded_reference.h) when no --plugin is given.
//
// Thread safety: WriteEmbeddedPlugin is thread-safe (each call writes its own
// private folder). Ownership: the written files belong to the process that
// wrote them and are removed, with their folders, when that process exits
// normally (a forked child that exits does not remove its parent's files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/status.h"

namespace raftlab {

// A view of embedded bytes (static storage, never freed).
struct EmbeddedBlob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string file_name;  // the original file name, e.g. "libraftlab_reference.so"
};

// Writes blob to "<TMPDIR or /tmp>/raftlab-embedded-XXXXXX/<file_name>"
// (folder mode 0700, file 0700) and returns the file's path. Errors:
// NotFound for an empty blob; Internal when the file cannot be written.
StatusOr<std::string> WriteEmbeddedPlugin(const EmbeddedBlob& blob);

}  // namespace raftlab
