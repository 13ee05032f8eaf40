// Whether this process runs under a sanitizer: ASan and TSan reserve
// terabytes of address space (RLIMIT_AS breaks them) and need system calls
// the seccomp filter denies, so the sandbox and the runner relax those
// layers for them.
//
// A process runs under one when it is built with it (kBuiltWithSanitizer),
// or when a plain build has the runtime preloaded (`labtest --asan` with a
// plain labtest: harness/labtest/sanitize.h), which only a look-up at run
// time can tell.
//
// Header-only, so code that does not link the sandbox (built only with
// libseccomp) can ask too. Thread safety: SanitizerRuntimePresent may be
// called from any thread (a function-local static). Ownership: none.
#pragma once

#include <dlfcn.h>

namespace raftlab::sandbox {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kBuiltWithSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kBuiltWithSanitizer = true;
#else
inline constexpr bool kBuiltWithSanitizer = false;
#endif
#else
inline constexpr bool kBuiltWithSanitizer = false;
#endif

inline bool SanitizerRuntimePresent() {
  if (kBuiltWithSanitizer) return true;
  static const bool preloaded =
      dlsym(RTLD_DEFAULT, "__asan_init") != nullptr || dlsym(RTLD_DEFAULT, "__tsan_init") != nullptr;
  return preloaded;
}

}  // namespace raftlab::sandbox
