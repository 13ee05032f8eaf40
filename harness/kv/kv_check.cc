#include "harness/kv/kv_check.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/linearizability/visualize.h"

namespace raftlab {
namespace fs = std::filesystem;
namespace {

std::string OutputFolder() {
  if (const char* d = std::getenv("RAFTLAB_OUTPUT_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* t = std::getenv("TMPDIR"); t != nullptr && *t != '\0') {
    fs::path p(t);
    if (p.filename().empty()) p = p.parent_path();  // "a/tmp/" -> "a/tmp"
    if (p.filename() == "tmp" && p.has_parent_path()) return p.parent_path().string();
    return p.string();
  }
  return "/tmp";
}

// A file name made of safe characters only.
std::string SafeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "file" : out;
}

// The summary without its first line (kIllegalMessage), on one line.
std::string Details(const std::string& summary) {
  std::string out;
  std::istringstream in(summary);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      continue;
    }
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += line.substr(b);
  }
  return out;
}

std::string FormatMs(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

}  // namespace

bool InsideSandbox() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Seccomp:", 0) == 0) return line.find('2') != std::string::npos;
  }
  return false;
}

namespace {

Status WriteAll(int fd, std::string_view content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Internal("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> SaveTestFile(const std::string& stem, const std::string& extension, std::string_view content) {
  const char* pfd = std::getenv("RAFTLAB_PICTURE_FD");
  const char* ppath = std::getenv("RAFTLAB_PICTURE_PATH");
  if (pfd != nullptr && *pfd != '\0' && ppath != nullptr && *ppath != '\0') {
    const int fd = std::atoi(pfd);
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      return Status::Internal(std::string("cannot rewrite ") + ppath + ": " + std::strerror(errno));
    }
    if (Status st = WriteAll(fd, content, ppath); !st.ok()) return st;
    return std::string(ppath);
  }
  if (InsideSandbox()) {
    return Status::Internal("the test child's sandbox forbids creating files; rerun this test with "
                            "RAFTLAB_NO_SANDBOX=1 to get the file");
  }
  const fs::path dir = OutputFolder();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string base = SafeName(stem);
  for (int n = 0; n < 1000; n++) {
    const fs::path path = dir / (base + (n == 0 ? "" : "-" + std::to_string(n)) + "." + extension);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return Status::Internal("cannot create " + path.string() + ": " + std::strerror(errno));
    }
    Status st = WriteAll(fd, content, path.string());
    ::close(fd);
    if (!st.ok()) return st;
    return fs::absolute(path).string();
  }
  return Status::Internal("too many files named " + base + " in " + dir.string());
}

lin::CheckResult CheckLinearizable(TestContext& ctx, const KvHistory& history, const LinCheckOptions& options) {
  const lin::History h = history.Snapshot();
  Runtime& rt = ctx.runtime();
  lin::CheckOptions co;
  co.budget_ns = options.budget.count();
  co.now_ns = [&rt] { return rt.now().count(); };
  StatusOr<lin::CheckReport> report = lin::CheckHistory(h, co);
  if (!report.ok()) {
    ctx.Fail("internal error: the linearizability checker refused the history: " + report.status().message());
  }
  const std::string figures = std::to_string(h.ops.size()) + " operations on " +
                              std::to_string(report->keys.size()) + " keys, checked in " +
                              FormatMs(report->elapsed_ns);
  switch (report->result) {
    case lin::CheckResult::kOk:
      ctx.Event("linearizability check: ok (" + figures + ")");
      break;
    case lin::CheckResult::kUnknown:
      ctx.Event("warning: " + report->Summary(h) + " (" + figures + ")");
      break;
    case lin::CheckResult::kIllegal: {
      const std::string summary = report->Summary(h);
      lin::VisualizeOptions vo;
      vo.title = options.title.empty() ? ctx.spec().name : options.title;
      // In labtest's run folder the parent writes timeline.html beside it.
      if (const char* ppath = std::getenv("RAFTLAB_PICTURE_PATH"); ppath != nullptr && *ppath != '\0') {
        vo.timeline_link = "timeline.html";
      }
      const std::string html = lin::RenderHtml(h, *report, vo);
      StatusOr<std::string> path = SaveTestFile("linearizability-" + ctx.spec().name, "html", html);
      const std::string where = path.ok() ? "see " + *path : "no picture: " + path.status().message();
      ctx.Event(std::string(lin::kIllegalMessage) + " (" + figures + ")");
      ctx.Fail(std::string(lin::kIllegalMessage) + ": " + Details(summary) + "; " + where);
      break;
    }
  }
  return report->result;
}

}  // namespace raftlab
