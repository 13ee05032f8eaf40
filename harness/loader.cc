#include "harness/loader.h"

#include <cxxabi.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "harness/elf_check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RAFTLAB_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RAFTLAB_UNDER_SANITIZER 1
#endif

namespace raftlab {

// The private folder holding the snapshot of the plugin and every copy made
// from it. Removed (files first) when the last owner lets go.
class PluginTempDir {
 public:
  static StatusOr<std::shared_ptr<PluginTempDir>> Create(const std::string& display) {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/raftlab-plugin-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      return Status::PluginLoad("cannot load plugin " + display + ": cannot create a private temp folder (" +
                                templ + "): " + std::strerror(errno) +
                                ": set TMPDIR to a writable folder");
    }
    return std::shared_ptr<PluginTempDir>(new PluginTempDir(buf.data()));
  }

  ~PluginTempDir() {
    if (DIR* d = opendir(path_.c_str())) {
      while (dirent* e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        unlink((path_ + "/" + e->d_name).c_str());
      }
      closedir(d);
    }
    rmdir(path_.c_str());
  }

  // A path in the folder that no other call returns: "<dir>/<n>-<base>".
  std::string FreshPath(const std::string& base) {
    return path_ + "/" + std::to_string(counter_.fetch_add(1)) + "-" + base;
  }

 private:
  explicit PluginTempDir(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  std::atomic<uint64_t> counter_{0};
};

namespace {

std::string Prefix(const std::string& display) { return "cannot load plugin " + display + ": "; }

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return base.empty() ? "plugin.so" : base;
}

std::string Demangle(const std::string& name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return name;
  std::string result(out);
  std::free(out);
  return result;
}

// A byte-for-byte copy to a new file (never overwrites). Not a hard link or
// a symlink: glibc would hand back the existing handle for the same inode.
Status CopyFile(const std::string& from, const std::string& to, const std::string& display) {
  auto fail = [&](const std::string& what) {
    return Status::PluginLoad(Prefix(display) + "cannot make a private copy (" + what + "): " +
                              std::strerror(errno) + ": check free space in TMPDIR");
  };
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return fail("reading " + from);
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
  if (out < 0) {
    const int saved = errno;
    close(in);
    errno = saved;
    return fail("creating " + to);
  }
  std::vector<char> buf(1 << 16);
  Status result;
  for (;;) {
    const ssize_t n = read(in, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      result = fail("reading " + from);
      break;
    }
    ssize_t done = 0;
    while (done < n) {
      const ssize_t w = write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += w;
    }
    if (done < n) {
      result = fail("writing " + to);
      break;
    }
  }
  close(in);
  if (close(out) != 0 && result.ok()) result = fail("writing " + to);
  if (!result.ok()) unlink(to.c_str());
  return result;
}

// Turns a dlopen failure into one line, with the copy's path replaced by the
// path the user gave, and a hint matched to the cause.
Status DlopenError(std::string text, const std::string& copy, const std::string& display) {
  for (size_t at = text.find(copy); at != std::string::npos; at = text.find(copy, at + display.size())) {
    text.replace(at, copy.size(), display);
  }
  std::string hint = "rebuild the plugin with the skeleton's CMakeLists.txt";
  const std::string undefined = "undefined symbol: ";
  if (const size_t at = text.find(undefined); at != std::string::npos) {
    std::string sym = text.substr(at + undefined.size());
    sym = sym.substr(0, sym.find_first_of(" \t\n("));
    const std::string pretty = Demangle(sym);
    hint = "the plugin uses " + (pretty == sym ? sym : pretty + " (" + sym + ")") +
           " but nothing defines it (a missing source file or library?): link with -Wl,-z,defs "
           "to catch this at build time";
  } else if (text.find("cannot open shared object file") != std::string::npos) {
    hint = "a library the plugin depends on is not installed or not on the library path: check `ldd " +
           display + "`";
  } else if (text.find("failed to map segment") != std::string::npos) {
    hint = "the temp folder may be mounted noexec: set TMPDIR to a folder where files may be executed";
  } else if (text.find("position-independent executable") != std::string::npos) {
    hint = "you passed a program, not a plugin: build it with add_library(<name> SHARED ...)";
  }
  return Status::PluginLoad(Prefix(display) + "dlopen failed: " + text + ": " + hint);
}

// Why raftlab_entry is not found by dlsym, read from the file's symbol tables.
Status MissingEntryError(const std::string& file, const std::string& display) {
  const std::vector<EntryCandidate> found = FindSymbolsContaining(file, RAFTLAB_ENTRY_SYMBOL);
  for (const EntryCandidate& c : found) {
    if (c.name == RAFTLAB_ENTRY_SYMBOL && !c.exported) {
      return Status::PluginLoad(
          Prefix(display) +
          "raftlab_entry is defined but not exported (hidden by -fvisibility=hidden or a version script): "
          "include <raftlab/raftlab.h> so its declaration carries RAFTLAB_EXPORT, and list raftlab_entry "
          "under global: in your version script");
    }
  }
  for (const EntryCandidate& c : found) {
    if (c.name.rfind("_Z", 0) == 0) {
      return Status::PluginLoad(Prefix(display) + "no raftlab_entry symbol, only the C++-mangled " + c.name +
                                " (" + Demangle(c.name) +
                                "): declare it extern \"C\" (include <raftlab/raftlab.h> and define it at "
                                "global scope, outside any namespace) and export it with RAFTLAB_EXPORT");
    }
  }
  return Status::PluginLoad(Prefix(display) +
                            "entry symbol raftlab_entry not found: define `RAFTLAB_EXPORT const raftlab_plugin "
                            "*raftlab_entry(uint32_t, uint32_t)` (include <raftlab/raftlab.h>) and, if you use "
                            "a version script, list raftlab_entry under global:");
}

// Checks the table raftlab_entry returned, in the order a reader must.
Status ValidateTable(const raftlab_plugin* p, const std::string& display) {
  const std::string host_version =
      std::to_string(RAFTLAB_ABI_MAJOR) + "." + std::to_string(RAFTLAB_ABI_MINOR);
  if (p == nullptr) {
    return Status::PluginLoad(Prefix(display) + "raftlab_entry(" + std::to_string(RAFTLAB_ABI_MAJOR) + ", " +
                              std::to_string(RAFTLAB_ABI_MINOR) +
                              ") returned NULL: the plugin refused this labtest's ABI " + host_version +
                              " or failed to initialise; return a pointer to your static raftlab_plugin table");
  }
  constexpr size_t kVersionEnd = offsetof(raftlab_plugin, abi_minor) + sizeof(uint32_t);
  if (p->struct_size < kVersionEnd) {
    return Status::PluginLoad(Prefix(display) + "raftlab_plugin.struct_size is " + std::to_string(p->struct_size) +
                              ", too small to hold even the version fields: set struct_size = "
                              "sizeof(raftlab_plugin)");
  }
  if (p->abi_major != RAFTLAB_ABI_MAJOR) {
    return Status::PluginLoad(Prefix(display) + "plugin was built for raftlab ABI " +
                              std::to_string(p->abi_major) + ".x, this labtest speaks " +
                              std::to_string(RAFTLAB_ABI_MAJOR) +
                              ".x: rebuild against this labtest's include/raftlab/raftlab.h");
  }
  // Every field up to get_extension has existed since 1.0; get_extension is optional.
  constexpr size_t kRequiredEnd = offsetof(raftlab_plugin, get_extension);
  if (p->struct_size < kRequiredEnd) {
    return Status::PluginLoad(Prefix(display) + "raftlab_plugin.struct_size is " + std::to_string(p->struct_size) +
                              " bytes but ABI " + std::to_string(RAFTLAB_ABI_MAJOR) + ".0 needs at least " +
                              std::to_string(kRequiredEnd) + ": set struct_size = sizeof(raftlab_plugin)");
  }
  const std::pair<const char*, bool> fns[] = {
      {"make", p->make != nullptr},           {"start", p->start != nullptr},
      {"get_state", p->get_state != nullptr}, {"handle_rpc", p->handle_rpc != nullptr},
      {"snapshot", p->snapshot != nullptr},   {"persist_bytes", p->persist_bytes != nullptr},
      {"kill", p->kill != nullptr},           {"destroy", p->destroy != nullptr},
  };
  std::string missing;  // "kill, destroy"
  std::string fields;   // ".kill, .destroy"
  int n_missing = 0;
  for (const auto& [name, present] : fns) {
    if (present) continue;
    missing += (missing.empty() ? "" : ", ") + std::string(name);
    fields += (fields.empty() ? "." : ", .") + std::string(name);
    ++n_missing;
  }
  if (n_missing > 0) {
    const bool one = n_missing == 1;
    return Status::PluginLoad(Prefix(display) + (one ? "mandatory function " : "mandatory functions ") + missing +
                              (one ? " is" : " are") + " NULL in the raftlab_plugin table: implement " +
                              (one ? "it" : "them") + " and set " + fields + " in the table raftlab_entry returns");
  }
  return Status::Ok();
}

}  // namespace

LoadedPlugin::LoadedPlugin(std::shared_ptr<PluginTempDir> dir, std::string copy_path, void* handle,
                           const raftlab_plugin* api)
    : dir_(std::move(dir)), copy_path_(std::move(copy_path)), handle_(handle), api_(api) {}

LoadedPlugin::~LoadedPlugin() {
#ifdef RAFTLAB_UNDER_SANITIZER
  keep_loaded_ = true;  // keep plugin frames symbolised in sanitizer reports
#endif
  if (keep_loaded_) return;  // the file goes with the temp folder; the mapping survives that
  dlclose(handle_);
  unlink(copy_path_.c_str());
}

const void* LoadedPlugin::GetExtension(const std::string& id) const {
  constexpr size_t kEnd = offsetof(raftlab_plugin, get_extension) + sizeof(api_->get_extension);
  if (api_->struct_size < kEnd || api_->get_extension == nullptr) return nullptr;
  return api_->get_extension(id.c_str());
}

StatusOr<std::unique_ptr<PluginLibrary>> PluginLibrary::Open(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Status::PluginLoad(Prefix(path) +
                                "file not found: build your plugin first, or pass its path with --plugin");
    }
    return Status::PluginLoad(Prefix(path) + std::strerror(errno) + ": check the path and its permissions");
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::PluginLoad(Prefix(path) + "is a directory: pass the plugin's .so file, e.g. build/libraft.so");
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::PluginLoad(Prefix(path) + "not a regular file: pass the plugin's .so file");
  }
  if (Status s = CheckElfSharedObject(path, path); !s.ok()) return s;

  StatusOr<std::shared_ptr<PluginTempDir>> dir = PluginTempDir::Create(path);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  lib->dir_ = *dir;
  lib->master_copy_ = lib->dir_->FreshPath("master-" + BaseName(path));
  if (Status s = CopyFile(path, lib->master_copy_, path); !s.ok()) return s;

  StatusOr<std::unique_ptr<LoadedPlugin>> probe = lib->Instantiate();
  if (!probe.ok()) return probe.status();
  lib->probe_ = std::move(*probe);
  const raftlab_plugin* api = lib->probe_->api();
  lib->name_ = api->name ? api->name : "(unnamed plugin)";
  lib->version_ = api->version ? api->version : "(no version)";
  lib->abi_major_ = api->abi_major;
  lib->abi_minor_ = api->abi_minor;
  return lib;
}

PluginLibrary::~PluginLibrary() = default;

// Copies the snapshot to a fresh path, dlopens it and validates its table.
StatusOr<std::unique_ptr<LoadedPlugin>> PluginLibrary::Instantiate() const {
  const std::string& display = path_;
  const std::string copy = dir_->FreshPath(BaseName(display));
  if (Status s = CopyFile(master_copy_, copy, display); !s.ok()) return s;
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    unlink(copy.c_str());
    return DlopenError(err ? err : "unknown error", copy, display);
  }
  auto reject = [&](Status s) {
    dlclose(handle);  // none of this copy's code runs any more: only its constructors ran
    unlink(copy.c_str());
    return s;
  };
  void* sym = dlsym(handle, RAFTLAB_ENTRY_SYMBOL);
  if (sym == nullptr) return reject(MissingEntryError(copy, display));
  raftlab_entry_fn entry;
  static_assert(sizeof entry == sizeof sym);
  std::memcpy(&entry, &sym, sizeof entry);  // POSIX allows this object-to-function conversion
  const raftlab_plugin* api = entry(RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR);
  if (Status s = ValidateTable(api, display); !s.ok()) return reject(s);
  return std::unique_ptr<LoadedPlugin>(new LoadedPlugin(dir_, copy, handle, api));
}

bool PluginLibrary::HasExtension(std::string_view id) const {
  return probe_->GetExtension(std::string(id)) != nullptr;
}

}  // namespace raftlab
