// Catalogue snapshot (see catalogue_snapshot.h).
#include "harness/catalogue/catalogue_snapshot.h"

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace raftlab {

namespace fs = std::filesystem;

StatusOr<std::string> SnapshotCatalogue(const std::string& config, const std::string& run_dir) {
  const fs::path copy = fs::path(run_dir) / kCatalogueSnapshotName;
  std::error_code ec;
  fs::copy_file(config, copy, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    return Status::Internal(fmt::format("cannot copy the catalogue {} to {}: {} (is the output folder writable? "
                                        "--output-dir picks another)",
                                        config, copy.string(), ec.message()));
  }
  return copy.string();
}

bool RemoveRunDirIfUnused(const std::string& run_dir) {
  std::error_code ec;
  bool only_snapshot = true;
  std::vector<fs::path> housekeeping;  // labtest --sim's CPU slots (harness/run/sim_child.h)
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("sim-cpu-", 0) == 0 && name.size() > 5 && name.substr(name.size() - 5) == ".lock") {
      housekeeping.push_back(it->path());
    } else if (name != kCatalogueSnapshotName) {
      only_snapshot = false;
    }
  }
  if (!ec && only_snapshot) {
    for (const fs::path& p : housekeeping) fs::remove(p, ec);
    fs::remove(fs::path(run_dir) / kCatalogueSnapshotName, ec);
    fs::remove(run_dir, ec);
  }
  return fs::exists(run_dir, ec);
}

}  // namespace raftlab
