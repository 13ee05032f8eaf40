// Shared helpers of the sandbox tests: run sandbox_probe in a private temp
// folder and read back what it printed, its report file and its stderr.
// The probe is started with posix_spawn, so the test binary itself is never
// sandboxed and may be multithreaded.
//
// Thread safety: one ProbeRun per test; not shared.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace raftlab::sandbox::testing {

inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "soft/hard" as sandbox_probe prints a limit ("inf" for RLIM_INFINITY).
inline std::string LimitText(const rlimit& r) {
  auto show = [](rlim_t v) { return v == RLIM_INFINITY ? std::string("inf") : std::to_string(v); };
  return show(r.rlim_cur) + "/" + show(r.rlim_max);
}

// The current limit of this process, as LimitText.
inline std::string LimitText(int resource) {
  rlimit r{};
  ::getrlimit(resource, &r);
  return LimitText(r);
}

// A private folder removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "raftlab-sandbox-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct ProbeRun {
  int exit_code = -1;    // -1 when killed by a signal
  int term_signal = 0;
  std::map<std::string, std::string> values;  // key=value lines of stdout
  std::string report;    // <dir>/report
  std::string stderr_text;

  std::string Get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? "<missing " + key + ">" : it->second;
  }
};

// Runs `sandbox_probe <dir> <mode> <action> [arg]` and waits for it.
inline ProbeRun RunProbe(const TempDir& dir, const std::string& mode, const std::string& action,
                         const std::string& arg = "") {
  ProbeRun run;
  int out[2];
  if (::pipe(out) != 0) return run;
  const std::string err_path = dir.File("stderr");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {RAFTLAB_SANDBOX_PROBE, dir.path(), mode, action};
  if (!arg.empty()) args.push_back(arg);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    ADD_FAILURE() << "posix_spawn " << argv[0] << " failed: " << rc;
    return run;
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.term_signal = WTERMSIG(status);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) run.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  run.report = ReadFileText(dir.File("report"));
  run.stderr_text = ReadFileText(err_path);
  return run;
}

}  // namespace raftlab::sandbox::testing
