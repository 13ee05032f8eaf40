// Catalogue snapshot: the copy of the test catalogue that the test children
// of one labtest run read. labtest loads the catalogue once, but every test
// child reads it again by path; reading a copy taken at the start means that
// editing (or breaking) the YAML during a long run changes none of the runs
// still to come. The copy lives in the run folder as catalogue.yml and is
// kept only when the folder is (a failed run kept files): it then records
// the catalogue those failures ran under.
//
// Thread safety: plain functions on the file system; call them from the
// parent's main thread. Ownership: the run folder is the caller's.
#pragma once

#include <string>

#include "runtime/status.h"

namespace raftlab {

inline constexpr const char* kCatalogueSnapshotName = "catalogue.yml";

// Copies `config` to <run_dir>/catalogue.yml; returns the copy's path.
StatusOr<std::string> SnapshotCatalogue(const std::string& config, const std::string& run_dir);

// Removes the run folder when nothing but the snapshot (and --sim's CPU slot
// files, sim-cpu-N-K.lock) is in it; returns
// whether the folder still exists (something was kept).
bool RemoveRunDirIfUnused(const std::string& run_dir);

}  // namespace raftlab
