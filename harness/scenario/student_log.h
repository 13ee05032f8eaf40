// StudentLog: the lines a student's code logs through host->log during one
// test, stamped with the time since the test started, the peer and its term.
// Every line goes straight to the test's log file (one write(2) per line, so
// nothing is lost when the child crashes right after); the last few are also
// kept in memory for the result, and with -v each line is copied to a live
// file descriptor (the child's stderr) for the parent to pass through.
//
// Size bound: when the file passes `rotate_bytes` it is renamed to
// "<path>.1" (replacing an older one) and a new file is started, so a
// flooding plugin uses at most about twice that on disk and the newest lines
// are always kept. Inside the sandbox (which forbids rename and opening files
// for writing) set `rotate_in_place`: the file is then emptied with ftruncate
// on its open fd and restarted with a note saying how much was dropped, so
// it never passes `rotate_bytes`.
//
// Thread safety: Add() and the accessors may be called from any thread.
// Ownership: a StudentLog owns its file descriptor (copy deleted); it borrows
// the Runtime, which must outlive it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

struct StudentLogLine {
  Nanos t{0};         // since the test started
  int peer = -1;      // -1: not a peer (e.g. a clerk)
  int64_t term = -1;  // -1: unknown
  int level = 1;      // RAFTLAB_LOG_*
  std::string text;
};

// "DEBUG", "INFO", "WARN", "ERROR", or "L<n>" for other values.
std::string LevelName(int level);

// One formatted line: "   1234ms S2 T3 INFO  became leader". Text holding
// several lines gives one formatted line per text line, each with the prefix.
std::vector<std::string> FormatStudentLogLine(const StudentLogLine& line);
// A harness note at time t: "   1234ms ====== crash peer 2".
std::vector<std::string> FormatHarnessNote(Nanos t, std::string_view text);

struct StudentLogOptions {
  std::string path;                         // the log file (created/truncated)
  int64_t rotate_bytes = 32 << 20;          // see "Size bound" above
  bool rotate_in_place = false;             // ftruncate instead of rename + reopen
  size_t tail_lines = 20;                   // kept in memory for the result
  int live_fd = -1;                         // -v: also write each line here
  std::string live_prefix;                  // e.g. "[3A-initial-election] "
};

class StudentLog {
 public:
  // start: Runtime::now() at the start of the test.
  static StatusOr<std::unique_ptr<StudentLog>> Open(Runtime& rt, Nanos start, StudentLogOptions options);
  ~StudentLog();
  StudentLog(const StudentLog&) = delete;
  StudentLog& operator=(const StudentLog&) = delete;

  void Add(int peer, int64_t term, int level, std::string_view text);
  // A harness event ("crash peer 2") written between the student's lines:
  // "   1234ms ====== crash peer 2". Not counted in lines().
  void AddNote(std::string_view text);
  std::vector<std::string> Tail() const;  // oldest first
  int64_t lines() const;                  // formatted lines written in all

 private:
  StudentLog(Runtime& rt, Nanos start, StudentLogOptions options, int fd);
  void WriteLocked(const std::string& line) REQUIRES(*mu_);

  Runtime& rt_;
  const Nanos start_;
  const StudentLogOptions options_;
  std::unique_ptr<Mutex> mu_;
  int fd_ GUARDED_BY(*mu_);
  int64_t file_bytes_ GUARDED_BY(*mu_) = 0;
  int64_t dropped_bytes_ GUARDED_BY(*mu_) = 0;  // rotate_in_place: bytes truncated away
  int64_t lines_ GUARDED_BY(*mu_) = 0;
  std::deque<std::string> tail_ GUARDED_BY(*mu_);
};

// The last `n` lines of a log written by StudentLog (looking into "<path>.1"
// too when the current file is short), each cut to `max_chars`. Used by the
// parent when the child died before writing its result. Missing file: empty.
std::vector<std::string> ReadLogTail(const std::string& path, size_t n, size_t max_chars = 400);

// Of formatted log lines (oldest first), the last `per_peer` of each source
// (each peer "S2", the lines of no peer "S-", lines in another format) and
// the last `notes` harness notes ("======"), in their original order. So one
// chatty peer cannot push a quiet (stuck) peer's last lines out of the
// failure output.
std::vector<std::string> TailPerPeer(const std::vector<std::string>& lines, size_t per_peer, size_t notes);

}  // namespace raftlab
