// Atomic whole-file writes, and FileReporter: the base of the reporters that
// keep one results file (JSON, JUnit, Gradescope) valid at every moment.
//
// WriteFileAtomically writes the bytes to a fresh temporary file beside the
// target (same folder, so the same file system), optionally fsyncs it, and
// renames it over the target: a reader, or a run interrupted at any point,
// sees either the old complete file or the new complete file, never a mix.
// With `fsync` the data (and the folder entry) also survive a power cut.
//
// A FileReporter rebuilds its whole document after every test end and
// writes it this way, unless the document has grown so large that doing so
// after every run would dominate a long sweep (RewriteDue: then it is
// rewritten every so often, and always at the end). Its path "-"
// (kStdoutPath) means standard output instead: then only the final document
// (the one written at RunEnd) is printed, once, so stdout holds exactly one
// well-formed document. Reporter events return nothing, so the outcome of the
// latest write is kept in status() for the caller to check (after RunStart:
// is the path writable at all; after RunEnd: is the final file on disk).
//
// Thread safety: WriteFileAtomically may be called from any thread, also for
// the same target (each call uses its own temporary name). A FileReporter is
// called from one thread at a time (see Reporter). Ownership: plain values.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "harness/report/report.h"
#include "runtime/status.h"

namespace raftlab {

struct AtomicWriteOptions {
  bool fsync = false;              // fsync the file and its folder (slower; for grading servers)
  bool create_parent_dirs = true;  // mkdir -p the target's folder first
};

// Replaces `path` with `contents`. Errors: Internal naming the path and the
// system's reason (the temporary file is removed).
Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           const AtomicWriteOptions& options = {});

// The results path that means standard output (`--output json:-`).
inline constexpr std::string_view kStdoutPath = "-";

// Whether a results file is rewritten now, before the final rewrite, when
// its last rewrite cost `last_cost` (building the document and writing it)
// and ended `since` ago: always while that cost is under
// kRewriteThrottleFrom (a document of up to a few MB: every run of an
// ordinary run is on disk as it ends); above it, once `since` reaches
// kRewriteGap times the cost. A sweep of thousands of runs then spends at
// most about 1/kRewriteGap of its time rewriting, instead of a time that
// grows with the square of its runs, and its file lags by at most
// kRewriteGap times one rewrite.
inline constexpr std::chrono::milliseconds kRewriteThrottleFrom{10};
inline constexpr int kRewriteGap = 20;
bool RewriteDue(std::chrono::nanoseconds since, std::chrono::nanoseconds last_cost);

class FileReporter : public Reporter {
 public:
  FileReporter(std::string path, AtomicWriteOptions options) : path_(std::move(path)), options_(options) {}
  FileReporter(const FileReporter&) = delete;
  FileReporter& operator=(const FileReporter&) = delete;

  const std::string& path() const { return path_; }
  // The outcome of the latest write: OK before any write and after a good one.
  const Status& status() const { return status_; }
  // "json", "junit", "gradescope": for messages.
  virtual std::string_view format_name() const = 0;

  // Live events carry nothing these files record.
  void TestStart(const TestSpec&, int, uint64_t) override {}
  void TestLine(const TestSpec&, std::string_view) override {}

 protected:
  // Writes `contents` to path() atomically and records the outcome. For
  // kStdoutPath only a `final` document is written (to stdout, flushed);
  // the others are skipped.
  void Rewrite(std::string_view contents, bool final = false);
  // Builds `document` and rewrites the file with it when RewriteDue says so
  // (always when `final`), timing both; otherwise does nothing. For
  // kStdoutPath only a `final` document is built.
  void Refresh(const std::function<std::string()>& document, bool final = false);

 private:
  std::string path_;
  AtomicWriteOptions options_;
  Status status_;
  // The latest Refresh that wrote: when it ended and what it cost (0 before
  // the first, which RewriteDue always lets through).
  std::chrono::steady_clock::time_point last_end_{};
  std::chrono::nanoseconds last_cost_{0};
};

}  // namespace raftlab
