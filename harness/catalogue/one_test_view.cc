#include "harness/catalogue/one_test_view.h"

#include <vector>

namespace raftlab {
namespace {

struct Line {
  size_t begin = 0;  // offset of the first character
  size_t end = 0;    // offset of the '\n' (or the text's end)
};

size_t Indent(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') i++;
  return i;
}

// Blank or only a comment: belongs to no structure.
bool Neutral(std::string_view line) {
  const size_t i = Indent(line);
  return i == line.size() || line[i] == '#' || (line[i] == '\r' && i + 1 == line.size());
}

// "- ..." or a lone "-" at `indent`: a block sequence item.
bool ItemAt(std::string_view line, size_t indent) {
  if (Indent(line) != indent || indent >= line.size() || line[indent] != '-') return false;
  return indent + 1 == line.size() || line[indent + 1] == ' ' || line[indent + 1] == '\r';
}

}  // namespace

std::optional<std::string> OneTestView(std::string_view text, std::string_view name) {
  if (name.empty()) return std::nullopt;
  std::vector<Line> lines;
  for (size_t at = 0; at <= text.size();) {
    const size_t nl = text.find('\n', at);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    lines.push_back({at, end});
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  auto view = [&](size_t i) { return text.substr(lines[i].begin, lines[i].end - lines[i].begin); };

  // Plain block style only: no tabs, no document markers or directives.
  size_t tests_key = lines.size();
  for (size_t i = 0; i < lines.size(); i++) {
    const std::string_view l = view(i);
    if (l.find('\t') != std::string_view::npos) return std::nullopt;
    if (l.substr(0, 3) == "---" || l.substr(0, 3) == "..." || l.substr(0, 1) == "%") return std::nullopt;
    // A block scalar that keeps its trailing line breaks (|+, >+) would
    // take in the empty lines that stand for a blanked entry.
    for (size_t c = l.find_first_of("|>"); c != std::string_view::npos; c = l.find_first_of("|>", c + 1)) {
      size_t d = c + 1;
      if (d < l.size() && l[d] >= '1' && l[d] <= '9') d++;
      if (d < l.size() && l[d] == '+') return std::nullopt;
    }
    if (l.substr(0, 6) == "tests:") {
      if (tests_key != lines.size()) return std::nullopt;  // twice: let the parser say so
      // Nothing but a comment may follow the key on its line.
      const std::string_view rest = l.substr(6);
      const size_t i2 = Indent(rest);
      if (i2 < rest.size() && rest[i2] != '#' && rest[i2] != '\r') return std::nullopt;
      tests_key = i;
    }
  }
  if (tests_key == lines.size()) return std::nullopt;

  // The first item fixes the sequence's indent.
  size_t first = tests_key + 1;
  while (first < lines.size() && Neutral(view(first))) first++;
  if (first == lines.size()) return std::nullopt;
  const size_t indent = Indent(view(first));
  if (!ItemAt(view(first), indent)) return std::nullopt;

  // Items run from one "- " line at the indent to the next; the sequence
  // ends at a line less indented, or as indented and not an item.
  std::vector<size_t> starts;
  size_t end = first;
  for (; end < lines.size(); end++) {
    const std::string_view l = view(end);
    if (Neutral(l)) continue;
    const size_t in = Indent(l);
    if (in < indent || (in == indent && !ItemAt(l, indent))) break;
    if (in == indent) starts.push_back(end);
  }
  // (Blank and comment lines after the last item go with it.)
  starts.push_back(end);

  std::string out;
  out.reserve(text.size());
  out.append(text.substr(0, lines[starts.front()].begin));
  bool kept = false;
  for (size_t k = 0; k + 1 < starts.size(); k++) {
    const size_t from = lines[starts[k]].begin;
    const size_t to = lines[starts[k + 1] - 1].end;
    const std::string_view item = text.substr(from, to - from);
    if (item.find(name) != std::string_view::npos) {
      kept = true;
      out.append(item);
      out.push_back('\n');
    } else {
      out.append(starts[k + 1] - starts[k], '\n');  // empty lines: every later line keeps its number
    }
  }
  if (starts.back() < lines.size()) out.append(text.substr(lines[starts.back()].begin));
  if (!kept) return std::nullopt;
  return out;
}

}  // namespace raftlab
