// TimelineRecord (see timeline_record.h).
#include "harness/scenario/timeline_record.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

constexpr std::string_view kKindNames[] = {"note",      "role",     "crash", "restart", "connect",  "disconnect",
                                           "partition", "apply",    "snapshot", "log",  "failure", "client_op"};

bool IsMark(TimelineKind k) {
  return k != TimelineKind::kRole && k != TimelineKind::kApply && k != TimelineKind::kSnapshot &&
         k != TimelineKind::kLog && k != TimelineKind::kClientOp;
}

}  // namespace

std::string_view TimelineKindName(TimelineKind k) { return kKindNames[static_cast<size_t>(k)]; }

TimelineRecord::TimelineRecord(Runtime& rt, Nanos start, TimelineLimits limits)
    : rt_(rt), start_(start), limits_(limits), mu_(rt.make_mutex()), bin_s_(limits.bin_s > 0 ? limits.bin_s : 0.1) {}

double TimelineRecord::Now() const { return std::chrono::duration<double>(rt_.now() - start_).count(); }

void TimelineRecord::Add(TimelineEvent e) {
  e.t_s = Now();
  MutexLock l(*mu_);
  AddLocked(std::move(e));
}

void TimelineRecord::AddAt(TimelineEvent e) {
  MutexLock l(*mu_);
  AddLocked(std::move(e));
}

void TimelineRecord::SetPeers(int n) {
  MutexLock l(*mu_);
  peers_ = n;
}

void TimelineRecord::AddLocked(TimelineEvent e) {
  if (e.kind == TimelineKind::kRole) {
    const std::pair<int64_t, bool> now{e.term, e.value != 0};
    auto [it, fresh] = last_role_.try_emplace({e.peer, e.incarnation}, now);
    if (!fresh && it->second == now) return;  // nothing new
    it->second = now;
  }
  // A new incarnation starts with no observation of its own.
  if (e.kind == TimelineKind::kRestart) last_role_.erase({e.peer, e.incarnation});
  const bool mark = IsMark(e.kind);
  Part& part = mark ? marks_ : samples_;
  const size_t cap = std::max<size_t>(2, mark ? limits_.max_marks : limits_.max_samples);
  const uint64_t seq = seq_++;
  if (part.head.size() < cap / 2) {
    part.head.emplace_back(seq, std::move(e));
    return;
  }
  part.tail.emplace_back(seq, std::move(e));
  if (part.tail.size() > cap - cap / 2) {
    part.tail.pop_front();
    ++part.dropped;
  }
}

void TimelineRecord::CountRpc(int from, int to) {
  const double t = Now();
  MutexLock l(*mu_);
  ++bins_[{static_cast<int64_t>(t / bin_s_), from, to}];
  if (bins_.size() > std::max<size_t>(1, limits_.max_bins)) MergeBinsLocked();
}

void TimelineRecord::MergeBinsLocked() {
  // Doubling the width maps bin b to b / 2: the cell count at least halves
  // unless every cell has a different pair, which max_bins >> n^2 rules out.
  while (bins_.size() > std::max<size_t>(1, limits_.max_bins) / 2 + 1) {
    std::map<std::tuple<int64_t, int, int>, int64_t> merged;
    for (const auto& [key, count] : bins_) {
      merged[{std::get<0>(key) / 2, std::get<1>(key), std::get<2>(key)}] += count;
    }
    bin_s_ *= 2;
    const bool shrank = merged.size() < bins_.size();
    bins_ = std::move(merged);
    if (!shrank) break;
  }
}

TimelineData TimelineRecord::Data() const {
  TimelineData d;
  std::vector<std::pair<uint64_t, TimelineEvent>> all;
  {
    MutexLock l(*mu_);
    d.bin_s = bin_s_;
    d.peers = peers_;
    d.dropped_marks = marks_.dropped;
    d.dropped_samples = samples_.dropped;
    for (const Part* p : {&marks_, &samples_}) {
      all.insert(all.end(), p->head.begin(), p->head.end());
      all.insert(all.end(), p->tail.begin(), p->tail.end());
    }
    for (const auto& [key, count] : bins_) {
      d.rpcs.push_back({static_cast<double>(std::get<0>(key)) * bin_s_, std::get<1>(key), std::get<2>(key), count});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second.t_s != b.second.t_s ? a.second.t_s < b.second.t_s : a.first < b.first;
  });
  d.events.reserve(all.size());
  for (auto& [seq, e] : all) d.events.push_back(std::move(e));
  return d;
}

std::string TimelineToJson(const TimelineData& d) {
  nlohmann::json events = nlohmann::json::array();
  for (const TimelineEvent& e : d.events) {
    events.push_back({{"t", e.t_s},
                      {"kind", TimelineKindName(e.kind)},
                      {"peer", e.peer},
                      {"inc", e.incarnation},
                      {"term", e.term},
                      {"index", e.index},
                      {"value", e.value},
                      {"text", e.text}});
  }
  nlohmann::json rpcs = nlohmann::json::array();
  for (const RpcBin& b : d.rpcs) rpcs.push_back({b.t_s, b.from, b.to, b.count});
  nlohmann::json j = {{"bin_s", d.bin_s},
                      {"peers", d.peers},
                      {"dropped_marks", d.dropped_marks},
                      {"dropped_samples", d.dropped_samples},
                      {"events", std::move(events)},
                      {"rpcs", std::move(rpcs)}};
  // Student log lines may hold any bytes: replace what is not UTF-8.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<TimelineData> TimelineFromJson(std::string_view json) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    TimelineData d;
    d.bin_s = j.at("bin_s").get<double>();
    d.peers = j.value("peers", 0);
    d.dropped_marks = j.value("dropped_marks", int64_t{0});
    d.dropped_samples = j.value("dropped_samples", int64_t{0});
    for (const auto& e : j.at("events")) {
      TimelineEvent ev;
      ev.t_s = e.at("t").get<double>();
      const std::string kind = e.at("kind").get<std::string>();
      const auto* it = std::find(std::begin(kKindNames), std::end(kKindNames), kind);
      if (it == std::end(kKindNames)) return Status::InvalidArgument("timeline: unknown event kind '" + kind + "'");
      ev.kind = static_cast<TimelineKind>(it - std::begin(kKindNames));
      ev.peer = e.value("peer", -1);
      ev.incarnation = e.value("inc", 0);
      ev.term = e.value("term", int64_t{-1});
      ev.index = e.value("index", int64_t{-1});
      ev.value = e.value("value", int64_t{0});
      ev.text = e.value("text", "");
      d.events.push_back(std::move(ev));
    }
    for (const auto& b : j.at("rpcs")) {
      d.rpcs.push_back({b.at(0).get<double>(), b.at(1).get<int>(), b.at(2).get<int>(), b.at(3).get<int64_t>()});
    }
    return d;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("timeline: not a timeline record: ") + e.what());
  }
}

}  // namespace raftlab
