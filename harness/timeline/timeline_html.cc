// The timeline picture (see timeline_html.h). The C++ side lays the run out
// (lanes, which lane each event belongs to, network bands) and embeds it as
// JSON; the inline script draws the SVG for the visible time window, so zoom
// and pan redraw at full detail.
#include "harness/timeline/timeline_html.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The lane of peer `peer` at time t: the latest incarnation started by then.
int LaneAt(const std::vector<TimelineLane>& lanes, int peer, int incarnation, double t) {
  int best = -1;
  for (size_t k = 0; k < lanes.size(); k++) {
    const TimelineLane& l = lanes[k];
    if (l.peer != peer) continue;
    if (incarnation > 0) {
      if (l.incarnation == incarnation) return static_cast<int>(k);
      continue;
    }
    if (l.t0_s <= t || best < 0) best = static_cast<int>(k);
  }
  return best;
}

// "{0,1} {2}" -> {{0,1},{2}}.
std::vector<std::vector<int>> ParseGroups(const std::string& text) {
  std::vector<std::vector<int>> groups;
  std::vector<int>* cur = nullptr;
  int num = -1;
  for (char c : text) {
    if (c == '{') {
      groups.emplace_back();
      cur = &groups.back();
    } else if (c >= '0' && c <= '9') {
      num = (num < 0 ? 0 : num * 10) + (c - '0');
    } else {
      if (num >= 0 && cur) cur->push_back(num);
      num = -1;
      if (c == '}') cur = nullptr;
    }
  }
  return groups;
}

int PeerCount(const TimelineData& d) {
  int n = d.peers;
  for (const TimelineEvent& e : d.events) n = std::max(n, e.peer + 1);
  for (const RpcBin& b : d.rpcs) n = std::max({n, b.from + 1, b.to + 1});
  return n;
}

// Per peer, the intervals it was not connected to every other live peer.
// Mirrors labrpc's Mesh: each peer is in a group (-1: cut off); Connect and
// a restart put it in group 0, Disconnect and a crash cut it off, a
// partition numbers its groups from 0 and cuts off the peers it does not
// list. A crashed peer has no band (its lane has ended) and does not count
// against the others: a peer that reaches every peer that is up is not
// banded, however many are down.
nlohmann::json NetworkBands(const TimelineData& d, int n, double end_s) {
  nlohmann::json bands = nlohmann::json::array();
  std::vector<int> group(static_cast<size_t>(n), 0);
  std::vector<bool> up(static_cast<size_t>(n), true);
  std::vector<std::string> label(static_cast<size_t>(n));
  std::vector<double> since(static_cast<size_t>(n), 0);
  auto relabel = [&](double t, bool final) {
    for (int p = 0; p < n; p++) {
      std::string l;
      if (!final && up[static_cast<size_t>(p)]) {
        if (group[static_cast<size_t>(p)] < 0) {
          l = "disconnected";
        } else {
          std::string members;
          int count = 0, live = 0;
          for (int q = 0; q < n; q++) {
            if (!up[static_cast<size_t>(q)]) continue;
            live++;
            if (group[static_cast<size_t>(q)] != group[static_cast<size_t>(p)]) continue;
            members += (count++ ? "," : "") + std::to_string(q);
          }
          if (count < live) l = "partition {" + members + "}";
        }
      }
      if (label[static_cast<size_t>(p)] == l) continue;
      if (!label[static_cast<size_t>(p)].empty()) {
        bands.push_back({{"peer", p}, {"t0", since[static_cast<size_t>(p)]}, {"t1", t},
                         {"label", label[static_cast<size_t>(p)]}});
      }
      label[static_cast<size_t>(p)] = l;
      since[static_cast<size_t>(p)] = t;
    }
  };
  for (const TimelineEvent& e : d.events) {
    const bool peer_ok = e.peer >= 0 && e.peer < n;
    switch (e.kind) {
      case TimelineKind::kConnect:
      case TimelineKind::kRestart:
        if (peer_ok) group[static_cast<size_t>(e.peer)] = 0;
        if (peer_ok && e.kind == TimelineKind::kRestart) up[static_cast<size_t>(e.peer)] = true;
        break;
      case TimelineKind::kDisconnect:
      case TimelineKind::kCrash:
        if (peer_ok) group[static_cast<size_t>(e.peer)] = -1;
        if (peer_ok && e.kind == TimelineKind::kCrash) up[static_cast<size_t>(e.peer)] = false;
        break;
      case TimelineKind::kPartition: {
        std::fill(group.begin(), group.end(), -1);
        const std::vector<std::vector<int>> groups = ParseGroups(e.text);
        for (size_t k = 0; k < groups.size(); k++) {
          for (int p : groups[k]) {
            if (p >= 0 && p < n) group[static_cast<size_t>(p)] = static_cast<int>(k);
          }
        }
        break;
      }
      default: continue;
    }
    relabel(e.t_s, false);
  }
  relabel(end_s, true);
  return bands;
}

// The drawing code: reads the JSON in #timeline-data and draws #tl.
constexpr const char* kScript = R"JS(
(function () {
  const D = JSON.parse(document.getElementById('timeline-data').textContent);
  const svg = document.getElementById('tl');
  const tip = document.getElementById('tip');
  const LEFT = 120, ROW = 34, RPC_ROW = 26, CLI_ROW = 20, TOP = 22;
  let v0 = 0, v1 = Math.max(D.end, 1e-3);
  const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const ms = t => (t * 1000).toFixed(1) + ' ms';
  function draw() {
    const W = Math.max(svg.parentNode.clientWidth, 600);
    const plotW = W - LEFT - 10;
    const x = t => LEFT + (t - v0) / (v1 - v0) * plotW;
    const vis = (a, b) => b >= v0 && a <= v1;
    const clip = t => Math.min(Math.max(x(t), LEFT), LEFT + plotW);
    const laneY = k => TOP + ROW * (k + 1);
    const rpcTop = TOP + ROW * (D.lanes.length + 1) + 18;
    const clients = D.clients || [];
    const cliTop = rpcTop + RPC_ROW * D.peers + (clients.length ? 22 : 0);
    const H = cliTop + CLI_ROW * clients.length + 30;
    const o = [];
    // the harness lane: notes
    o.push(`<text x="4" y="${TOP + ROW / 2 + 4}" class="lname">harness</text>`);
    D.lanes.forEach((l, k) => {
      const y = laneY(k);
      o.push(`<g class="lane" data-lane="${esc(l.name)}"><text x="4" y="${y + ROW / 2 + 4}" class="lname">${esc(l.name)}</text>`);
      o.push(`<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y + ROW}" y2="${y + ROW}" class="grid"/>`);
      if (vis(l.t0, l.t1)) {
        o.push(`<rect x="${clip(l.t0)}" y="${y + 4}" width="${Math.max(clip(l.t1) - clip(l.t0), 1)}" height="${ROW - 8}" class="alive" data-tip="${esc(l.name + ': up from ' + ms(l.t0) + (l.crashed ? ' until its crash at ' : ' to ') + ms(l.t1))}"/>`);
      }
      o.push('</g>');
    });
    // roles: from one observation to the next on the same lane
    const roles = D.events.filter(e => e.k === 'role' && e.lane >= 0);
    roles.forEach((e, i) => {
      let end = D.lanes[e.lane].t1;
      for (let j = i + 1; j < roles.length; j++) if (roles[j].lane === e.lane) { end = roles[j].t; break; }
      if (!vis(e.t, end)) return;
      const y = laneY(e.lane), a = clip(e.t), b = clip(end);
      const cls = e.v ? 'leader' : 'follower';
      o.push(`<rect x="${a}" y="${y + 4}" width="${Math.max(b - a, 1)}" height="${ROW - 8}" class="${cls}" data-tip="${esc(D.lanes[e.lane].name + ': ' + (e.v ? 'leader' : 'not leader') + ' in term ' + e.term + ' (reported at ' + ms(e.t) + ')')}"/>`);
      if (b - a > 28) o.push(`<text x="${a + 3}" y="${y + 15}" class="term">${e.v ? 'L' : ''} T${e.term}</text>`);
    });
    D.bands.forEach(b => {
      if (!vis(b.t0, b.t1)) return;
      D.lanes.forEach((l, k) => {
        if (l.peer !== b.peer || !vis(Math.max(b.t0, l.t0), Math.min(b.t1, l.t1))) return;
        const a = clip(Math.max(b.t0, l.t0)), c = clip(Math.min(b.t1, l.t1));
        o.push(`<rect x="${a}" y="${laneY(k) + 2}" width="${Math.max(c - a, 2)}" height="${ROW - 4}" class="band" data-tip="${esc(l.name + ': ' + b.label + ' from ' + ms(b.t0) + ' to ' + ms(b.t1))}"/>`);
      });
    });
    D.events.forEach(e => {
      if (e.t < v0 || e.t > v1) return;
      const X = x(e.t);
      if (e.k === 'note') {
        o.push(`<line x1="${X}" x2="${X}" y1="${TOP + 6}" y2="${TOP + ROW - 6}" class="note" data-tip="${esc(ms(e.t) + ': ' + e.text)}"/>`);
        return;
      }
      if (e.k === 'failure') return;
      if (e.lane < 0) return;
      const y = laneY(e.lane), name = D.lanes[e.lane].name;
      if (e.k === 'apply') o.push(`<line x1="${X}" x2="${X}" y1="${y + ROW - 10}" y2="${y + ROW - 2}" class="apply" data-tip="${esc(name + ' applied index ' + e.idx + (e.term >= 0 ? ' (term ' + e.term + ')' : '') + ' at ' + ms(e.t))}"/>`);
      else if (e.k === 'snapshot') o.push(`<path d="M${X} ${y + ROW - 12} l4 5 l-4 5 l-4 -5 z" class="snapshot" data-tip="${esc(name + ': ' + e.text + ' at index ' + e.idx + ', ' + ms(e.t))}"/>`);
      else if (e.k === 'log') o.push(`<circle cx="${X}" cy="${y + 8}" r="3" class="log lvl${e.v}" data-tip="${esc(name + ' T' + e.term + ' ' + ms(e.t) + ': ' + e.text)}"/>`);
      else if (e.k === 'crash') o.push(`<text x="${X - 5}" y="${y + ROW / 2 + 5}" class="crash" data-tip="${esc(name + ' crashed at ' + ms(e.t))}">&#x2715;</text>`);
      else if (e.k === 'restart') o.push(`<path d="M${X} ${y + 4} l7 ${(ROW - 8) / 2} l-7 ${(ROW - 8) / 2} z" class="restart" data-tip="${esc(name + ' started (restart) at ' + ms(e.t))}"/>`);
      else if (e.k === 'connect' || e.k === 'disconnect') o.push(`<line x1="${X}" x2="${X}" y1="${y + 2}" y2="${y + ROW - 2}" class="${e.k}" data-tip="${esc(e.k + ' ' + name + ' at ' + ms(e.t))}"/>`);
    });
    // RPC counts per bin, one row per sender
    o.push(`<text x="4" y="${rpcTop - 4}" class="lname">RPCs sent per ${ms(D.bin_s)}</text>`);
    let maxc = 1;
    const cells = {};
    D.rpcs.forEach(([t, f, to, c]) => { const key = f + ':' + t; (cells[key] = cells[key] || { t, f, n: 0, to: {} }); cells[key].n += c; cells[key].to[to] = (cells[key].to[to] || 0) + c; maxc = Math.max(maxc, cells[key].n); });
    for (let p = 0; p < D.peers; p++) {
      const y = rpcTop + RPC_ROW * p;
      o.push(`<text x="4" y="${y + RPC_ROW / 2 + 4}" class="lname">from peer ${p}</text><line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y + RPC_ROW}" y2="${y + RPC_ROW}" class="grid"/>`);
    }
    Object.values(cells).forEach(c => {
      if (!vis(c.t, c.t + D.bin_s)) return;
      const y = rpcTop + RPC_ROW * c.f, h = Math.max(2, (RPC_ROW - 4) * c.n / maxc);
      const a = clip(c.t), b = clip(c.t + D.bin_s);
      const detail = Object.entries(c.to).map(([to, n]) => n + ' to peer ' + to).join(', ');
      o.push(`<rect x="${a}" y="${y + RPC_ROW - h}" width="${Math.max(b - a - 0.5, 1)}" height="${h}" class="rpc" data-tip="${esc('peer ' + c.f + ', ' + ms(c.t) + ' to ' + ms(c.t + D.bin_s) + ': ' + c.n + ' RPCs (' + detail + ')')}"/>`);
    });
    // KV clients: each call from its call to its return (open-ended if it never returned)
    if (clients.length) o.push(`<text x="4" y="${cliTop - 6}" class="lname">clerk calls</text>`);
    clients.forEach((cl, r) => {
      const y = cliTop + CLI_ROW * r;
      o.push(`<g class="client" data-client="client ${cl.c}"><text x="4" y="${y + CLI_ROW / 2 + 4}" class="lname">client ${cl.c}</text><line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y + CLI_ROW}" y2="${y + CLI_ROW}" class="grid"/>`);
      cl.ops.forEach(([t0, t1, text]) => {
        const end = t1 < 0 ? D.end : t1;
        if (!vis(t0, end)) return;
        const a = clip(t0), b = clip(end);
        const cls = t1 < 0 ? 'open' : /ErrMaybe/.test(text) ? 'maybe' : /-> (OK|\()/.test(text) ? 'ok' : 'err';
        o.push(`<rect x="${a}" y="${y + 4}" width="${Math.max(b - a, 1.5)}" height="${CLI_ROW - 8}" class="cop ${cls}" data-tip="${esc('client ' + cl.c + ': ' + text + ', called at ' + ms(t0) + (t1 < 0 ? ', never returned' : ', returned at ' + ms(t1)))}"/>`);
      });
      o.push('</g>');
    });
    // the failure across every lane
    if (D.failure && D.failure.t >= v0 && D.failure.t <= v1) {
      const X = x(D.failure.t);
      o.push(`<g id="failure-marker" class="failure" data-tip="${esc('FAILED at ' + ms(D.failure.t) + ': ' + D.failure.message)}"><line x1="${X}" x2="${X}" y1="${TOP - 6}" y2="${H - 26}"/><text x="${X + 4}" y="${TOP - 8}">failure</text></g>`);
    }
    // the axis
    const step = Math.pow(10, Math.floor(Math.log10((v1 - v0) / 8)));
    const ticks = [1, 2, 5].map(m => m * step).find(s => (v1 - v0) / s <= 12) || step * 10;
    for (let t = Math.ceil(v0 / ticks) * ticks; t <= v1; t += ticks) {
      o.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${TOP}" y2="${H - 26}" class="tick"/><text x="${x(t) - 14}" y="${H - 10}" class="axis">${ms(t)}</text>`);
    }
    svg.setAttribute('width', W);
    svg.setAttribute('height', H);
    svg.innerHTML = o.join('');
    document.getElementById('window').textContent = 'showing ' + ms(v0) + ' to ' + ms(v1) + ' of ' + ms(D.end);
  }
  svg.addEventListener('wheel', ev => {
    ev.preventDefault();
    const W = svg.clientWidth - 130, frac = Math.min(Math.max((ev.offsetX - 120) / W, 0), 1);
    const t = v0 + frac * (v1 - v0), f = ev.deltaY < 0 ? 0.8 : 1.25;
    const span = Math.min(Math.max((v1 - v0) * f, 1e-4), D.end * 1.2 + 1);
    v0 = t - frac * span; v1 = v0 + span; draw();
  }, { passive: false });
  let drag = null;
  svg.addEventListener('mousedown', ev => { drag = { x: ev.clientX, v0, v1 }; });
  window.addEventListener('mouseup', () => { drag = null; });
  window.addEventListener('mousemove', ev => {
    if (drag) {
      const dt = (ev.clientX - drag.x) / (svg.clientWidth - 130) * (drag.v1 - drag.v0);
      v0 = drag.v0 - dt; v1 = drag.v1 - dt; draw(); return;
    }
    const el = ev.target.closest && ev.target.closest('[data-tip]');
    if (!el) { tip.style.display = 'none'; return; }
    tip.textContent = el.getAttribute('data-tip');
    tip.style.display = 'block';
    tip.style.left = (ev.pageX + 12) + 'px';
    tip.style.top = (ev.pageY + 12) + 'px';
  });
  svg.addEventListener('dblclick', () => { v0 = 0; v1 = Math.max(D.end, 1e-3); draw(); });
  window.addEventListener('resize', draw);
  draw();
})();
)JS";

constexpr const char* kStyle = R"CSS(
body { font: 13px sans-serif; margin: 12px; }
h1 { font-size: 16px; margin: 0 0 6px; }
.failmsg { color: #a00; white-space: pre-wrap; margin: 4px 0 8px; }
.help, #window { color: #555; }
svg { user-select: none; cursor: grab; }
.lname { font: 12px sans-serif; fill: #222; }
.grid { stroke: #eee; }
.tick { stroke: #f2f2f2; }
.axis { font: 10px sans-serif; fill: #666; }
.alive { fill: #fafafa; stroke: #ccc; }
.follower { fill: #dde6f0; }
.leader { fill: #f5c542; }
.term { font: 10px monospace; fill: #333; pointer-events: none; }
.band { fill: url(#hatch); stroke: #c66; stroke-dasharray: 3 2; }
.note { stroke: #888; stroke-width: 2; }
.apply { stroke: #2a2; stroke-width: 1.5; }
.snapshot { fill: #83c; }
.log { fill: #36c; opacity: 0.7; }
.log.lvl2 { fill: #e80; } .log.lvl3 { fill: #d00; }
.crash { fill: #d00; font: bold 14px sans-serif; }
.restart { fill: #2a2; }
.connect { stroke: #2a2; stroke-width: 2; } .disconnect { stroke: #d00; stroke-width: 2; }
.rpc { fill: #789; }
.cop.ok { fill: #81c784; } .cop.maybe { fill: #ffb74d; } .cop.err { fill: #bdbdbd; } .cop.open { fill: #e57373; }
.failure line { stroke: #d00; stroke-width: 2; }
.failure text { fill: #d00; font: bold 11px sans-serif; }
#tip { position: absolute; display: none; background: #ffe; border: 1px solid #999; padding: 4px 6px;
       max-width: 640px; white-space: pre-wrap; font: 12px monospace; pointer-events: none; }
)CSS";

}  // namespace

std::vector<TimelineLane> TimelineLanes(const TimelineData& d, double end_s) {
  const int n = PeerCount(d);
  std::map<std::pair<int, int>, TimelineLane> lanes;  // (peer, incarnation)
  for (int p = 0; p < n; p++) lanes[{p, 1}] = {p, 1, 0, end_s, false, ""};
  for (const TimelineEvent& e : d.events) {
    if (e.peer < 0 || e.incarnation <= 0) continue;
    auto it =
        lanes.try_emplace({e.peer, e.incarnation}, TimelineLane{e.peer, e.incarnation, e.t_s, end_s, false, ""}).first;
    if (e.kind == TimelineKind::kRestart) it->second.t0_s = e.t_s;
    if (e.kind == TimelineKind::kCrash) {
      it->second.t1_s = e.t_s;
      it->second.crashed = true;
    }
  }
  std::vector<TimelineLane> out;
  for (auto& [key, l] : lanes) {
    l.name = "peer " + std::to_string(l.peer) + (l.incarnation > 1 ? " #" + std::to_string(l.incarnation) : "");
    out.push_back(l);
  }
  return out;
}

std::string RenderTimelineHtml(const TimelineData& d, const TimelinePageOptions& options) {
  double end_s = 0;
  for (const TimelineEvent& e : d.events) end_s = std::max(end_s, e.t_s);
  for (const RpcBin& b : d.rpcs) end_s = std::max(end_s, b.t_s + d.bin_s);
  for (const TimelineEvent& e : d.events) {
    if (e.kind == TimelineKind::kClientOp && e.value > 0) end_s = std::max(end_s, static_cast<double>(e.value) / 1e6);
  }
  if (options.failure_t_s > end_s) end_s = options.failure_t_s;
  const std::vector<TimelineLane> lanes = TimelineLanes(d, end_s);
  const int n = PeerCount(d);

  nlohmann::json j;
  j["end"] = end_s;
  j["bin_s"] = d.bin_s;
  j["peers"] = n;
  nlohmann::json jl = nlohmann::json::array();
  for (const TimelineLane& l : lanes) {
    jl.push_back({{"name", l.name}, {"peer", l.peer}, {"inc", l.incarnation}, {"t0", l.t0_s}, {"t1", l.t1_s},
                  {"crashed", l.crashed}});
  }
  j["lanes"] = std::move(jl);
  nlohmann::json je = nlohmann::json::array();
  const TimelineEvent* failure = nullptr;
  // KV clerks' calls: one row per client, [call, return or -1, text].
  std::map<int64_t, nlohmann::json> clients;
  for (const TimelineEvent& e : d.events) {
    if (e.kind == TimelineKind::kFailure && !failure) failure = &e;
    if (e.kind == TimelineKind::kClientOp) {
      auto [it, fresh] = clients.try_emplace(e.index, nlohmann::json::array());
      it->second.push_back({e.t_s, e.value < 0 ? -1.0 : static_cast<double>(e.value) / 1e6, e.text});
      continue;
    }
    const int lane = e.peer >= 0 ? LaneAt(lanes, e.peer, e.incarnation, e.t_s) : -1;
    je.push_back({{"t", e.t_s}, {"k", TimelineKindName(e.kind)}, {"lane", lane}, {"term", e.term},
                  {"idx", e.index}, {"v", e.value}, {"text", e.text}});
  }
  j["events"] = std::move(je);
  nlohmann::json jc = nlohmann::json::array();
  for (auto& [client, ops] : clients) jc.push_back({{"c", client}, {"ops", std::move(ops)}});
  j["clients"] = std::move(jc);
  nlohmann::json jr = nlohmann::json::array();
  for (const RpcBin& b : d.rpcs) jr.push_back({b.t_s, b.from, b.to, b.count});
  j["rpcs"] = std::move(jr);
  j["bands"] = NetworkBands(d, n, end_s);
  std::string failure_message;
  if (failure) {
    failure_message = failure->text;
    j["failure"] = {{"t", failure->t_s}, {"message", failure->text}};
  } else if (!options.failure.empty()) {
    failure_message = options.failure;
    j["failure"] = {{"t", options.failure_t_s >= 0 ? options.failure_t_s : end_s}, {"message", options.failure}};
  }
  std::string data = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Inside <script>, "</" could end the element: "<\/" means the same in JSON.
  for (size_t pos = 0; (pos = data.find("</", pos)) != std::string::npos; pos += 3) data.replace(pos, 2, "<\\/");

  std::string lane_list;
  for (const TimelineLane& l : lanes) lane_list += (lane_list.empty() ? "" : ", ") + Esc(l.name);
  std::string html;
  html += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + Esc(options.title) + "</title>\n<style>" +
          kStyle + "</style></head>\n<body>\n<h1>" + Esc(options.title) + "</h1>\n";
  if (!failure_message.empty()) html += "<div class=\"failmsg\">FAILED: " + Esc(failure_message) + "</div>\n";
  if (!options.failure.empty() && options.failure != failure_message) {
    html += "<div class=\"failmsg\">verdict: " + Esc(options.failure) + "</div>\n";
  }
  html += "<div class=\"help\">Lanes: " + lane_list +
          ". Wheel: zoom; drag: pan; double-click: whole run; hover a mark for its details. Gold: leader; blue: "
          "not leader (term inside); hatched: disconnected or partitioned; green ticks: applies; purple: "
          "snapshots; dots: your log lines; red line: the failure. Clerk calls (KV tests): green OK, orange "
          "ErrMaybe, grey another error, red never returned.";
  if (d.dropped_marks + d.dropped_samples > 0) {
    html += " The run was long: " + std::to_string(d.dropped_marks + d.dropped_samples) +
            " events from its middle are not shown.";
  }
  html += "</div>\n<div id=\"window\"></div>\n<div style=\"overflow-x:hidden\"><svg id=\"tl\" "
          "xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n"
          "<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><pattern id=\"hatch\" width=\"6\" "
          "height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" "
          "height=\"6\" fill=\"rgba(200,60,60,0.25)\"/></pattern></defs></svg>\n<div id=\"tip\"></div>\n"
          "<script type=\"application/json\" id=\"timeline-data\">" +
          data + "</script>\n<script>" + kScript + "</script>\n</body></html>\n";
  return html;
}

Status WriteTimelineHtml(const TimelineData& d, const TimelinePageOptions& options, const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Status::Internal("cannot write the timeline " + path);
  f << RenderTimelineHtml(d, options);
  f.close();
  if (!f) return Status::Internal("cannot write the timeline " + path + " (disk full?)");
  return Status::Ok();
}

}  // namespace raftlab
