// Tests of the timeline picture (harness/timeline/timeline_html.cc): the
// lanes per peer incarnation, the failure marker and message, the student's
// log lines and the page being self-contained.
#include "harness/timeline/timeline_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TimelineEvent Ev(double t, TimelineKind kind, int peer, int inc = 0, std::string text = "") {
  TimelineEvent e;
  e.t_s = t;
  e.kind = kind;
  e.peer = peer;
  e.incarnation = inc;
  e.text = std::move(text);
  return e;
}

// Three peers; peer 1 crashes at 2 s and restarts at 3 s; a partition; a
// leader; an apply; a log line; the checker fails at 4 s.
TimelineData SampleRun() {
  TimelineData d;
  d.peers = 3;
  TimelineEvent role = Ev(0.5, TimelineKind::kRole, 0, 1);
  role.term = 2;
  role.value = 1;
  d.events.push_back(role);
  d.events.push_back(Ev(0.7, TimelineKind::kLog, 2, 0, "peer two says <hello> & waits"));
  TimelineEvent apply = Ev(1.0, TimelineKind::kApply, 0, 1);
  apply.index = 1;
  apply.term = 2;
  d.events.push_back(apply);
  d.events.push_back(Ev(1.5, TimelineKind::kPartition, -1, 0, "{0,2} {1}"));
  d.events.push_back(Ev(2.0, TimelineKind::kCrash, 1, 1));
  d.events.push_back(Ev(3.0, TimelineKind::kRestart, 1, 2));
  d.events.push_back(Ev(3.5, TimelineKind::kLog, 1, 0, "the restarted one logs"));
  d.events.push_back(Ev(4.0, TimelineKind::kFailure, -1, 0, "apply error: server 1 applied 7 at index 2"));
  d.rpcs.push_back({0.5, 0, 1, 12});
  return d;
}

TEST(TimelineLanesTest, OneLanePerIncarnationEndingAtItsCrash) {
  const std::vector<TimelineLane> lanes = TimelineLanes(SampleRun(), 5.0);
  ASSERT_EQ(lanes.size(), 4u);
  EXPECT_EQ(lanes[0].name, "peer 0");
  EXPECT_EQ(lanes[1].name, "peer 1");
  EXPECT_TRUE(lanes[1].crashed);
  EXPECT_EQ(lanes[1].t1_s, 2.0);
  EXPECT_EQ(lanes[2].name, "peer 1 #2");
  EXPECT_EQ(lanes[2].t0_s, 3.0);
  EXPECT_EQ(lanes[2].t1_s, 5.0);
  EXPECT_FALSE(lanes[2].crashed);
  EXPECT_EQ(lanes[3].name, "peer 2");
}

TEST(TimelineHtmlTest, NamesTheLanesTheFailureAndTheLogLines) {
  TimelinePageOptions o;
  o.title = "3B-basic-agree (repetition 0), seed 7: fail";
  o.failure = "apply error: server 1 applied 7 at index 2";
  const std::string html = RenderTimelineHtml(SampleRun(), o);
  EXPECT_THAT(html, HasSubstr("<title>3B-basic-agree (repetition 0), seed 7: fail</title>"));
  EXPECT_THAT(html, HasSubstr("Lanes: peer 0, peer 1, peer 1 #2, peer 2."));
  // The failure: in the headline, and as the marker's data for the script.
  EXPECT_THAT(html, HasSubstr("FAILED: apply error: server 1 applied 7 at index 2"));
  EXPECT_THAT(html, HasSubstr(R"("failure":{"message":"apply error: server 1 applied 7 at index 2","t":4.0})"));
  EXPECT_THAT(html, HasSubstr("id=\"failure-marker\""));
  // The student's log line, on peer 2's lane (lane 3) and the restarted peer 1's (lane 2).
  EXPECT_THAT(html, HasSubstr(R"("k":"log","lane":3,"t":0.7,"term":-1,"text":"peer two says <hello> & waits")"));
  EXPECT_THAT(html, HasSubstr(R"("k":"log","lane":2,"t":3.5,"term":-1,"text":"the restarted one logs")"));
  // The partition became bands: peer 1 cut off, peers 0 and 2 in their group.
  EXPECT_THAT(html, HasSubstr(R"("label":"partition {1}","peer":1)"));
  EXPECT_THAT(html, HasSubstr(R"("label":"partition {0,2}","peer":0)"));
}

// The bands follow labrpc's Mesh: a restarted peer joins group 0, whatever
// group 0 is after a partition.
TEST(TimelineHtmlTest, BandsFollowTheMeshGroups) {
  TimelineData d;
  d.peers = 3;
  d.events.push_back(Ev(1.0, TimelineKind::kPartition, -1, 0, "{1,2} {0}"));
  d.events.push_back(Ev(2.0, TimelineKind::kCrash, 2, 1));
  d.events.push_back(Ev(3.0, TimelineKind::kRestart, 2, 2));
  d.events.push_back(Ev(4.0, TimelineKind::kFailure, -1, 0, "two leaders"));
  const std::string html = RenderTimelineHtml(d, {});
  EXPECT_THAT(html, HasSubstr(R"({"label":"partition {1,2}","peer":2,"t0":1.0,"t1":2.0})"));
  // Crashed, peer 2 has no band: its lane ended.
  EXPECT_THAT(html, Not(HasSubstr(R"("peer":2,"t0":2.0)")));
  EXPECT_THAT(html, HasSubstr(R"({"label":"partition {1,2}","peer":2,"t0":3.0,"t1":4.0})"));
  EXPECT_THAT(html, HasSubstr(R"({"label":"partition {1}","peer":1,"t0":2.0,"t1":3.0})"));
  EXPECT_THAT(html, HasSubstr(R"({"label":"partition {0}","peer":0,"t0":1.0,"t1":4.0})"));
}

// A crashed peer does not count against the others: two live peers that
// reach each other are not banded while the third is down (a restart
// connects; MIT's persistence tests crash most of the cluster).
TEST(TimelineHtmlTest, CrashedPeersDoNotBandTheLiveOnes) {
  TimelineData d;
  d.peers = 3;
  d.events.push_back(Ev(1.0, TimelineKind::kCrash, 0, 1));
  d.events.push_back(Ev(1.5, TimelineKind::kCrash, 1, 1));
  d.events.push_back(Ev(2.0, TimelineKind::kRestart, 1, 2));
  d.events.push_back(Ev(2.5, TimelineKind::kDisconnect, 2, 0));
  d.events.push_back(Ev(4.0, TimelineKind::kFailure, -1, 0, "no agreement"));
  const std::string html = RenderTimelineHtml(d, {});
  EXPECT_THAT(html, Not(HasSubstr(R"("label":"partition {1,2}")")));
  EXPECT_THAT(html, Not(HasSubstr(R"("label":"partition {2}")")));
  // Only the real cut: peer 2 disconnected, and so peer 1 alone among the live.
  EXPECT_THAT(html, HasSubstr(R"({"label":"disconnected","peer":2,"t0":2.5,"t1":4.0})"));
  EXPECT_THAT(html, HasSubstr(R"({"label":"partition {1}","peer":1,"t0":2.5,"t1":4.0})"));
}

// KV clerks' calls become one row per client: call, return (-1 when it never
// returned) and the call's text; the run's end covers the last return.
TEST(TimelineHtmlTest, ClerkCallsBecomeClientRows) {
  TimelineData d;
  d.peers = 3;
  TimelineEvent put = Ev(0.5, TimelineKind::kClientOp, -1, 0, "put(\"k\", \"v\", 0) -> OK");
  put.index = 2;
  put.value = 750000;  // returned at 0.75 s
  TimelineEvent get = Ev(0.6, TimelineKind::kClientOp, -1, 0, "get(\"k\") -> ErrMaybe");
  get.index = 2;
  get.value = -1;
  TimelineEvent other = Ev(0.2, TimelineKind::kClientOp, -1, 0, "get(\"k\") -> ErrNoKey");
  other.index = 0;
  other.value = 2500000;  // the last thing that happened
  d.events = {other, put, get};
  const std::string html = RenderTimelineHtml(d, {});
  EXPECT_THAT(html, HasSubstr(R"("clients":[{"c":0,"ops":[[0.2,2.5,"get(\"k\") -> ErrNoKey"]]},{"c":2,"ops":[[0.5,0.75,"put(\"k\", \"v\", 0) -> OK"],[0.6,-1.0,"get(\"k\") -> ErrMaybe"]]}])"));
  EXPECT_THAT(html, HasSubstr(R"("end":2.5)"));
  EXPECT_THAT(html, Not(HasSubstr(R"("k":"client_op")")));  // not repeated among the lanes' events
}

TEST(TimelineHtmlTest, IsSelfContainedAndCannotBeEndedByALogLine) {
  TimelineData d = SampleRun();
  d.events.push_back(Ev(3.9, TimelineKind::kLog, 0, 0, "</script><script>alert(1)</script>"));
  const std::string html = RenderTimelineHtml(d, {});
  // One closing tag per script element (the data and the drawing code).
  size_t closes = 0;
  for (size_t pos = 0; (pos = html.find("</script>", pos)) != std::string::npos; pos++) closes++;
  EXPECT_EQ(closes, 2u);
  EXPECT_THAT(html, HasSubstr(R"(<\/script><script>alert(1)<\/script>)"));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
}

TEST(TimelineHtmlTest, AVerdictWithoutAFailureEventIsMarkedAtTheGivenTime) {
  TimelineData d = SampleRun();
  d.events.pop_back();  // no failure event: the parent saw a timeout
  TimelinePageOptions o;
  o.failure = "timed out after 30 s";
  o.failure_t_s = 30;
  const std::string html = RenderTimelineHtml(d, o);
  EXPECT_THAT(html, HasSubstr(R"("failure":{"message":"timed out after 30 s","t":30.0})"));
  EXPECT_THAT(html, HasSubstr("FAILED: timed out after 30 s"));
}

TEST(TimelineHtmlTest, APassingRunHasNoFailure) {
  TimelineData d = SampleRun();
  d.events.pop_back();
  const std::string html = RenderTimelineHtml(d, {});
  EXPECT_THAT(html, Not(HasSubstr("FAILED: ")));
  EXPECT_THAT(html, Not(HasSubstr("<div class=\"failmsg\">")));
  EXPECT_THAT(html, Not(HasSubstr(R"("failure":)")));
}

TEST(TimelineHtmlTest, WritesTheFile) {
  const std::string path = ::testing::TempDir() + "/timeline_html_test.html";
  ASSERT_TRUE(WriteTimelineHtml(SampleRun(), {}, path).ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("peer 1 #2"));
  std::remove(path.c_str());
  EXPECT_FALSE(WriteTimelineHtml(SampleRun(), {}, "/nonexistent-dir/t.html").ok());
}

}  // namespace
}  // namespace raftlab
