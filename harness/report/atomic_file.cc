// WriteFileAtomically: temporary file + optional fsync + rename (see atomic_file.h).
#include "harness/report/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace raftlab {
namespace {

namespace fs = std::filesystem;

// Distinguishes the temporary files of concurrent writers in this process;
// the pid distinguishes processes.
std::atomic<uint64_t> g_temp_counter{0};

Status SystemError(std::string_view what, const std::string& path, int err) {
  return Status::Internal(fmt::format("cannot {} {}: {}", what, path, std::strerror(err)));
}

// write(2) until done, retrying short writes and EINTR.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void FsyncFolder(const fs::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the file itself is already synced
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view contents, const AtomicWriteOptions& options) {
  if (path.empty()) return Status::InvalidArgument("cannot write a file with an empty path");
  const fs::path target(path);
  const fs::path folder = target.parent_path();
  if (options.create_parent_dirs && !folder.empty()) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return Status::Internal(fmt::format("cannot create the folder {}: {}", folder.string(), ec.message()));
  }

  // O_EXCL on a name of our own: never write through someone else's file or
  // symlink; a stale name left by a dead process with our pid is skipped.
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), g_temp_counter.fetch_add(1));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) return SystemError("create", tmp, errno);
  }
  if (fd < 0) return SystemError("create", tmp, EEXIST);

  int err = 0;
  if (!WriteAll(fd, contents)) err = errno;
  if (err == 0 && options.fsync && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return SystemError("write", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return Status::Internal(fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(err)));
  }
  if (options.fsync) FsyncFolder(folder);
  return Status::Ok();
}

bool RewriteDue(std::chrono::nanoseconds since, std::chrono::nanoseconds last_cost) {
  return last_cost < kRewriteThrottleFrom || since >= kRewriteGap * last_cost;
}

void FileReporter::Refresh(const std::function<std::string()>& document, bool final) {
  if (!final && path_ == kStdoutPath) return;
  const auto start = std::chrono::steady_clock::now();
  if (!final && !RewriteDue(start - last_end_, last_cost_)) return;
  Rewrite(document(), final);
  last_end_ = std::chrono::steady_clock::now();
  last_cost_ = last_end_ - start;
}

void FileReporter::Rewrite(std::string_view contents, bool final) {
  if (path_ != kStdoutPath) {
    status_ = WriteFileAtomically(path_, contents, options_);
    return;
  }
  if (!final) return;
  const bool ok = std::fwrite(contents.data(), 1, contents.size(), stdout) == contents.size() &&
                  std::fflush(stdout) == 0;
  status_ = ok ? Status::Ok() : Status::Internal(fmt::format("cannot write to standard output: {}",
                                                             std::strerror(errno)));
}

}  // namespace raftlab
