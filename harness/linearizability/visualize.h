// The HTML picture of a checked history: one self-contained file (inline CSS
// and JS, no network access needed, nothing fetched) that a student opens
// after a "history is not linearizable" failure.
//
// Per key (illegal keys first and expanded; others folded): the operations on
// a time axis, one row per client. The axis is ordinal (every distinct call or
// return time of the key gets one slot, labelled with its time in ms since
// the first call of the history), so short operations stay visible in a long
// test while overlaps are preserved exactly. Ops of the longest linearizable
// prefix are green and numbered in linearization order; the operation that
// could not be placed is red; other rejected candidates have an orange
// outline; the operations that overlap the red one in time have a blue
// outline. Those, the red one and the prefix's are labelled (a narrow
// prefix box keeps its number), a sentence above the picture says what
// state the prefix reached and what the red operation needs, and a table
// under it gives the deciding operations (the prefix's last, the red one,
// the overlapping ones) with call, result and times. Partitions, crashes and other annotations are shaded bands with
// their labels. Hovering a box shows the client, the call, its inputs and
// outputs, call and return times, and for linearized ops the register state
// before and after.
//
// Thread safety: pure functions of their arguments. Ownership: the caller
// owns the History and CheckReport; the report must come from CheckHistory on
// that same History.
#pragma once

#include <string>

#include "harness/linearizability/checker.h"
#include "harness/linearizability/history.h"
#include "runtime/status.h"

namespace raftlab::lin {

struct VisualizeOptions {
  std::string title = "raftlab linearizability check";  // e.g. the test name
  bool include_ok_keys = true;  // false: only illegal and unknown keys are drawn
  // Non-empty: a link to the run's timeline page, relative to this page's
  // folder (labtest writes both into the run folder: "timeline.html"). The
  // only link the page may carry; it fetches nothing.
  std::string timeline_link;
};

// The whole HTML document.
std::string RenderHtml(const History& h, const CheckReport& report,
                       const VisualizeOptions& options = {});

// Writes RenderHtml to `path` (truncating it). Errors: NotFound / Internal
// with the path and the reason when the file cannot be written.
Status WriteVisualization(const History& h, const CheckReport& report, const std::string& path,
                          const VisualizeOptions& options = {});

// Writes to a new file `<dir>/linearizability-XXXXXX.html` and returns its
// path (for the failure message).
StatusOr<std::string> WriteVisualizationToTemp(const History& h, const CheckReport& report,
                                               const std::string& dir,
                                               const VisualizeOptions& options = {});

}  // namespace raftlab::lin
