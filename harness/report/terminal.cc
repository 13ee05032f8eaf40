// Terminal helpers (see terminal.h).
#include "harness/report/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace raftlab {

bool IsTerminal(std::FILE* f) { return f != nullptr && ::isatty(::fileno(f)) == 1; }

int TerminalWidth(std::FILE* f, int fallback) {
  if (!IsTerminal(f)) return fallback;
  winsize ws{};
  if (::ioctl(::fileno(f), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return fallback;
  return ws.ws_col;
}

bool ShouldColor(ColorMode mode, bool is_tty, const char* no_color, const char* term) {
  switch (mode) {
    case ColorMode::kAlways: return true;
    case ColorMode::kNever: return false;
    case ColorMode::kAuto: break;
  }
  if (!is_tty) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return true;
}

bool ShouldColorHere(ColorMode mode, std::FILE* f) {
  return ShouldColor(mode, IsTerminal(f), std::getenv("NO_COLOR"), std::getenv("TERM"));
}

std::string Paint(std::string_view text, Tone tone, bool color) {
  if (!color) return std::string(text);
  const char* code = "";
  switch (tone) {
    case Tone::kPass: code = "\033[32m"; break;    // green
    case Tone::kFail: code = "\033[1;31m"; break;  // bold red
    case Tone::kSkip: code = "\033[33m"; break;    // yellow
    case Tone::kBold: code = "\033[1m"; break;
    case Tone::kDim: code = "\033[2m"; break;
  }
  return std::string(code) + std::string(text) + "\033[0m";
}

}  // namespace raftlab
