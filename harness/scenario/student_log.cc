// StudentLog (see student_log.h).
#include "harness/scenario/student_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include <fmt/format.h>

namespace raftlab {
namespace {

// Writes all of s, retrying on short writes and EINTR; gives up on errors
// (a full disk must not take the test down with it).
void WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads up to `max_bytes` from the end of the file at path.
std::string ReadEnd(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  off_t size = ::lseek(fd, 0, SEEK_END);
  off_t from = size > static_cast<off_t>(max_bytes) ? size - static_cast<off_t>(max_bytes) : 0;
  std::string out;
  if (size > 0 && ::lseek(fd, from, SEEK_SET) == from) {
    out.resize(static_cast<size_t>(size - from));
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = ::read(fd, out.data() + got, out.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    out.resize(got);
    // A partial first line (we started mid-file) is dropped.
    if (from > 0) {
      size_t nl = out.find('\n');
      out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
    }
  }
  ::close(fd);
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

}  // namespace

std::string LevelName(int level) {
  switch (level) {
    case 0: return "DEBUG";
    case 1: return "INFO";
    case 2: return "WARN";
    case 3: return "ERROR";
    default: return fmt::format("L{}", level);
  }
}

namespace {

std::vector<std::string> PrefixLines(const std::string& prefix, std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<std::string> out;
  do {
    size_t nl = text.find('\n');
    std::string_view one = text.substr(0, nl);
    if (!one.empty() && one.back() == '\r') one.remove_suffix(1);
    out.push_back(prefix + std::string(one));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  } while (!text.empty());
  return out;
}

}  // namespace

std::vector<std::string> FormatStudentLogLine(const StudentLogLine& line) {
  const int64_t ms = std::chrono::duration_cast<Millis>(line.t).count();
  const std::string peer = line.peer >= 0 ? fmt::format("S{}", line.peer) : "S-";
  const std::string term = line.term >= 0 ? fmt::format("T{}", line.term) : "T-";
  return PrefixLines(fmt::format("{:>7}ms {} {} {:<5} ", ms, peer, term, LevelName(line.level)), line.text);
}

std::vector<std::string> FormatHarnessNote(Nanos t, std::string_view text) {
  const int64_t ms = std::chrono::duration_cast<Millis>(t).count();
  return PrefixLines(fmt::format("{:>7}ms ====== ", ms), text);
}

StatusOr<std::unique_ptr<StudentLog>> StudentLog::Open(Runtime& rt, Nanos start, StudentLogOptions options) {
  int fd = ::open(options.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Internal(fmt::format("cannot create the student log {}: {}", options.path, std::strerror(errno)));
  }
  return std::unique_ptr<StudentLog>(new StudentLog(rt, start, std::move(options), fd));
}

StudentLog::StudentLog(Runtime& rt, Nanos start, StudentLogOptions options, int fd)
    : rt_(rt), start_(start), options_(std::move(options)), mu_(rt.make_mutex()), fd_(fd) {}

StudentLog::~StudentLog() {
  MutexLock lock(*mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void StudentLog::Add(int peer, int64_t term, int level, std::string_view text) {
  StudentLogLine line{rt_.now() - start_, peer, term, level, std::string(text)};
  std::vector<std::string> formatted = FormatStudentLogLine(line);
  MutexLock lock(*mu_);
  for (std::string& f : formatted) {
    ++lines_;
    WriteLocked(f);
    tail_.push_back(std::move(f));
    if (tail_.size() > options_.tail_lines) tail_.pop_front();
  }
}

void StudentLog::AddNote(std::string_view text) {
  std::vector<std::string> formatted = FormatHarnessNote(rt_.now() - start_, text);
  MutexLock lock(*mu_);
  for (std::string& f : formatted) {
    WriteLocked(f);
    tail_.push_back(std::move(f));
    if (tail_.size() > options_.tail_lines) tail_.pop_front();
  }
}

void StudentLog::WriteLocked(const std::string& line) {
  std::string with_nl = line + '\n';
  if (fd_ >= 0) {
    if (file_bytes_ + static_cast<int64_t>(with_nl.size()) > options_.rotate_bytes && file_bytes_ > 0 &&
        options_.rotate_in_place) {
      // O_APPEND: after the truncate, writes go to the new end (offset 0).
      dropped_bytes_ += file_bytes_;
      file_bytes_ = 0;
      if (::ftruncate(fd_, 0) == 0) {
        const std::string note =
            fmt::format("[labtest: the log passed {} bytes; {} older bytes were dropped]\n", options_.rotate_bytes,
                        dropped_bytes_);
        WriteAll(fd_, note);
        file_bytes_ = static_cast<int64_t>(note.size());
      }
    } else if (file_bytes_ + static_cast<int64_t>(with_nl.size()) > options_.rotate_bytes && file_bytes_ > 0) {
      ::close(fd_);
      const std::string old = options_.path + ".1";
      std::rename(options_.path.c_str(), old.c_str());
      fd_ = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
      file_bytes_ = 0;
    }
    if (fd_ >= 0) {
      WriteAll(fd_, with_nl);
      file_bytes_ += static_cast<int64_t>(with_nl.size());
    }
  }
  if (options_.live_fd >= 0) WriteAll(options_.live_fd, options_.live_prefix + with_nl);
}

std::vector<std::string> StudentLog::Tail() const {
  MutexLock lock(*mu_);
  return {tail_.begin(), tail_.end()};
}

int64_t StudentLog::lines() const {
  MutexLock lock(*mu_);
  return lines_;
}

std::vector<std::string> ReadLogTail(const std::string& path, size_t n, size_t max_chars) {
  constexpr size_t kReadBytes = 256 << 10;  // enough for n lines of normal length
  std::vector<std::string> lines = SplitLines(ReadEnd(path, kReadBytes));
  if (lines.size() < n) {
    std::vector<std::string> older = SplitLines(ReadEnd(path + ".1", kReadBytes));
    lines.insert(lines.begin(), older.begin(), older.end());
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
  for (std::string& l : lines) {
    if (l.size() > max_chars) l = l.substr(0, max_chars) + " [...]";
  }
  return lines;
}

namespace {
// The source token of a formatted line: the word after "<ms>ms ".
std::string_view LineSource(std::string_view line) {
  const size_t ms = line.find("ms ");
  if (ms == std::string_view::npos) return {};
  const size_t start = ms + 3;
  const size_t end = line.find(' ', start);
  return line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}
}  // namespace

std::vector<std::string> TailPerPeer(const std::vector<std::string>& lines, size_t per_peer, size_t notes) {
  std::map<std::string_view, size_t> kept;  // source -> lines kept so far, counting from the end
  std::vector<bool> keep(lines.size(), false);
  for (size_t k = lines.size(); k-- > 0;) {
    const std::string_view source = LineSource(lines[k]);
    size_t& n = kept[source];
    if (n < (source == "======" ? notes : per_peer)) {
      keep[k] = true;
      ++n;
    }
  }
  std::vector<std::string> out;
  for (size_t k = 0; k < lines.size(); k++) {
    if (keep[k]) out.push_back(lines[k]);
  }
  return out;
}

}  // namespace raftlab
