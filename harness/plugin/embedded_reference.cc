#include "harness/plugin/embedded_reference.h"

// Defined by the file raftlab_embed_plugin() generates (EmbedPlugin.cmake).
extern "C" {
const uint8_t* raftlab_reference_blob_data(void);
size_t raftlab_reference_blob_size(void);
const char* raftlab_reference_blob_file_name(void);
}

namespace raftlab {

EmbeddedBlob EmbeddedReferenceBlob() {
  return EmbeddedBlob{raftlab_reference_blob_data(), raftlab_reference_blob_size(),
                      raftlab_reference_blob_file_name()};
}

StatusOr<std::string> EmbeddedReferencePath() {
  static const StatusOr<std::string> path = [] {
    const EmbeddedBlob blob = EmbeddedReferenceBlob();
    if (blob.size == 0) {
      return StatusOr<std::string>(Status::NotFound(
          "this labtest was built without the bundled reference plugin: pass your plugin with --plugin <path>"));
    }
    return WriteEmbeddedPlugin(blob);
  }();
  return path;
}

}  // namespace raftlab
