// The timeline picture of one test run: a self-contained HTML file (inline
// CSS and JS, nothing fetched, opens from disk) drawn from the run's
// TimelineRecord data (harness/scenario/timeline_record.h). What each mark
// means is in docs/TIMELINE.md:
//   - one lane per peer incarnation ("peer 2", then "peer 2 #2" after a
//     restart), from its start to its crash or the end of the run, filled
//     with the role and term the peer last reported (leader or not);
//   - disconnections and partitions as hatched bands on the lanes they cut;
//   - applies (index, term) and snapshots as ticks, the student's log lines
//     as dots on their peer's lane, harness notes on a "harness" lane;
//   - RPC counts per time bin, one row per sending peer;
//   - the failure as a red line across every lane, with its message.
// Zoom with the wheel, pan by dragging, double-click to reset; hovering a mark
// shows its details.
//
// Thread safety: pure functions of their arguments. Ownership: by value.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/timeline_record.h"
#include "runtime/status.h"

namespace raftlab {

struct TimelinePageOptions {
  std::string title = "raftlab timeline";  // e.g. "3A-initial-election (repetition 0), seed 42"
  // The verdict's message. When the record holds no failure event (the
  // parent saw a timeout or a crash) the failure is marked at `failure_t_s`
  // (< 0: the last event's time) with this message. Empty: a passing run.
  std::string failure;
  double failure_t_s = -1;
};

// One lane: one incarnation of one peer.
struct TimelineLane {
  int peer = -1;
  int incarnation = 1;
  double t0_s = 0;  // its start (0 for first incarnations)
  double t1_s = 0;  // its crash, or the end of the run
  bool crashed = false;
  std::string name;  // "peer 2", "peer 2 #3"
};

// The lanes of `d`, peer by peer, incarnations in order; `end_s` is the end
// of the run. Peers come from d.peers and from the events.
std::vector<TimelineLane> TimelineLanes(const TimelineData& d, double end_s);

// The whole HTML document.
std::string RenderTimelineHtml(const TimelineData& d, const TimelinePageOptions& options);

// Writes RenderTimelineHtml to `path` (truncating it). Errors: Internal with
// the path and the reason.
Status WriteTimelineHtml(const TimelineData& d, const TimelinePageOptions& options, const std::string& path);

}  // namespace raftlab
