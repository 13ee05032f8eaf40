// PluginLibrary and LoadedPlugin: finding, validating and loading a student's
// Raft plugin (a shared library implementing include/raftlab/raftlab.h).
//
// PluginLibrary::Open(path) checks the file once, in this order, and turns
// the first problem into ONE line (Status::PluginLoad; labtest exits with
// code 3) that says what is wrong, where, and how to fix it:
//   file missing or unreadable; not an ELF shared object or built for another
//   architecture (we read the ELF header ourselves); a dependency or symbol
//   that dlopen cannot resolve (dlerror text + "-Wl,-z,defs" hint); entry
//   symbol raftlab_entry missing (hidden by a version script, C++-mangled, or
//   absent); raftlab_entry returned NULL; ABI major mismatch (both versions
//   named); struct_size too small; a mandatory function pointer NULL (named).
//
// Isolation: Open reads the file once into memory (a snapshot, so a student
// who rebuilds during a run cannot make peers run different code).
// Instantiate() writes that snapshot into a fresh anonymous memory file
// (memfd_create) and dlopens it as "/proc/self/fd/<N>" with RTLD_NOW |
// RTLD_LOCAL. glibc returns the same handle for the same path or the same
// file (device and inode), and every memfd is a new inode at a path no
// loaded copy has, so every peer, and every restart of a peer, gets its own
// globals and statics. Nothing is written to disk: this works inside the
// test child's sandbox (harness/sandbox/sandbox.h), which refuses to create
// files but allows memfd_create and read-only opens. Each memfd stays open
// while its copy is mapped (its path must not name another copy while glibc
// still knows the old one under that path). STB_GNU_UNIQUE objects (static
// locals of inline functions, static members of templates) are merged
// process-wide by the dynamic loader anyway unless the plugin is built with
// -fvisibility=hidden or -fno-gnu-unique; the skeleton does the former and
// the lint (harness/plugin/lint.h) warns about the rest.
//
// One image per process (RAFTLAB_PLUGIN_LOAD_ONCE, ABI 1.1): a plugin whose
// table sets that flag (a Go c-shared library: one Go runtime per process)
// is loaded ONCE. The probe copy Open makes is then the image: Instantiate
// returns views of it (same handle, same table, same memfd), every peer and
// every restart runs on it, and isolation between peers is the plugin's
// duty. That image is never dlclosed (a Go runtime cannot be unloaded), and
// it is kept in a process-wide registry keyed by the file's bytes, so a
// second Open of the same bytes in this process (a test binary, a second
// PluginLibrary) reuses it instead of starting a second runtime. The flag is
// read only after the first dlopen, so that one load is the probe.
//
// dlclose policy: a LoadedPlugin dlcloses its handle on destruction, UNLESS
//   - it is a view of a LOAD_ONCE image (the image stays loaded); or
//   - KeepLoaded() was called: the fixture calls it when a peer's kill() did
//     not return or left threads running (a zombie); unmapping code those
//     threads still execute would crash the harness with a misleading
//     SIGSEGV, so the mapping stays until the process exits; or
//   - the harness runs under ASan or TSan, whose reports name plugin frames
//     only while the library is still mapped; or
//   - it is destroyed while an exception propagates (plugin code that threw
//     may have left threads running inside the library); or
//   - glibc itself refuses to unload it (a library with STB_GNU_UNIQUE
//     symbols is never unloaded): its memfd is then kept open too.
// The caller must not destroy a LoadedPlugin while any instance made from its
// api() is alive (destroy() not yet returned) or any harness thread may still
// call into it.
//
// Thread safety: Open is thread-safe. A PluginLibrary is immutable after Open;
// Instantiate and the accessors may be called from any thread concurrently.
// A LoadedPlugin's accessors are thread-safe; KeepLoaded and destruction are
// for its one owner.
// Ownership: the snapshot is shared (reference counted) by the library and
// every LoadedPlugin made from it. A LoadedPlugin owns its memfd.
#pragma once

#include <raftlab/raftlab.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/plugin/copy_registry.h"
#include "runtime/status.h"

namespace raftlab {

struct PluginImage;  // loader.cc: the snapshot of the file, shared by every copy

// One dlopen'ed private copy of a plugin.
class LoadedPlugin {
 public:
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  // The validated table; static storage inside this copy, valid while *this.
  const raftlab_plugin* api() const { return api_; }
  // The extension table for `id`, or nullptr when the plugin has none (or no
  // get_extension at all).
  const void* GetExtension(const std::string& id) const;
  // Where this copy's code and data are mapped (copy_registry.h); false
  // when that cannot be read.
  bool AddressRange(PluginCopyRange* out) const { return PluginCopyRangeOf(handle_, out); }
  // The path this copy was dlopened from: "/proc/self/fd/<N>", unique among
  // the copies alive in this process (a view of a LOAD_ONCE image has its
  // image's path and memfd). Stack dumps show the mapping as
  // "/memfd:raftlab:<file name> (deleted)".
  const std::string& copy_path() const { return copy_path_; }
  // The memfd holding this copy's bytes (owned).
  int memfd() const { return memfd_; }
  // Never dlclose this copy (see the dlclose policy above).
  void KeepLoaded() { keep_loaded_ = true; }
  // True for a view of a LOAD_ONCE image (shared with every other instance).
  bool shared_image() const { return shared_ != nullptr; }

 private:
  friend class PluginLibrary;
  LoadedPlugin(std::shared_ptr<const PluginImage> image, int memfd, std::string copy_path, void* handle,
               const raftlab_plugin* api);
  // A view of the LOAD_ONCE image `of` (which it keeps alive).
  explicit LoadedPlugin(std::shared_ptr<const LoadedPlugin> of);

  std::shared_ptr<const LoadedPlugin> shared_;  // the image a view stands for, else null
  std::shared_ptr<const PluginImage> image_;
  int memfd_;
  std::string copy_path_;
  void* handle_;
  const raftlab_plugin* api_;
  bool keep_loaded_ = false;
};

class PluginLibrary {
 public:
  // Validates the plugin at `path` (see the list above). Errors are
  // Status::PluginLoad with a one-line message.
  static StatusOr<std::unique_ptr<PluginLibrary>> Open(const std::string& path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  // Loads a fresh private copy: one per peer and per restart. Fails (rarely:
  // out of memory or file descriptors) with a PluginLoad status. For a
  // LOAD_ONCE plugin: a view of the one image instead (never fails).
  StatusOr<std::unique_ptr<LoadedPlugin>> Instantiate() const;

  const std::string& path() const { return path_; }        // as given to Open
  const std::string& name() const { return name_; }        // raftlab_plugin.name
  const std::string& version() const { return version_; }  // raftlab_plugin.version
  uint32_t abi_major() const { return abi_major_; }
  uint32_t abi_minor() const { return abi_minor_; }
  // raftlab_plugin.flags (RAFTLAB_PLUGIN_* bits); 0 for a plugin built
  // before ABI 1.1, whose table ends before the field.
  uint64_t flags() const { return flags_; }
  bool host_threads_only() const { return (flags_ & RAFTLAB_PLUGIN_HOST_THREADS_ONLY) != 0; }
  // RAFTLAB_PLUGIN_LOAD_ONCE: every instance shares one image (see above).
  bool load_once() const { return (flags_ & RAFTLAB_PLUGIN_LOAD_ONCE) != 0; }
  // Whether get_extension(id) returns non-NULL (asked of a probe copy).
  bool HasExtension(std::string_view id) const;

 private:
  PluginLibrary() = default;

  std::string path_;
  std::string name_;
  std::string version_;
  uint32_t abi_major_ = 0;
  uint32_t abi_minor_ = 0;
  uint64_t flags_ = 0;
  // A fresh private copy of image_ (dlopen + table checks).
  StatusOr<std::unique_ptr<LoadedPlugin>> LoadCopy() const;

  std::shared_ptr<const PluginImage> image_;  // the snapshot every instance copies
  // A private copy used for queries only; for a LOAD_ONCE plugin, the one
  // image every instance is a view of (also held by the process registry).
  std::shared_ptr<const LoadedPlugin> probe_;
};

}  // namespace raftlab
