// Cluster: recording and replaying requests (late duplicates; see
// cluster.h). The recorder is shared with the network's request tap, so a
// plugin thread still inside a Call when the Cluster dies never touches a
// freed object.
#include <map>
#include <string>
#include <utility>

#include "harness/raft/cluster.h"
#include "labrpc/mesh.h"
#include "labrpc/network.h"

namespace raftlab {

struct ReplayRecorder {
  explicit ReplayRecorder(Runtime& rt) : mu(rt.make_mutex()) {}
  std::unique_ptr<Mutex> mu;
  int from = -1;
  std::vector<std::string> ends;  // from's ends, index = destination peer
  std::vector<RecordedRequest> got GUARDED_BY(*mu);
  size_t bytes GUARDED_BY(*mu) = 0;
  bool full GUARDED_BY(*mu) = false;

  void Add(const labrpc::TappedRequest& t) {
    for (size_t j = 0; j < ends.size(); j++) {
      if (ends[j] != t.end) continue;
      MutexLock l(*mu);
      if (bytes + t.request.size() > Cluster::kMaxRecordedBytes) {
        full = true;
        return;
      }
      bytes += t.request.size();
      got.push_back({from, static_cast<int>(j), t.method, t.request});
      return;
    }
  }
};

void Cluster::StartRecording(int from) {
  ThrowIfFailed();
  if (recorder_) StopRecording();
  auto rec = std::make_shared<ReplayRecorder>(rt_);
  rec->from = from;
  rec->ends = mesh_->EndNames(from);
  recorder_ = rec;
  SetExtraRequestTap([rec](const labrpc::TappedRequest& t) { rec->Add(t); });
  Event("recording the requests of peer " + std::to_string(from));
}

std::vector<RecordedRequest> Cluster::StopRecording() {
  SetExtraRequestTap(nullptr);
  std::shared_ptr<ReplayRecorder> rec = std::move(recorder_);
  if (!rec) return {};
  std::vector<RecordedRequest> got;
  bool full = false;
  {
    MutexLock l(*rec->mu);
    got = std::move(rec->got);
    full = rec->full;
  }
  std::map<std::pair<int, std::string>, int> per_peer;  // (to, method) -> count
  for (const RecordedRequest& r : got) per_peer[{r.to, r.method}]++;
  std::string detail;
  for (const auto& [key, count] : per_peer) {
    detail += (detail.empty() ? "" : ", ") + std::to_string(count) + " " + key.second + " to peer " +
              std::to_string(key.first);
  }
  Event("recorded " + std::to_string(got.size()) + " requests of peer " + std::to_string(rec->from) +
        (detail.empty() ? "" : " (" + detail + ")") + (full ? "; the recording filled up" : ""));
  return got;
}

bool Cluster::Replay(const RecordedRequest& r) {
  ThrowIfFailed();
  if (r.to < 0 || r.to >= n_ || !IsUp(r.to) || !IsConnected(r.to)) return false;
  return net_->Deliver(mesh_->ServerName(r.to), r.method, r.request);
}

}  // namespace raftlab
