#include "harness/kv/kv_history.h"

#include <limits>
#include <utility>

namespace raftlab {
namespace {
// end_ns of a band that is still open.
constexpr int64_t kOpen = std::numeric_limits<int64_t>::min();
}  // namespace

KvHistory::KvHistory(Runtime& rt, TimelineRecord* timeline)
    : rt_(rt), timeline_(timeline), mu_(rt.make_mutex()) {}

void KvHistory::Record(lin::Operation op) {
  if (timeline_ != nullptr) {
    // The record's clock is seconds since the test started: place the call
    // and the return by how long ago they were.
    const double now_s = timeline_->Now();
    const int64_t now_ns = NowNs();
    TimelineEvent e = TimelineEvent::Of(TimelineKind::kClientOp)
                          .WithIndex(op.client)
                          .WithText(lin::DescribeOperation(op))
                          .WithValue(op.return_ns == lin::kNeverReturned
                                         ? -1
                                         : static_cast<int64_t>((now_s - (now_ns - op.return_ns) / 1e9) * 1e6));
    e.t_s = now_s - static_cast<double>(now_ns - op.call_ns) / 1e9;
    timeline_->AddAt(std::move(e));
  }
  MutexLock l(*mu_);
  h_.ops.push_back(std::move(op));
}

size_t KvHistory::size() const {
  MutexLock l(*mu_);
  return h_.ops.size();
}

void KvHistory::SetPartition(const std::string& label) {
  const int64_t now = NowNs();
  MutexLock l(*mu_);
  if (open_partition_) {
    h_.annotations[*open_partition_].end_ns = now;
    open_partition_.reset();
  }
  if (label.empty()) return;
  h_.annotations.push_back({lin::AnnotationKind::kPartition, now, kOpen, label});
  open_partition_ = h_.annotations.size() - 1;
}

size_t KvHistory::BeginCrash(const std::string& label) {
  const int64_t now = NowNs();
  MutexLock l(*mu_);
  h_.annotations.push_back({lin::AnnotationKind::kCrash, now, kOpen, label});
  return h_.annotations.size() - 1;
}

void KvHistory::EndCrash(size_t handle) {
  const int64_t now = NowNs();
  MutexLock l(*mu_);
  if (handle < h_.annotations.size() && h_.annotations[handle].end_ns == kOpen) h_.annotations[handle].end_ns = now;
}

void KvHistory::Mark(const std::string& label) {
  const int64_t now = NowNs();
  MutexLock l(*mu_);
  h_.annotations.push_back({lin::AnnotationKind::kOther, now, now, label});
}

lin::History KvHistory::Snapshot() const {
  const int64_t now = NowNs();
  MutexLock l(*mu_);
  lin::History copy = h_;
  for (lin::Annotation& a : copy.annotations) {
    if (a.end_ns == kOpen) a.end_ns = now;
  }
  return copy;
}

}  // namespace raftlab
