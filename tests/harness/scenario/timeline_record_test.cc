// Tests of the run's event record (harness/scenario/timeline_record.cc):
// ordering, the size bounds, role de-duplication, RPC bins and the JSON form.
#include "harness/scenario/timeline_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TimelineEvent At(double t, TimelineKind kind, std::string text = "", int peer = -1) {
  TimelineEvent e;
  e.t_s = t;
  e.kind = kind;
  e.text = std::move(text);
  e.peer = peer;
  return e;
}

std::vector<std::string> Texts(const TimelineData& d) {
  std::vector<std::string> out;
  for (const TimelineEvent& e : d.events) out.push_back(e.text);
  return out;
}

class TimelineRecordTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(TimelineRecordTest, EventsComeOutInTimeOrderEqualTimesInTheOrderAdded) {
  TimelineRecord rec(*rt_, rt_->now());
  rec.AddAt(At(2.0, TimelineKind::kNote, "c"));
  rec.AddAt(At(1.0, TimelineKind::kLog, "a", 0));
  rec.AddAt(At(1.0, TimelineKind::kCrash, "b", 1));
  rec.AddAt(At(0.5, TimelineKind::kApply, "first", 2));
  EXPECT_THAT(Texts(rec.Data()), ElementsAre("first", "a", "b", "c"));
}

TEST_F(TimelineRecordTest, AddStampsTheTimeSinceTheStart) {
  const Nanos start = rt_->now() - std::chrono::seconds(3);
  TimelineRecord rec(*rt_, start);
  rec.Add(At(0, TimelineKind::kNote, "now"));
  const TimelineData d = rec.Data();
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_GE(d.events[0].t_s, 3.0);
  EXPECT_LT(d.events[0].t_s, 60.0);
}

TEST_F(TimelineRecordTest, SamplesKeepTheFirstAndLastHalfAndCountTheRest) {
  TimelineLimits limits;
  limits.max_samples = 10;
  TimelineRecord rec(*rt_, rt_->now(), limits);
  for (int k = 0; k < 100; k++) rec.AddAt(At(k, TimelineKind::kLog, std::to_string(k), 0));
  const TimelineData d = rec.Data();
  EXPECT_THAT(Texts(d), ElementsAre("0", "1", "2", "3", "4", "95", "96", "97", "98", "99"));
  EXPECT_EQ(d.dropped_samples, 90);
  EXPECT_EQ(d.dropped_marks, 0);
}

TEST_F(TimelineRecordTest, AFloodOfSamplesNeverPushesOutTheMarks) {
  TimelineLimits limits;
  limits.max_samples = 4;
  limits.max_marks = 4;
  TimelineRecord rec(*rt_, rt_->now(), limits);
  rec.AddAt(At(0.1, TimelineKind::kCrash, "crash", 1));
  for (int k = 0; k < 1000; k++) rec.AddAt(At(1 + k, TimelineKind::kApply, "apply", 0));
  rec.AddAt(At(2000, TimelineKind::kFailure, "the failure"));
  const TimelineData d = rec.Data();
  EXPECT_EQ(d.events.size(), 6u);  // 2 marks + 4 samples
  EXPECT_EQ(d.events.front().text, "crash");
  EXPECT_EQ(d.events.back().text, "the failure");
  EXPECT_EQ(d.dropped_samples, 996);
}

TEST_F(TimelineRecordTest, ARoleIsRecordedOnlyWhenItChanges) {
  TimelineRecord rec(*rt_, rt_->now());
  auto role = [](double t, int64_t term, bool leader) {
    TimelineEvent e = At(t, TimelineKind::kRole, "", 0);
    e.incarnation = 1;
    e.term = term;
    e.value = leader ? 1 : 0;
    return e;
  };
  rec.AddAt(role(1, 1, false));
  rec.AddAt(role(2, 1, false));  // the same: dropped
  rec.AddAt(role(3, 2, true));
  rec.AddAt(role(4, 2, true));  // the same: dropped
  rec.AddAt(role(5, 3, false));
  const TimelineData d = rec.Data();
  ASSERT_EQ(d.events.size(), 3u);
  EXPECT_EQ(d.events[1].term, 2);
  EXPECT_EQ(d.events[1].value, 1);
  EXPECT_EQ(d.events[2].t_s, 5);
}

TEST_F(TimelineRecordTest, RpcsAreCountedPerBinAndPair) {
  TimelineRecord rec(*rt_, rt_->now());
  rec.CountRpc(0, 1);
  rec.CountRpc(0, 1);
  rec.CountRpc(1, 0);
  const TimelineData d = rec.Data();
  ASSERT_EQ(d.rpcs.size(), 2u);
  EXPECT_EQ(d.rpcs[0].from, 0);
  EXPECT_EQ(d.rpcs[0].to, 1);
  EXPECT_EQ(d.rpcs[0].count, 2);
  EXPECT_EQ(d.rpcs[1].count, 1);
}

TEST_F(TimelineRecordTest, TooManyRpcBinsWidenTheBinsAndKeepTheTotal) {
  TimelineLimits limits;
  limits.max_bins = 8;
  limits.bin_s = 1e-6;  // every call lands in a bin of its own, almost
  TimelineRecord rec(*rt_, rt_->now(), limits);
  for (int k = 0; k < 2000; k++) rec.CountRpc(k % 2, 2);
  const TimelineData d = rec.Data();
  EXPECT_LE(d.rpcs.size(), 8u);
  EXPECT_GT(d.bin_s, 1e-6);
  int64_t total = 0;
  for (const RpcBin& b : d.rpcs) total += b.count;
  EXPECT_EQ(total, 2000);
}

TEST_F(TimelineRecordTest, JsonRoundTrip) {
  TimelineRecord rec(*rt_, rt_->now());
  rec.SetPeers(3);
  TimelineEvent e = At(1.5, TimelineKind::kApply, "x</script>\n\xff", 2);
  e.incarnation = 2;
  e.term = 4;
  e.index = 17;
  rec.AddAt(e);
  rec.AddAt(At(2.5, TimelineKind::kFailure, "apply error"));
  rec.CountRpc(1, 2);
  StatusOr<TimelineData> back = TimelineFromJson(TimelineToJson(rec.Data()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->peers, 3);
  ASSERT_EQ(back->events.size(), 2u);
  EXPECT_EQ(back->events[0].kind, TimelineKind::kApply);
  EXPECT_EQ(back->events[0].peer, 2);
  EXPECT_EQ(back->events[0].incarnation, 2);
  EXPECT_EQ(back->events[0].term, 4);
  EXPECT_EQ(back->events[0].index, 17);
  EXPECT_THAT(back->events[0].text, HasSubstr("x</script>\n"));
  EXPECT_EQ(back->events[1].kind, TimelineKind::kFailure);
  ASSERT_EQ(back->rpcs.size(), 1u);
  EXPECT_EQ(back->rpcs[0].to, 2);
}

TEST_F(TimelineRecordTest, NotARecordIsAnError) {
  EXPECT_FALSE(TimelineFromJson("{").ok());
  EXPECT_FALSE(TimelineFromJson(R"({"bin_s":0.1,"events":[{"t":1,"kind":"bogus"}],"rpcs":[]})").ok());
}

}  // namespace
}  // namespace raftlab
