#include "harness/plugin/loader.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string_view>
#include <vector>

#include "harness/plugin/copy_registry.h"
#include "harness/plugin/elf_check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RAFTLAB_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RAFTLAB_UNDER_SANITIZER 1
#endif

namespace raftlab {

// The plugin file as read by Open, without what dlopen never reads
// (ReadPluginImage): every instance is a copy of these bytes.
struct PluginImage {
  std::string bytes;
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

// The part of an ELF shared object the dynamic loader maps: up to the end
// of the last byte any program header covers. What follows (debug
// information, often 95% of a -g build, the symbol and section tables) is
// never read by dlopen, and every peer and restart copies the image, so the
// copies leave it out; the section header fields are cleared so that the
// shorter copy is still a consistent ELF file. The plugin's frames are
// named from the original file (run/plugin_symbolizer.h), never the copy.
// The file length to keep, or 0 to keep everything: `head` is the file's
// first bytes (all of it, or enough to hold the program header table) and
// `file_size` its whole length. 0 also when the program header table lies
// beyond `head` (the caller then reads the whole file and asks again).
size_t LoadableLength(std::string_view head, uint64_t file_size) {
  Elf64_Ehdr eh;
  if (head.size() < sizeof eh) return 0;
  std::memcpy(&eh, head.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) {
    return 0;
  }
  const uint64_t table_end = eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (table_end > head.size()) return 0;
  uint64_t end = std::max<uint64_t>(table_end, sizeof eh);
  for (uint16_t i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    std::memcpy(&ph, head.data() + eh.e_phoff + uint64_t{i} * sizeof ph, sizeof ph);
    if (ph.p_offset + ph.p_filesz > file_size) return 0;  // malformed: let dlopen say so
    end = std::max<uint64_t>(end, ph.p_offset + ph.p_filesz);
  }
  return end < file_size ? static_cast<size_t>(end) : 0;
}

// Clears the section header fields of an ELF image cut at LoadableLength.
void ClearSectionHeaders(std::string& bytes) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  eh.e_shoff = 0;
  eh.e_shnum = 0;
  eh.e_shstrndx = SHN_UNDEF;
  std::memcpy(bytes.data(), &eh, sizeof eh);
}

// Reads up to `len` bytes at `offset` into `out` (resized to what was read).
bool ReadAt(int fd, uint64_t offset, size_t len, std::string& out) {
  out.resize(len);
  size_t done = 0;
  while (done < len) {
    const ssize_t n = pread(fd, out.data() + done, len - done, static_cast<off_t>(offset + done));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return true;
}

// The snapshot of the plugin at `path` that every instance copies: the
// file's loadable part (LoadableLength), or the whole file when it does not
// parse as a 64-bit ELF. Only the headers and the loadable part are read:
// the debug information of a -g build (3.4 MB of the reference's 3.5 MB) is
// never touched, which was a third of a --sim test process's start-up CPU.
StatusOr<std::string> ReadPluginImage(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::PluginLoad(Prefix(path) + "cannot read the file: " + std::strerror(errno) +
                              ": check its permissions");
  }
  auto fail = [&](int saved) {
    close(fd);
    return Status::PluginLoad(Prefix(path) + "cannot read the file: " + std::strerror(saved));
  };
  struct stat st{};
  if (fstat(fd, &st) != 0) return fail(errno);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::string out;
  // The ELF header and program header table sit at the front of every
  // linker's output; 64 KiB holds them with room to spare.
  if (!ReadAt(fd, 0, static_cast<size_t>(std::min<uint64_t>(size, 64 << 10)), out)) return fail(errno);
  if (const size_t keep = LoadableLength(out, size); keep != 0) {
    if (!ReadAt(fd, 0, keep, out)) return fail(errno);
    if (out.size() == keep) {
      close(fd);
      ClearSectionHeaders(out);
      return out;
    }
  }
  // Not an ELF we can cut from its head (or the file changed under us):
  // read all of it, then cut.
  out.clear();
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    out.append(buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  if (const size_t keep = LoadableLength(out, out.size()); keep != 0) {
    out.resize(keep);
    ClearSectionHeaders(out);
  }
  return out;
}

// A new memfd holding `bytes`, or -1 with errno set. Not a hard link, a
// symlink or a dup of an older memfd: glibc would hand back the existing
// handle for the same inode.
int MakeMemfdCopy(const std::string& bytes, const std::string& base) {
  const std::string name = "raftlab:" + base;  // shown in /proc/<pid>/maps
  const int fd = static_cast<int>(memfd_create(name.c_str(), MFD_CLOEXEC));
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int saved = w < 0 ? errno : ENOSPC;
      close(fd);
      errno = saved;
      return -1;
    }
    done += static_cast<size_t>(w);
  }
  return fd;
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
    hint = "the system refused to map the in-memory copy as executable (vm.memfd_noexec?)";
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

// raftlab_plugin.flags, or 0 for a table that ends before it (ABI 1.0).
uint64_t TableFlags(const raftlab_plugin* api) {
  return api->struct_size >= offsetof(raftlab_plugin, flags) + sizeof(uint64_t) ? api->flags : 0;
}

// The LOAD_ONCE images of this process, keyed by the file's bytes (see
// loader.h). Entries are never removed: such an image is never unloaded.
struct LoadOnceImage {
  std::shared_ptr<const PluginImage> bytes;
  std::shared_ptr<const LoadedPlugin> image;
};

std::mutex& OpenMutex() {
  static std::mutex* mu = new std::mutex;  // leaked: no destruction order problem at exit
  return *mu;
}

std::vector<LoadOnceImage>& LoadOnceImages() {
  static auto* images = new std::vector<LoadOnceImage>;  // guarded by OpenMutex()
  return *images;
}

}  // namespace

LoadedPlugin::LoadedPlugin(std::shared_ptr<const LoadedPlugin> of)
    : shared_(std::move(of)),
      image_(shared_->image_),
      memfd_(shared_->memfd_),
      copy_path_(shared_->copy_path_),
      handle_(shared_->handle_),
      api_(shared_->api_),
      keep_loaded_(true) {}

LoadedPlugin::LoadedPlugin(std::shared_ptr<const PluginImage> image, int memfd, std::string copy_path,
                           void* handle, const raftlab_plugin* api)
    : image_(std::move(image)), memfd_(memfd), copy_path_(std::move(copy_path)), handle_(handle), api_(api) {}

LoadedPlugin::~LoadedPlugin() {
  if (shared_) return;  // a view: the image belongs to the process (LOAD_ONCE)
#ifdef RAFTLAB_UNDER_SANITIZER
  keep_loaded_ = true;  // keep plugin frames symbolised in sanitizer reports
#endif
  // Destroyed while an exception unwinds (plugin code threw, e.g. out of
  // make()): that code may have left threads running inside the library, and
  // unloading it would run its static destructors under them (a
  // condition_variable being waited on never finishes destroying). Keep it.
  if (std::uncaught_exceptions() > 0) keep_loaded_ = true;
  if (keep_loaded_) return;  // the mapping and its memfd stay until the process exits
  dlclose(handle_);
  // glibc never unloads a library that defines STB_GNU_UNIQUE symbols. Then
  // the path still names this copy inside glibc, and closing the memfd would
  // let a later copy get the same fd number, the same path, and this copy's
  // handle back. Keep the fd (and so the path) taken in that case.
  if (void* still = dlopen(copy_path_.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
    dlclose(still);
    return;
  }
  close(memfd_);
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

  StatusOr<std::string> bytes = ReadPluginImage(path);
  if (!bytes.ok()) return bytes.status();
  std::unique_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  lib->image_ = std::make_shared<const PluginImage>(PluginImage{std::move(*bytes)});

  {
    // Held across the probe's dlopen and raftlab_entry (plugin code, which
    // must not block): two Opens of one LOAD_ONCE file at once would
    // otherwise both load it, and a second Go runtime in one process is
    // fatal. Opens are rare (once per process in labtest).
    std::lock_guard<std::mutex> lock(OpenMutex());
    for (const LoadOnceImage& once : LoadOnceImages()) {
      if (once.bytes->bytes == lib->image_->bytes) {
        lib->image_ = once.bytes;
        lib->probe_ = once.image;
        break;
      }
    }
    if (!lib->probe_) {
      StatusOr<std::unique_ptr<LoadedPlugin>> probe = lib->LoadCopy();
      if (!probe.ok()) return probe.status();
      if ((TableFlags((*probe)->api()) & RAFTLAB_PLUGIN_LOAD_ONCE) != 0) {
        (*probe)->KeepLoaded();  // never unloaded: its runtime cannot be
        lib->probe_ = std::move(*probe);
        LoadOnceImages().push_back({lib->image_, lib->probe_});
      } else {
        lib->probe_ = std::move(*probe);
      }
    }
  }
  const raftlab_plugin* api = lib->probe_->api();
  lib->name_ = api->name ? api->name : "(unnamed plugin)";
  lib->version_ = api->version ? api->version : "(no version)";
  lib->abi_major_ = api->abi_major;
  lib->abi_minor_ = api->abi_minor;
  lib->flags_ = TableFlags(api);
  return lib;
}

PluginLibrary::~PluginLibrary() = default;

StatusOr<std::unique_ptr<LoadedPlugin>> PluginLibrary::Instantiate() const {
  if (load_once()) return std::unique_ptr<LoadedPlugin>(new LoadedPlugin(probe_));
  return LoadCopy();
}

// Copies the snapshot into a fresh memfd, dlopens it and validates its table.
StatusOr<std::unique_ptr<LoadedPlugin>> PluginLibrary::LoadCopy() const {
  const std::string& display = path_;
  const int fd = MakeMemfdCopy(image_->bytes, BaseName(display));
  if (fd < 0) {
    return Status::PluginLoad(Prefix(display) + "cannot make a private in-memory copy (memfd_create): " +
                              std::strerror(errno) + ": too many peers alive, or out of memory");
  }
  const std::string copy = "/proc/self/fd/" + std::to_string(fd);
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    Status s = DlopenError(err ? err : "unknown error", copy, display);
    close(fd);
    return s;
  }
  auto reject = [&](Status s) {
    dlclose(handle);  // none of this copy's code runs any more: only its constructors ran
    if (void* still = dlopen(copy.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
      dlclose(still);  // not unloadable (see ~LoadedPlugin): keep its path taken
    } else {
      close(fd);
    }
    return s;
  };
  void* sym = dlsym(handle, RAFTLAB_ENTRY_SYMBOL);
  // The explanation reads the original file: the copy has no symbol tables
  // beyond what dlopen needs (ReadPluginImage).
  if (sym == nullptr) return reject(MissingEntryError(path_, display));
  raftlab_entry_fn entry;
  static_assert(sizeof entry == sizeof sym);
  std::memcpy(&entry, &sym, sizeof entry);  // POSIX allows this object-to-function conversion
  const raftlab_plugin* api = entry(RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR);
  if (Status s = ValidateTable(api, display); !s.ok()) return reject(s);
  RegisterPluginCopy(handle);  // for the crash report's frames (copy_registry.h); best effort
  return std::unique_ptr<LoadedPlugin>(new LoadedPlugin(image_, fd, copy, handle, api));
}

bool PluginLibrary::HasExtension(std::string_view id) const {
  return probe_->GetExtension(std::string(id)) != nullptr;
}

}  // namespace raftlab
