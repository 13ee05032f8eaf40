#include "harness/linearizability/visualize.h"

#include <stdlib.h>  // mkstemps
#include <unistd.h>  // close

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "harness/linearizability/kv_model.h"

namespace raftlab::lin {

namespace {

constexpr int kLeft = 96;      // row label column
constexpr int kBandTop = 18;   // band label strip
constexpr int kRowH = 30;
constexpr int kBoxH = 22;
constexpr int kAxisH = 34;

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': out += "&#10;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Ms(int64_t ns, int64_t origin) {
  if (ns == kNeverReturned) return "never returned";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f ms", static_cast<double>(ns - origin) / 1e6);
  return buf;
}

std::string ShortLabel(const Operation& op) {
  auto v = [](const std::string& s) { return s.size() > 8 ? s.substr(0, 7) + "~" : s; };
  if (op.kind == OpKind::kGet) {
    if (op.err == KvErr::kOk) return "get " + v(op.out_value) + "@" + std::to_string(op.out_version);
    return "get " + std::string(KvErrName(op.err));
  }
  return "put " + v(op.in_value) + "@" + std::to_string(op.in_version) + " " +
         std::string(KvErrName(op.err));
}

// What an operation needs of the key's state to take effect as it returned:
// the reason it cannot follow a prefix whose state is something else.
std::string Needs(const Operation& op) {
  if (op.kind == OpKind::kGet) {
    if (op.err == KvErr::kOk) {
      return "the key to hold " + QuoteValue(op.out_value) + " at version " + std::to_string(op.out_version);
    }
    if (op.err == KvErr::kErrNoKey) return "the key to be absent";
    return "a state the model accepts for it";
  }
  switch (op.err) {
    case KvErr::kOk:
      return op.in_version == 0 ? "the key to be absent (a put at version 0 creates it)"
                                : "the key to be at version " + std::to_string(op.in_version);
    case KvErr::kErrVersion:
      return op.in_version == 0 ? "the key to exist (a put at version 0 fails only then)"
                                : "the key to exist at a version other than " + std::to_string(op.in_version);
    case KvErr::kErrNoKey:
      return "the key to be absent (a put above version 0 fails only then)";
    case KvErr::kErrMaybe:
      return "a state where it either applies or not";
  }
  return "a state the model accepts for it";
}

// Two operations overlap when neither returned before the other was called.
bool Overlap(const Operation& a, const Operation& b) { return a.call_ns <= b.return_ns && b.call_ns <= a.return_ns; }

// Ordinal time axis of one key: every distinct time gets a slot.
class Axis {
 public:
  Axis(std::vector<int64_t> times, int slot_px) : t_(std::move(times)), px_(slot_px) {
    std::sort(t_.begin(), t_.end());
    t_.erase(std::unique(t_.begin(), t_.end()), t_.end());
  }
  // Centre of the slot of `t`, or halfway between neighbours for other times.
  double X(int64_t t) const {
    auto it = std::lower_bound(t_.begin(), t_.end(), t);
    double slot = static_cast<double>(it - t_.begin());
    if (it == t_.end() || *it != t) slot -= 0.5;
    slot = std::clamp(slot, -0.5, static_cast<double>(t_.size()) - 0.5);
    return kLeft + (slot + 0.5) * px_;
  }
  int Width() const { return kLeft + static_cast<int>(t_.size()) * px_ + 8; }
  const std::vector<int64_t>& times() const { return t_; }
  int px() const { return px_; }

 private:
  std::vector<int64_t> t_;
  int px_;
};

struct OpMark {
  int order = -1;  // position in the prefix, -1 if not in it
  std::string variant;
  std::string before, after;
};

// Under an illegal key's picture, the operations that decide the verdict,
// each with its call, result and times: the last few of the prefix (they
// made its state), the one that could not be placed, and those overlapping it.
constexpr size_t kPrefixRowsShown = 5;

void RenderKeyTable(const History& h, const KeyResult& k, const std::set<size_t>& overlapping,
                    const std::map<size_t, OpMark>& marks, int64_t origin, std::string* out) {
  struct Row {
    size_t op;
    std::string role, cls, state;
  };
  std::vector<Row> rows;
  const size_t n = k.linearization.size();
  for (size_t j = n > kPrefixRowsShown ? n - kPrefixRowsShown : 0; j < n; ++j) {
    const size_t op = k.linearization[j].op;
    const OpMark& m = marks.at(op);
    rows.push_back({op, "#" + std::to_string(m.order) + " of the prefix", "lin", m.after});
  }
  rows.push_back({k.unplaced, "cannot be placed next", "unplaced", ""});
  for (size_t op : overlapping) {
    if (marks.count(op) == 0) rows.push_back({op, "overlaps it", "overlap", ""});
  }
  *out += "<table class=\"ops\"><tr><th>operation</th><th>client</th><th>call and result</th><th>called at</th>"
          "<th>returned at</th><th>state after</th></tr>\n";
  for (const Row& r : rows) {
    const Operation& op = h.ops[r.op];
    const bool overlap = overlapping.count(r.op) > 0;
    *out += "<tr class=\"" + r.cls + (overlap && r.cls != "overlap" ? " overlap" : "") + "\"><td>" + Esc(r.role) +
            (overlap && r.cls != "overlap" ? " (overlaps it)" : "") + "</td><td>" + std::to_string(op.client) +
            "</td><td>" + Esc(DescribeOperation(op)) + "</td><td>" + Esc(Ms(op.call_ns, origin)) + "</td><td>" +
            Esc(Ms(op.return_ns, origin)) + "</td><td>" + Esc(r.state) + "</td></tr>\n";
  }
  *out += "</table>\n";
}

void RenderKey(const History& h, const KeyResult& k, int64_t origin, std::string* out) {
  // Times on the axis: every finite call/return of the key.
  std::vector<int64_t> times;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i : k.ops) {
    const Operation& op = h.ops[i];
    times.push_back(op.call_ns);
    lo = std::min(lo, op.call_ns);
    hi = std::max(hi, op.call_ns);
    if (op.return_ns != kNeverReturned) {
      times.push_back(op.return_ns);
      hi = std::max(hi, op.return_ns);
    }
  }
  const int slots = static_cast<int>(std::set<int64_t>(times.begin(), times.end()).size()) + 1;
  const int px = std::clamp(1400 / std::max(slots, 1), 10, 44);
  const int64_t end_time = hi + 1;  // never-returned ops extend to here
  times.push_back(end_time);
  Axis axis(times, px);

  // Replay the prefix on strings for the tooltips.
  std::map<size_t, OpMark> marks;
  StringState state;
  StringState succ[kMaxSuccessors];
  for (size_t j = 0; j < k.linearization.size(); ++j) {
    const LinearizedOp& l = k.linearization[j];
    const Operation& op = h.ops[l.op];
    OpMark& m = marks[l.op];
    m.order = static_cast<int>(j) + 1;
    m.before = DescribeState(state);
    const int n = StepRegister(state, ToRegisterOp(op), succ);
    if (l.variant < n) state = succ[l.variant];
    m.variant = std::string(VariantLabel(op, l.variant, n));
    m.after = DescribeState(state);
  }
  const std::string prefix_state = DescribeState(state);

  // The operations that overlap the one that could not be placed: the only
  // ones that could have been ordered before it.
  std::set<size_t> overlapping;
  if (k.has_unplaced) {
    for (size_t i : k.ops) {
      if (i != k.unplaced && Overlap(h.ops[i], h.ops[k.unplaced])) overlapping.insert(i);
    }
    const Operation& bad = h.ops[k.unplaced];
    *out += "<p class=\"why\">After the " + std::to_string(k.linearization.size()) +
            " operations numbered in green, the key's state is " + Esc(prefix_state) + ". The red one, client " +
            std::to_string(bad.client) + "'s " + Esc(DescribeOperation(bad)) + " (called at " +
            Esc(Ms(bad.call_ns, origin)) + ", returned at " + Esc(Ms(bad.return_ns, origin)) + "), needs " +
            Esc(Needs(bad)) + ", so it cannot come next; the checker tried the " +
            std::to_string(overlapping.size()) +
            (overlapping.size() == 1 ? " operation that overlaps" : " operations that overlap") +
            " it in time (blue outline) in every order and none leads to a state it fits.</p>\n";
  }

  std::vector<int> clients;
  for (size_t i : k.ops) clients.push_back(h.ops[i].client);
  std::sort(clients.begin(), clients.end());
  clients.erase(std::unique(clients.begin(), clients.end()), clients.end());
  auto row_of = [&clients](int c) {
    return static_cast<int>(std::lower_bound(clients.begin(), clients.end(), c) - clients.begin());
  };

  const int width = axis.Width();
  const int rows_h = static_cast<int>(clients.size()) * kRowH;
  const int height = kBandTop + rows_h + kAxisH;
  *out += "<div class=\"scroll\"><svg width=\"" + std::to_string(width) + "\" height=\"" +
          std::to_string(height) + "\">\n";
  // Row labels and guides.
  for (size_t r = 0; r < clients.size(); ++r) {
    const int y = kBandTop + static_cast<int>(r) * kRowH;
    *out += "<rect class=\"row\" x=\"0\" y=\"" + std::to_string(y) + "\" width=\"" +
            std::to_string(width) + "\" height=\"" + std::to_string(kRowH) + "\"/>";
    *out += "<text class=\"rowlabel\" x=\"6\" y=\"" + std::to_string(y + kRowH / 2 + 4) +
            "\">client " + std::to_string(clients[r]) + "</text>\n";
  }
  // Annotation bands that overlap the key's time range.
  for (const Annotation& a : h.annotations) {
    if (a.end_ns < lo || a.start_ns > hi) continue;
    const double x0 = axis.X(a.start_ns);
    const double x1 = std::max(axis.X(a.end_ns), x0 + 3);
    const char* cls = a.kind == AnnotationKind::kPartition ? "band partition"
                      : a.kind == AnnotationKind::kCrash   ? "band crash"
                                                           : "band other";
    const std::string tip = a.label + "\nfrom " + Ms(a.start_ns, origin) + "\nto   " +
                            Ms(a.end_ns, origin);
    char geo[160];
    std::snprintf(geo, sizeof geo, "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"", x0, 0,
                  x1 - x0, kBandTop + rows_h);
    *out += std::string("<rect class=\"") + cls + "\" " + geo + " data-tip=\"" + Esc(tip) + "\"/>";
    std::snprintf(geo, sizeof geo, "x=\"%.1f\" y=\"12\"", x0 + 2);
    *out += std::string("<text class=\"bandlabel\" ") + geo + ">" + Esc(a.label) + "</text>\n";
  }
  // Operations.
  for (size_t i : k.ops) {
    const Operation& op = h.ops[i];
    const int y = kBandTop + row_of(op.client) * kRowH + (kRowH - kBoxH) / 2;
    const double x0 = axis.X(op.call_ns) - px * 0.4;
    const int64_t ret = op.return_ns == kNeverReturned ? end_time : op.return_ns;
    const double x1 = axis.X(ret) + px * 0.4;
    auto mit = marks.find(i);
    const bool in_prefix = mit != marks.end();
    const bool unplaced = k.has_unplaced && k.unplaced == i;
    const bool rejected = std::find(k.rejected.begin(), k.rejected.end(), i) != k.rejected.end();
    const bool overlaps = overlapping.count(i) > 0;
    std::string cls = "op";
    if (in_prefix) cls += " lin";
    if (unplaced) cls += " unplaced";
    if (rejected && !unplaced) cls += " rejected";
    if (overlaps) cls += " overlap";
    std::string tip = "client " + std::to_string(op.client) + "\n" + DescribeOperation(op) +
                      "\ncall   " + Ms(op.call_ns, origin) + "  (" + std::to_string(op.call_ns) +
                      " ns)\nreturn " + Ms(op.return_ns, origin) + "  (" +
                      (op.return_ns == kNeverReturned ? std::string("-")
                                                      : std::to_string(op.return_ns)) +
                      " ns)";
    if (in_prefix) {
      tip += "\nlinearized #" + std::to_string(mit->second.order);
      if (!mit->second.variant.empty()) tip += " (" + mit->second.variant + ")";
      tip += "\nstate before " + mit->second.before + "\nstate after  " + mit->second.after;
    }
    if (overlaps) tip += "\noverlaps the operation that could not be placed";
    if (unplaced) {
      tip += "\nCOULD NOT BE PLACED after the prefix of " +
             std::to_string(k.linearization.size()) + " (state there " + prefix_state + ")";
    } else if (rejected) {
      tip += "\nrejected by the model after the prefix (state " + prefix_state + ")";
    }
    char geo[160];
    std::snprintf(geo, sizeof geo, "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"", x0, y,
                  x1 - x0, kBoxH);
    *out += "<g class=\"" + cls + "\" data-tip=\"" + Esc(tip) + "\"><rect " + geo + " rx=\"3\"/>";
    std::string label = ShortLabel(op);
    if (in_prefix) label = "#" + std::to_string(mit->second.order) + " " + label;
    if (unplaced) label = "X " + label;
    // The failing operation and those overlapping it are always labelled
    // (beside the box when it is too narrow); others when the label fits.
    const bool fits = (x1 - x0) >= 6.5 * static_cast<double>(label.size()) + 6;
    if (fits || unplaced || overlaps) {
      std::snprintf(geo, sizeof geo, "x=\"%.1f\" y=\"%d\"", fits ? x0 + 4 : x1 + 3, y + 15);
      *out += std::string("<text class=\"oplabel\" ") + geo + ">" + Esc(label) + "</text>";
    } else if (in_prefix) {
      // A narrow box of the prefix keeps at least its number (the table
      // under the picture gives the last ones in full).
      const std::string num = "#" + std::to_string(mit->second.order);
      if ((x1 - x0) >= 6.5 * static_cast<double>(num.size()) + 4) {
        std::snprintf(geo, sizeof geo, "x=\"%.1f\" y=\"%d\"", x0 + 2, y + 15);
        *out += std::string("<text class=\"oplabel\" ") + geo + ">" + num + "</text>";
      }
    }
    *out += "</g>\n";
  }
  // Axis ticks: ms since the first call of the history, at least 80 px apart.
  const std::vector<int64_t>& ts = axis.times();
  double last_x = -1e9;
  const int ty = kBandTop + rows_h;
  for (int64_t t : ts) {
    if (t == end_time) continue;
    const double x = axis.X(t);
    if (x - last_x < 80) continue;
    last_x = x;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                  "<text class=\"ticklabel\" x=\"%.1f\" y=\"%d\">%.3f ms</text>\n",
                  x, ty, x, ty + 6, x - 20, ty + 20, static_cast<double>(t - origin) / 1e6);
    *out += buf;
  }
  *out += "</svg></div>\n";
  if (k.has_unplaced) RenderKeyTable(h, k, overlapping, marks, origin, out);
}

constexpr const char* kStyle = R"CSS(
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 8px; }
pre.summary { background: #f6f6f6; padding: 8px; white-space: pre-wrap; }
.verdict-illegal { color: #b71c1c; } .verdict-unknown { color: #e65100; } .verdict-ok { color: #1b5e20; }
details { margin: 10px 0; border: 1px solid #ddd; border-radius: 4px; padding: 4px 8px; }
summary { cursor: pointer; font-weight: 600; }
.scroll { overflow-x: auto; }
svg text { font: 11px monospace; pointer-events: none; }
.row { fill: none; stroke: #eee; }
.rowlabel { fill: #555; }
.op rect { fill: #e0e0e0; stroke: #9e9e9e; }
.op.lin rect { fill: #a5d6a7; stroke: #2e7d32; }
.op.rejected rect { stroke: #ef6c00; stroke-width: 2; stroke-dasharray: 4 2; }
.op.unplaced rect { fill: #ef9a9a; stroke: #b71c1c; stroke-width: 3; }
.op.overlap rect { stroke: #1565c0; stroke-width: 3; }
p.why { background: #fff3e0; padding: 6px 8px; border-left: 4px solid #b71c1c; }
table.ops { border-collapse: collapse; margin: 6px 0 10px; font: 12px monospace; }
table.ops th, table.ops td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
tr.lin td:first-child { background: #a5d6a7; } tr.unplaced td { background: #ef9a9a; }
tr.overlap td:first-child { outline: 2px solid #1565c0; }
.op:hover rect { stroke: #000; stroke-width: 2; }
.band { opacity: 0.45; } .band.partition { fill: #b3e5fc; } .band.crash { fill: #ffccbc; }
.band.other { fill: #e1bee7; }
.bandlabel { fill: #37474f; } .tick { stroke: #777; } .ticklabel { fill: #555; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 8px; border: 1px solid #999; }
#tip { position: fixed; display: none; background: #fffde7; border: 1px solid #999;
       padding: 6px; font: 12px monospace; white-space: pre; pointer-events: none; z-index: 9; }
)CSS";

constexpr const char* kScript = R"JS(
(function () {
  var tip = document.getElementById('tip');
  function find(el) {
    while (el && el.getAttribute) {
      if (el.getAttribute('data-tip') !== null) return el;
      el = el.parentNode;
    }
    return null;
  }
  document.addEventListener('mousemove', function (ev) {
    var el = find(ev.target);
    if (!el) { tip.style.display = 'none'; return; }
    tip.textContent = el.getAttribute('data-tip');
    tip.style.display = 'block';
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = ev.clientX - tip.offsetWidth - 8;
    if (y + tip.offsetHeight > window.innerHeight) y = ev.clientY - tip.offsetHeight - 8;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
})();
)JS";

}  // namespace

std::string RenderHtml(const History& h, const CheckReport& report,
                       const VisualizeOptions& options) {
  int64_t origin = 0;
  if (!h.ops.empty()) {
    origin = INT64_MAX;
    for (const Operation& op : h.ops) origin = std::min(origin, op.call_ns);
  }
  const std::string verdict = report.result == CheckResult::kIllegal   ? "NOT linearizable"
                              : report.result == CheckResult::kUnknown ? "unknown (check timed out)"
                                                                       : "linearizable";
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + Esc(options.title) +
         "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<h1>" + Esc(options.title) + ": <span class=\"verdict-" +
         std::string(CheckResultName(report.result)) + "\">" + verdict + "</span></h1>\n";
  out += "<pre class=\"summary\">" + Esc(report.Summary(h)) + "</pre>\n";
  if (!options.timeline_link.empty()) {
    out += "<p class=\"timeline-link\">What the servers did meanwhile (roles, crashes, partitions, every clerk "
           "call): <a href=\"" + Esc(options.timeline_link) + "\">the run's timeline</a>.</p>\n";
  }
  out += "<p class=\"legend\"><span style=\"background:#a5d6a7\">#n linearized prefix</span>"
         "<span style=\"background:#ef9a9a\">X could not be placed</span>"
         "<span style=\"border:2px solid #1565c0\">overlaps the red one</span>"
         "<span style=\"border:2px dashed #ef6c00\">rejected candidate</span>"
         "<span style=\"background:#e0e0e0\">not in the prefix</span>"
         "<span style=\"background:#b3e5fc\">partition</span>"
         "<span style=\"background:#ffccbc\">crash</span>"
         " Times: ms since the first call. The axis is ordinal: one slot per distinct time."
         " Hover for details.</p>\n";
  // Illegal keys first, then unknown, then ok; each group in key order.
  std::vector<const KeyResult*> order;
  for (CheckResult r : {CheckResult::kIllegal, CheckResult::kUnknown, CheckResult::kOk}) {
    for (const KeyResult& k : report.keys) {
      if (k.result == r && (r != CheckResult::kOk || options.include_ok_keys)) order.push_back(&k);
    }
  }
  for (const KeyResult* k : order) {
    out += std::string("<details") + (k->result == CheckResult::kIllegal ? " open" : "") +
           "><summary>key " + Esc(QuoteValue(k->key)) + ": " +
           std::string(CheckResultName(k->result)) + ", " + std::to_string(k->ops.size()) +
           " operations, linearized " + std::to_string(k->linearization.size()) + "</summary>\n";
    RenderKey(h, *k, origin, &out);
    out += "</details>\n";
  }
  out += "<div id=\"tip\"></div>\n<script>" + std::string(kScript) + "</script>\n</body></html>\n";
  return out;
}

Status WriteVisualization(const History& h, const CheckReport& report, const std::string& path,
                          const VisualizeOptions& options) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    return Status::NotFound("cannot open visualisation file " + path + ": " + std::strerror(errno));
  }
  f << RenderHtml(h, report, options);
  f.close();
  if (!f) return Status::Internal("cannot write visualisation file " + path);
  return Status::Ok();
}

StatusOr<std::string> WriteVisualizationToTemp(const History& h, const CheckReport& report,
                                               const std::string& dir,
                                               const VisualizeOptions& options) {
  std::string templ = dir + "/linearizability-XXXXXX.html";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), 5);
  if (fd < 0) {
    return Status::NotFound("cannot create a visualisation file in " + dir + ": " +
                            std::strerror(errno));
  }
  close(fd);
  std::string path(buf.data());
  Status s = WriteVisualization(h, report, path, options);
  if (!s.ok()) return s;
  return path;
}

}  // namespace raftlab::lin
