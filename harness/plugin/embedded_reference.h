// The bundled reference Raft plugin (reference/, libraftlab_reference.so),
// embedded in labtest so that `labtest` with no --plugin runs against it.
//
// Lives in its own library, raftlab_embedded_reference, so that only what
// needs the reference (labtest) depends on building it.
//
// Thread safety: thread-safe; the file is written once per process.
// Ownership: the file belongs to this process (see embedded_plugin.h).
#pragma once

#include <string>

#include "harness/plugin/embedded_plugin.h"

namespace raftlab {

// The embedded bytes; empty (size 0) when labtest was built without the
// reference (the raftlab_reference target did not exist).
EmbeddedBlob EmbeddedReferenceBlob();

// Writes the reference to a private temp file on first use and returns its
// path every time. NotFound when this build has no embedded reference.
StatusOr<std::string> EmbeddedReferencePath();

}  // namespace raftlab
