// A crashed test child's backtrace (see crash_report.h).
#include "harness/run/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "harness/run/plugin_symbolizer.h"

namespace raftlab {
namespace {

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr int kMaxFrames = 64;
int g_fd = -1;

// --- async-signal-safe writing ------------------------------------------------
void Put(const char* s, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(g_fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}
void Put(const char* s) { Put(s, std::strlen(s)); }
void PutHex(uint64_t v) {
  char buf[19] = "0x";
  char digits[16];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  for (int i = 0; i < n; i++) buf[2 + i] = digits[n - 1 - i];
  Put(buf, static_cast<size_t>(2 + n));
}
void PutDec(int v) {
  char buf[12];
  int n = 0;
  unsigned u = v < 0 ? 0u : static_cast<unsigned>(v);
  do {
    buf[sizeof buf - 1 - n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  Put(buf + sizeof buf - n, static_cast<size_t>(n));
}

void PutCopy(const PluginCopyRange& r, void*) {
  Put("copy ");
  PutHex(r.bias);
  Put(" ");
  PutHex(r.start);
  Put(" ");
  PutHex(r.end);
  Put("\n");
}

void OnCrash(int sig, siginfo_t* si, void* context) {
  // SA_RESETHAND: the default action is back; a second fault ends the process.
  Put("signal ");
  PutDec(sig);
  Put("\naddress ");
  PutHex(reinterpret_cast<uint64_t>(si ? si->si_addr : nullptr));
  // The instruction that faulted: backtrace()'s frames before it are this
  // handler's and the kernel's signal return.
#if defined(__x86_64__)
  if (context != nullptr) {
    Put("\npc ");
    PutHex(static_cast<uint64_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]));
  }
#elif defined(__aarch64__)
  if (context != nullptr) {
    Put("\npc ");
    PutHex(static_cast<uint64_t>(static_cast<ucontext_t*>(context)->uc_mcontext.pc));
  }
#else
  (void)context;
#endif
  Put("\n");
  void* frames[kMaxFrames];
  const int n = backtrace(frames, kMaxFrames);
  for (int i = 0; i < n; i++) {
    Put("frame ");
    PutHex(reinterpret_cast<uint64_t>(frames[i]));
    Put("\n");
  }
  ForEachPluginCopy(&PutCopy, nullptr);
  Put("end\n");
  ::raise(sig);  // the default action now: the process ends by this signal, as before
}

}  // namespace

std::string CrashReportPath(const std::string& result_file) {
  const size_t slash = result_file.find_last_of('/');
  return (slash == std::string::npos ? std::string() : result_file.substr(0, slash + 1)) + "crash.txt";
}

Status InstallCrashReporter(int fd) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  (void)fd;
  return Status::Ok();  // the sanitizer's own report is better
#else
  g_fd = fd;
  void* warm[2];
  backtrace(warm, 2);  // loads the unwinder now: the first call may allocate
  struct sigaction sa {};
  sa.sa_sigaction = &OnCrash;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (int sig : kCrashSignals) {
    if (sigaction(sig, &sa, nullptr) != 0) {
      return Status::Internal(fmt::format("cannot install the crash reporter for signal {}: {}", sig,
                                          std::strerror(errno)));
    }
  }
  return Status::Ok();
#endif
}

std::optional<CrashReport> ParseCrashReport(const std::string& text) {
  CrashReport r;
  std::istringstream in(text);
  std::string word;
  bool ended = false, has_signal = false;
  while (in >> word) {
    if (word == "signal") {
      has_signal = static_cast<bool>(in >> r.signal);
    } else if (word == "address") {
      in >> std::hex >> r.fault_address >> std::dec;
    } else if (word == "pc") {
      in >> std::hex >> r.pc >> std::dec;
    } else if (word == "frame") {
      uint64_t a = 0;
      if (in >> std::hex >> a >> std::dec) r.frames.push_back(a);
    } else if (word == "copy") {
      PluginCopyRange c;
      if (in >> std::hex >> c.bias >> c.start >> c.end >> std::dec) r.copies.push_back(c);
    } else if (word == "end") {
      ended = true;
      break;
    }
  }
  if (!has_signal || !ended) return std::nullopt;
  return r;
}

CrashDescription DescribeCrash(Runtime& rt, const CrashReport& report, const std::string& plugin_path,
                               Nanos tool_timeout) {
  // Which copy holds each frame; the lookup address is a return address
  // minus one (the call), except for the innermost frame.
  // The frames from the faulting instruction on (the handler's own and the
  // signal return's before it are dropped); without a pc, all of them.
  std::vector<uint64_t> frames = report.frames;
  if (report.pc != 0) {
    auto at = std::find(frames.begin(), frames.end(), report.pc);
    if (at != frames.end()) frames.erase(frames.begin(), at);
  }
  std::vector<int> copy_of(frames.size(), -1);
  std::vector<uint64_t> wanted;
  for (size_t i = 0; i < frames.size(); i++) {
    const uint64_t a = i > 0 && frames[i] > 0 ? frames[i] - 1 : frames[i];
    for (size_t c = 0; c < report.copies.size(); c++) {
      if (a >= report.copies[c].start && a < report.copies[c].end) {
        copy_of[i] = static_cast<int>(c);
        wanted.push_back(a - report.copies[c].bias);
        break;
      }
    }
  }
  std::string problem;
  const std::vector<InlineChain> chains = Addr2Line(rt, plugin_path, wanted, tool_timeout, &problem);
  CrashDescription d;
  std::string first_plugin_frame;
  size_t k = 0;
  for (size_t i = 0; i < frames.size(); i++) {
    d.backtrace += fmt::format("#{:<2} 0x{:016x}", i, frames[i]);
    if (copy_of[i] >= 0) {
      const std::string named = k < chains.size() ? DescribeChain(chains[k]) : "";
      const std::string text = named.empty() ? fmt::format("0x{:x}", wanted[k]) : named;
      d.backtrace += fmt::format("  <- your plugin (copy {}): {}", copy_of[i] + 1, text);
      if (first_plugin_frame.empty()) first_plugin_frame = text;
      k++;
    }
    d.backtrace += "\n";
  }
  if (!problem.empty()) d.backtrace += problem + "\n";
  if (report.signal == SIGSEGV || report.signal == SIGBUS) {
    d.where = fmt::format(" at address 0x{:x}{}", report.fault_address,
                          report.fault_address < 4096 ? " (a null pointer)" : "");
  }
  if (!first_plugin_frame.empty()) d.where += ", in your plugin: " + first_plugin_frame;
  return d;
}

}  // namespace raftlab
