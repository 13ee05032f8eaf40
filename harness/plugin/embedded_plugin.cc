#include "harness/plugin/embedded_plugin.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace raftlab {
namespace {

// Folders written by this process, removed at normal exit by the process
// that created them (checked by pid, because a forked test child runs the
// same static destructors when it exits).
class WrittenFolders {
 public:
  void Add(std::string folder) {
    std::lock_guard<std::mutex> lock(mu_);
    folders_.push_back(Entry{std::move(folder), getpid()});
  }
  ~WrittenFolders() {
    for (const Entry& e : folders_) {
      if (e.owner != getpid()) continue;
      if (DIR* d = opendir(e.path.c_str())) {
        while (dirent* ent = readdir(d)) {
          if (std::strcmp(ent->d_name, ".") != 0 && std::strcmp(ent->d_name, "..") != 0) {
            unlink((e.path + "/" + ent->d_name).c_str());
          }
        }
        closedir(d);
      }
      rmdir(e.path.c_str());
    }
  }

 private:
  struct Entry {
    std::string path;
    pid_t owner;
  };
  std::mutex mu_;  // only guards the list; never held across I/O
  std::vector<Entry> folders_;
};

WrittenFolders& Folders() {
  static WrittenFolders folders;
  return folders;
}

Status WriteAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Internal(std::string("writing the embedded plugin: ") + std::strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> WriteEmbeddedPlugin(const EmbeddedBlob& blob) {
  if (blob.data == nullptr || blob.size == 0) {
    return Status::NotFound("no embedded plugin " + blob.file_name + " in this labtest build");
  }
  Folders();  // constructed before any folder exists, so destroyed after use
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/raftlab-embedded-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return Status::Internal("cannot create a temp folder for the embedded plugin (" + templ +
                            "): " + std::strerror(errno) + ": set TMPDIR to a writable folder");
  }
  const std::string folder = buf.data();
  Folders().Add(folder);
  const std::string name = blob.file_name.empty() || blob.file_name.find('/') != std::string::npos
                               ? std::string("plugin.so")
                               : blob.file_name;
  const std::string path = folder + "/" + name;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
  if (fd < 0) {
    return Status::Internal("cannot write the embedded plugin to " + path + ": " + std::strerror(errno));
  }
  Status s = WriteAll(fd, blob.data, blob.size);
  if (close(fd) != 0 && s.ok()) {
    s = Status::Internal("writing the embedded plugin " + path + ": " + std::strerror(errno));
  }
  if (!s.ok()) return s;
  return path;
}

}  // namespace raftlab
