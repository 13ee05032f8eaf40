// Terminal output helpers for the console: is a stream a terminal, how wide
// is it, should labtest colour its output, and ANSI colouring of a word.
//
// Colour rule (ShouldColor): --color=always colours, --color=never does not;
// --color=auto (the default) colours only when the stream is a terminal,
// NO_COLOR is unset or empty (https://no-color.org: any non-empty value
// disables colour), and TERM is not "dumb". An explicit --color=always wins
// over NO_COLOR, as that convention allows. When not a terminal labtest
// writes plain lines: no colour and no progress line, so no escape codes.
//
// Thread safety: pure functions (IsTerminal/TerminalWidth query the fd).
// Ownership: none.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>


namespace raftlab {

// --color.
enum class ColorMode { kAuto, kAlways, kNever };

bool IsTerminal(std::FILE* f);
// Columns of the terminal behind f; `fallback` when unknown or not a terminal.
int TerminalWidth(std::FILE* f, int fallback = 80);

// no_color and term are the environment values (nullptr when unset).
bool ShouldColor(ColorMode mode, bool is_tty, const char* no_color, const char* term);
// ShouldColor for `f` with this process's environment.
bool ShouldColorHere(ColorMode mode, std::FILE* f);

enum class Tone { kPass, kFail, kSkip, kBold, kDim };
// `text` wrapped in the ANSI codes of `tone` when `color`; else `text` as is.
std::string Paint(std::string_view text, Tone tone, bool color);

}  // namespace raftlab
