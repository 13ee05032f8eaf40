// Import scan (see import_scan.h).
#include "harness/plugin/import_scan.h"

#include <cxxabi.h>
#include <elf.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include "harness/plugin/elf_image.h"

namespace raftlab {
namespace {

// Sanity bounds on untrusted counts, far above any real plugin's.
constexpr uint64_t kMaxSymbols = uint64_t{1} << 22;
constexpr uint16_t kMaxHeaders = 8192;
constexpr uint64_t kMaxDynamicEntries = uint64_t{1} << 16;

// ---------------------------------------------------------------------------
// The rules. One line per import that is not fine, with the reason.
//
// Refused: the import bypasses the simulated runtime. Under --sim a thread
// the plugin starts itself is not scheduled by the baton (it runs in real
// time beside the simulation); a raw sleep, poll or clock read sees real
// time, not virtual time; a raw wait (condition variable, semaphore,
// barrier, timed lock) blocks the one running thread until another thread,
// which cannot run, wakes it. Each has a host service that does the same
// under the simulator's control.
//
// Warned: allowed, but can block the one running thread if misused. A raw
// mutex never held across a host call cannot block under one baton (its
// holder runs until it unlocks); one held across host->call or cond_wait
// can, and the simulator's watchdog then fails the run with that thread's
// stack. std::mutex compiles to pthread_mutex_lock, so every C++ plugin
// that uses it lands here, the reference included.
//
// Matching: `name` is an exact C symbol name, or, when it starts with
// "std::", a prefix of the demangled C++ name (the mangled forms differ by
// library version and overload; the demangled prefix does not).
// ---------------------------------------------------------------------------
struct Rule {
  const char* name;
  SimImportVerdict verdict;
  SimImportKind kind;
};

constexpr SimImportVerdict R = SimImportVerdict::kRefused;
constexpr SimImportVerdict W = SimImportVerdict::kWarn;

constexpr Rule kSimImportRules[] = {
    // Threads the simulator would not schedule.
    {"pthread_create", R, SimImportKind::kStartsThreads},
    {"thrd_create", R, SimImportKind::kStartsThreads},
    {"clone", R, SimImportKind::kStartsThreads},
    {"clone3", R, SimImportKind::kStartsThreads},
    {"__clone", R, SimImportKind::kStartsThreads},
    {"std::thread::_M_start_thread(", R, SimImportKind::kStartsThreads},  // std::thread, std::jthread, std::async
    // Sleeps in real time (select/poll with no descriptors is a classic sleep).
    {"sleep", R, SimImportKind::kSleeps},
    {"usleep", R, SimImportKind::kSleeps},
    {"nanosleep", R, SimImportKind::kSleeps},  // std::this_thread::sleep_for inlines to it
    {"__nanosleep", R, SimImportKind::kSleeps},
    {"clock_nanosleep", R, SimImportKind::kSleeps},
    {"thrd_sleep", R, SimImportKind::kSleeps},
    {"pause", R, SimImportKind::kSleeps},
    {"select", R, SimImportKind::kSleeps},
    {"pselect", R, SimImportKind::kSleeps},
    {"poll", R, SimImportKind::kSleeps},
    {"ppoll", R, SimImportKind::kSleeps},
    {"epoll_wait", R, SimImportKind::kSleeps},
    {"epoll_pwait", R, SimImportKind::kSleeps},
    {"epoll_pwait2", R, SimImportKind::kSleeps},
    {"std::this_thread::__sleep_for(", R, SimImportKind::kSleeps},
    // Real clocks and timers (virtual time is host->now_ns).
    {"clock_gettime", R, SimImportKind::kReadsClock},
    {"__clock_gettime", R, SimImportKind::kReadsClock},
    {"gettimeofday", R, SimImportKind::kReadsClock},
    {"time", R, SimImportKind::kReadsClock},  // time(NULL), often to seed rand()
    {"clock", R, SimImportKind::kReadsClock},
    {"timespec_get", R, SimImportKind::kReadsClock},
    {"ftime", R, SimImportKind::kReadsClock},
    {"times", R, SimImportKind::kReadsClock},
    {"timer_create", R, SimImportKind::kReadsClock},
    {"timerfd_create", R, SimImportKind::kReadsClock},
    {"alarm", R, SimImportKind::kReadsClock},
    {"ualarm", R, SimImportKind::kReadsClock},
    {"setitimer", R, SimImportKind::kReadsClock},
    {"std::chrono::_V2::steady_clock::now(", R, SimImportKind::kReadsClock},
    {"std::chrono::_V2::system_clock::now(", R, SimImportKind::kReadsClock},  // also high_resolution_clock
    {"std::chrono::steady_clock::now(", R, SimImportKind::kReadsClock},       // pre-GCC-4.8 ABI
    {"std::chrono::system_clock::now(", R, SimImportKind::kReadsClock},
    // Waits the simulator cannot see or wake.
    {"pthread_cond_wait", R, SimImportKind::kWaits},
    {"pthread_cond_timedwait", R, SimImportKind::kWaits},  // condition_variable::wait_until(system_clock)
    {"pthread_cond_clockwait", R, SimImportKind::kWaits},  // condition_variable::wait_until(steady_clock)
    {"pthread_timedjoin_np", R, SimImportKind::kWaits},
    {"pthread_clockjoin_np", R, SimImportKind::kWaits},
    {"pthread_barrier_wait", R, SimImportKind::kWaits},
    {"pthread_mutex_timedlock", R, SimImportKind::kWaits},  // std::timed_mutex::try_lock_until
    {"pthread_mutex_clocklock", R, SimImportKind::kWaits},
    {"pthread_rwlock_timedrdlock", R, SimImportKind::kWaits},
    {"pthread_rwlock_timedwrlock", R, SimImportKind::kWaits},
    {"pthread_rwlock_clockrdlock", R, SimImportKind::kWaits},
    {"pthread_rwlock_clockwrlock", R, SimImportKind::kWaits},
    {"sem_wait", R, SimImportKind::kWaits},
    {"sem_timedwait", R, SimImportKind::kWaits},
    {"sem_clockwait", R, SimImportKind::kWaits},
    {"cnd_wait", R, SimImportKind::kWaits},
    {"cnd_timedwait", R, SimImportKind::kWaits},
    {"mtx_timedlock", R, SimImportKind::kWaits},
    {"std::condition_variable::", R, SimImportKind::kWaits},  // every member: wait, notify, ctor
    {"std::_V2::condition_variable_any::", R, SimImportKind::kWaits},
    {"std::__condvar::", R, SimImportKind::kWaits},
    {"std::__atomic_futex_unsigned_base::_M_futex_wait_until", R, SimImportKind::kWaits},  // std::future
    // Raw locks: fine as leaf locks, see above.
    {"pthread_mutex_lock", W, SimImportKind::kRawLock},  // std::mutex, std::lock_guard
    {"pthread_rwlock_rdlock", W, SimImportKind::kRawLock},  // std::shared_mutex
    {"pthread_rwlock_wrlock", W, SimImportKind::kRawLock},
    {"pthread_spin_lock", W, SimImportKind::kRawLock},
    {"mtx_lock", W, SimImportKind::kRawLock},
    // Joins of raw threads: harmless without a refused thread start (a
    // std::thread member that is never started still imports join()).
    {"pthread_join", W, SimImportKind::kRawJoin},
    {"thrd_join", W, SimImportKind::kRawJoin},
    {"std::thread::join(", W, SimImportKind::kRawJoin},
    {"std::thread::detach(", W, SimImportKind::kRawJoin},
    // A spin loop that yields never lets virtual time advance.
    {"sched_yield", W, SimImportKind::kYields},
    {"thrd_yield", W, SimImportKind::kYields},
    {"pthread_yield", W, SimImportKind::kYields},
    // syscall(): C++20 atomic waits and hand-rolled futexes go through it.
    {"syscall", W, SimImportKind::kRawSyscall},
    // Randomness no seed replays (host->random_u64 is replayed).
    {"getrandom", W, SimImportKind::kEntropy},
    {"getentropy", W, SimImportKind::kEntropy},
    {"std::random_device::", W, SimImportKind::kEntropy},
};

std::string Demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return name;
  std::string result(out);
  std::free(out);
  return result;
}

// A name short enough for one line: the demangled name without its
// parameter list ("std::thread::_M_start_thread").
std::string ShortName(const ImportedSymbol& s) {
  const std::string& d = s.demangled;
  if (d == s.raw) return d;
  const size_t paren = d.find('(');
  return paren == std::string::npos ? d : d.substr(0, paren);
}

// ---------------------------------------------------------------------------
// Reading .dynsym.
// ---------------------------------------------------------------------------

struct ParseError {
  bool not_elf = false;  // the file is not a 64-bit ELF shared object at all
  std::string what;
};

// Appends the undefined symbols of the table at [sym_off, sym_off + count *
// sizeof(Elf64_Sym)) whose names lie in [str_off, str_off + str_size).
std::optional<ParseError> ReadSymbols(const ImageReader& in, uint64_t sym_off, uint64_t count, uint64_t str_off,
                                      uint64_t str_size, std::vector<ImportedSymbol>* out) {
  if (count > kMaxSymbols) return ParseError{false, "too many dynamic symbols"};
  for (uint64_t i = 1; i < count; ++i) {  // symbol 0 is the null symbol
    Elf64_Sym sym{};
    if (!in.Read(sym_off + i * sizeof(Elf64_Sym), &sym)) return ParseError{false, ".dynsym lies outside the file"};
    if (sym.st_shndx != SHN_UNDEF || sym.st_name == 0) continue;
    const unsigned bind = ELF64_ST_BIND(sym.st_info);
    if (bind == STB_LOCAL) continue;
    std::optional<std::string> name = in.String(str_off, str_size, sym.st_name);
    if (!name) return ParseError{false, "a symbol name lies outside .dynstr"};
    ImportedSymbol s;
    s.demangled = Demangle(*name);
    s.raw = std::move(*name);
    s.weak = bind == STB_WEAK;
    out->push_back(std::move(s));
  }
  return std::nullopt;
}

// The file offset of virtual address `vaddr`, through the PT_LOAD segments.
std::optional<uint64_t> VaddrToOffset(const std::vector<Elf64_Phdr>& ph, uint64_t vaddr) {
  for (const Elf64_Phdr& p : ph) {
    if (p.p_type != PT_LOAD) continue;
    if (vaddr >= p.p_vaddr && vaddr - p.p_vaddr < p.p_filesz) return p.p_offset + (vaddr - p.p_vaddr);
  }
  return std::nullopt;
}

// The number of .dynsym entries from DT_GNU_HASH: one past the last symbol
// any hash chain reaches (symbols below symoffset, the undefined ones among
// them, are not hashed but are counted).
std::optional<uint64_t> CountFromGnuHash(const ImageReader& in, uint64_t off) {
  uint32_t header[4] = {};  // nbuckets, symoffset, bloom_size, bloom_shift
  if (!in.Read(off, &header)) return std::nullopt;
  const uint64_t nbuckets = header[0], symoffset = header[1], bloom = header[2];
  if (nbuckets > kMaxSymbols || bloom > kMaxSymbols) return std::nullopt;
  const uint64_t buckets = off + sizeof header + bloom * sizeof(uint64_t);
  const uint64_t chains = buckets + nbuckets * sizeof(uint32_t);
  uint64_t last = 0;
  for (uint64_t b = 0; b < nbuckets; ++b) {
    uint32_t start = 0;
    if (!in.Read(buckets + b * sizeof(uint32_t), &start)) return std::nullopt;
    last = std::max<uint64_t>(last, start);
  }
  if (last < symoffset) return symoffset;
  for (uint64_t i = last; i - symoffset < kMaxSymbols; ++i) {
    uint32_t h = 0;
    if (!in.Read(chains + (i - symoffset) * sizeof(uint32_t), &h)) return std::nullopt;
    if ((h & 1u) != 0) return i + 1;
  }
  return std::nullopt;
}

// .dynsym through PT_DYNAMIC, for a file without section headers.
std::optional<ParseError> ReadThroughDynamic(const ImageReader& in, const Elf64_Ehdr& eh,
                                             std::vector<ImportedSymbol>* out) {
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > kMaxHeaders) {
    return ParseError{false, "neither section headers nor program headers"};
  }
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  for (size_t i = 0; i < ph.size(); ++i) {
    if (!in.Read(eh.e_phoff + i * sizeof(Elf64_Phdr), &ph[i])) {
      return ParseError{false, "program header table lies outside the file"};
    }
  }
  const auto dyn = std::find_if(ph.begin(), ph.end(), [](const Elf64_Phdr& p) { return p.p_type == PT_DYNAMIC; });
  if (dyn == ph.end()) return ParseError{false, "no dynamic section (a static executable?)"};
  uint64_t symtab = 0, strtab = 0, strsz = 0, hash = 0, gnu_hash = 0;
  for (uint64_t i = 0; i < kMaxDynamicEntries && (i + 1) * sizeof(Elf64_Dyn) <= dyn->p_filesz; ++i) {
    Elf64_Dyn d{};
    if (!in.Read(dyn->p_offset + i * sizeof(Elf64_Dyn), &d)) return ParseError{false, "PT_DYNAMIC outside the file"};
    if (d.d_tag == DT_NULL) break;
    switch (d.d_tag) {
      case DT_SYMTAB: symtab = d.d_un.d_ptr; break;
      case DT_STRTAB: strtab = d.d_un.d_ptr; break;
      case DT_STRSZ: strsz = d.d_un.d_val; break;
      case DT_HASH: hash = d.d_un.d_ptr; break;
      case DT_GNU_HASH: gnu_hash = d.d_un.d_ptr; break;
      default: break;
    }
  }
  if (symtab == 0 || strtab == 0) return ParseError{false, "no dynamic symbol table"};
  const std::optional<uint64_t> sym_off = VaddrToOffset(ph, symtab);
  const std::optional<uint64_t> str_off = VaddrToOffset(ph, strtab);
  if (!sym_off || !str_off) return ParseError{false, "DT_SYMTAB or DT_STRTAB outside every PT_LOAD segment"};
  std::optional<uint64_t> count;
  if (hash != 0) {
    if (std::optional<uint64_t> h = VaddrToOffset(ph, hash)) {
      uint32_t nb_nc[2] = {};  // nbucket, nchain (= the number of symbols)
      if (in.Read(*h, &nb_nc)) count = nb_nc[1];
    }
  }
  if (!count && gnu_hash != 0) {
    if (std::optional<uint64_t> g = VaddrToOffset(ph, gnu_hash)) count = CountFromGnuHash(in, *g);
  }
  if (!count) return ParseError{false, "cannot tell the number of dynamic symbols (no readable DT_HASH or DT_GNU_HASH)"};
  return ReadSymbols(in, *sym_off, *count, *str_off, strsz, out);
}

std::optional<ParseError> ReadImports(std::string_view image, std::vector<ImportedSymbol>* out) {
  const ImageReader in(image);
  Elf64_Ehdr eh{};
  if (!in.Read(0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return ParseError{true, "the file has no ELF header"};
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return ParseError{true, "it is a 32-bit ELF file"};
  const uint16_t probe = 1;
  const bool little = *reinterpret_cast<const uint8_t*>(&probe) == 1;
  if (eh.e_ident[EI_DATA] != (little ? ELFDATA2LSB : ELFDATA2MSB)) {
    return ParseError{true, "its byte order differs from this machine's"};
  }
  if (eh.e_type != ET_DYN) {
    return ParseError{true, "it is an ELF file of type " + std::to_string(eh.e_type) + ", not a shared object"};
  }
  if (eh.e_shnum == 0 || eh.e_shoff == 0) return ReadThroughDynamic(in, eh, out);
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum > kMaxHeaders) {
    return ParseError{false, "malformed section header table"};
  }
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  for (size_t i = 0; i < sh.size(); ++i) {
    if (!in.Read(eh.e_shoff + i * sizeof(Elf64_Shdr), &sh[i])) {
      return ParseError{false, "section header table lies outside the file"};
    }
  }
  bool found = false;
  for (const Elf64_Shdr& table : sh) {
    if (table.sh_type != SHT_DYNSYM) continue;
    if (table.sh_link >= sh.size() || table.sh_entsize != sizeof(Elf64_Sym)) {
      return ParseError{false, "malformed .dynsym section header"};
    }
    const Elf64_Shdr& strtab = sh[table.sh_link];
    if (std::optional<ParseError> e = ReadSymbols(in, table.sh_offset, table.sh_size / sizeof(Elf64_Sym),
                                                  strtab.sh_offset, strtab.sh_size, out)) {
      return e;
    }
    found = true;
  }
  // Section headers without .dynsym (stripped of it by a tool): the loader
  // still finds the table through PT_DYNAMIC, and so do we.
  if (!found) return ReadThroughDynamic(in, eh, out);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Messages.
// ---------------------------------------------------------------------------

// "a (b)", "a (b) and c (d)", "a (b), c (d) and e (f)".
std::string JoinClauses(const std::vector<std::string>& clauses) {
  std::string out;
  for (size_t i = 0; i < clauses.size(); ++i) {
    if (i > 0) out += i + 1 == clauses.size() ? " and " : ", ";
    out += clauses[i];
  }
  return out;
}

// "std::condition_variable::condition_variable" and "...::~condition_variable":
// a class's constructor and destructor say nothing its other members do not.
bool IsConstructorOrDestructor(const std::string& short_name) {
  const size_t last = short_name.rfind("::");
  if (last == std::string::npos || last == 0) return false;
  const size_t before = short_name.rfind("::", last - 1);
  const std::string cls = short_name.substr(before == std::string::npos ? 0 : before + 2,
                                            last - (before == std::string::npos ? 0 : before + 2));
  const std::string member = short_name.substr(last + 2);
  return member == cls || member == "~" + cls;
}

// The distinct short names of `imports` of kind `kind` (constructors and
// destructors left out when other names remain), at most 4, then "+N more".
std::string NamesOfKind(const std::vector<SimImport>& imports, SimImportKind kind) {
  constexpr size_t kMaxNames = 4;
  std::vector<std::string> names;
  for (const SimImport& s : imports) {
    if (s.kind != kind) continue;
    std::string n = ShortName(s.symbol);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
  }
  if (!std::all_of(names.begin(), names.end(), IsConstructorOrDestructor)) {
    names.erase(std::remove_if(names.begin(), names.end(), IsConstructorOrDestructor), names.end());
  }
  std::string out;
  for (size_t i = 0; i < names.size() && i < kMaxNames; ++i) out += (i > 0 ? ", " : "") + names[i];
  if (names.size() > kMaxNames) out += " +" + std::to_string(names.size() - kMaxNames) + " more";
  return out;
}

const char* Phrase(SimImportKind kind) {
  switch (kind) {
    case SimImportKind::kStartsThreads: return "starts threads";
    case SimImportKind::kSleeps: return "sleeps";
    case SimImportKind::kReadsClock: return "reads the clock";
    case SimImportKind::kWaits: return "waits on its own condition variables or semaphores";
    case SimImportKind::kRawLock: return "takes raw locks";
    case SimImportKind::kRawJoin: return "joins raw threads";
    case SimImportKind::kYields: return "yields the CPU";
    case SimImportKind::kRawSyscall: return "makes raw system calls";
    case SimImportKind::kEntropy: return "takes randomness from the OS";
    case SimImportKind::kNone: break;
  }
  return "imports";
}

// What to do about a warned kind (one clause).
const char* Advice(SimImportKind kind) {
  switch (kind) {
    case SimImportKind::kRawLock:
      return "never hold one across a host call (call, apply, sleep_ns, cond_wait), or it blocks the one "
             "running thread, which host->mutex_* (raftlab::Mutex) never does";
    case SimImportKind::kRawJoin: return "a join must never wait for a thread the host did not start";
    case SimImportKind::kYields: return "a spin loop lets no virtual time pass: wait with host->cond_* or sleep_ns";
    case SimImportKind::kRawSyscall: return "a futex or sleep made this way blocks outside the simulation";
    case SimImportKind::kEntropy: return "a seed cannot replay it: use host->random_u64";
    default: return "";
  }
}

std::string Display(const SimReadiness& r) { return r.display.empty() ? "the plugin" : r.display; }

std::vector<SimImportKind> KindsIn(const std::vector<SimImport>& imports) {
  std::vector<SimImportKind> kinds;
  for (const SimImport& s : imports) {
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace

StatusOr<std::vector<ImportedSymbol>> ListImportedSymbols(std::string_view image) {
  std::vector<ImportedSymbol> out;
  if (std::optional<ParseError> e = ReadImports(image, &out)) {
    return Status::InvalidArgument(e->not_elf ? "not an ELF shared object: " + e->what : e->what);
  }
  return out;
}

SimImport ClassifySimImport(const ImportedSymbol& symbol) {
  SimImport out{symbol, SimImportVerdict::kFine, SimImportKind::kNone};
  const bool cxx = symbol.demangled != symbol.raw;
  for (const Rule& rule : kSimImportRules) {
    const std::string_view name(rule.name);
    const bool matches = name.rfind("std::", 0) == 0
                             ? cxx && std::string_view(symbol.demangled).substr(0, name.size()) == name
                             : symbol.raw == name;
    if (matches) {
      out.verdict = rule.verdict;
      out.kind = rule.kind;
      break;
    }
  }
  return out;
}

std::string SimReadiness::RefusalLine() const {
  if (ready()) return "";
  std::vector<std::string> clauses;
  for (SimImportKind kind : KindsIn(refused)) {
    clauses.push_back(std::string(Phrase(kind)) + " (" + NamesOfKind(refused, kind) + ")");
  }
  return "labtest --sim: cannot simulate " + Display(*this) + ": it " + JoinClauses(clauses) +
         " outside the host services, which the simulated runtime can neither schedule nor fast-forward; use the "
         "host services, as the skeleton does: host->thread_start, mutex_*, cond_*, sleep_ns, now_ns; or "
         "raftlab::Host in C++ (or run without --sim, in real time)";
}

std::string SimReadiness::WarningLine() const {
  if (warned.empty()) return "";
  std::vector<std::string> clauses;
  for (SimImportKind kind : KindsIn(warned)) {
    clauses.push_back(std::string(Phrase(kind)) + " (" + NamesOfKind(warned, kind) + "): " + Advice(kind));
  }
  std::string line = "labtest --sim: warning: " + Display(*this) + " ";
  for (size_t i = 0; i < clauses.size(); ++i) line += (i > 0 ? "; " : "") + clauses[i];
  return line + "; allowed, but a run that blocks there fails on the simulator's watchdog";
}

StatusOr<SimReadiness> ScanImageForSimulation(std::string_view image, const std::string& display) {
  std::vector<ImportedSymbol> imports;
  if (std::optional<ParseError> e = ReadImports(image, &imports)) {
    const std::string prefix = "labtest --sim: cannot scan plugin " + display + ": ";
    if (e->not_elf) {
      return Status::PluginLoad(prefix + "not an ELF shared object (" + e->what +
                                "): pass the .so file your build produced, e.g. --plugin build/libraft.so");
    }
    return Status::PluginLoad(prefix + "its dynamic symbol table is damaged (" + e->what +
                              "): rebuild the plugin");
  }
  SimReadiness r;
  r.display = display;
  r.imports = imports.size();
  for (const ImportedSymbol& s : imports) {
    SimImport c = ClassifySimImport(s);
    if (c.verdict == SimImportVerdict::kRefused) {
      r.refused.push_back(std::move(c));
    } else if (c.verdict == SimImportVerdict::kWarn) {
      r.warned.push_back(std::move(c));
    }
  }
  return r;
}

StatusOr<SimReadiness> ScanForSimulation(const std::string& path, const std::string& display) {
  const std::string shown = display.empty() ? path : display;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return Status::PluginLoad("labtest --sim: cannot scan plugin " + shown + ": cannot read the file (" +
                              std::strerror(errno) + "): check the path and its permissions");
  }
  const std::string image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) {
    return Status::PluginLoad("labtest --sim: cannot scan plugin " + shown +
                              ": reading the file failed: check the path and its permissions");
  }
  return ScanImageForSimulation(image, shown);
}

}  // namespace raftlab
