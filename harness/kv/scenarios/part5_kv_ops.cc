// Part 5: SJTU CSE 2021 lab 3 part 5 (basic_kv, persist_kv, snapshot_kv)
// and dslabs-cpp's "basic kv operations", on the versioned put/get API.
// SJTU's Del has no counterpart in MIT's 2025 API; where SJTU deletes a key
// and expects a miss, these scenarios check the versioned API's refusals
// instead (a stale version is ErrVersion, an absent key ErrNoKey).
#include "harness/kv/kv_timing.h"
#include "harness/kv/scenarios/common.h"

namespace raftlab::scenarios::kv {
namespace {

namespace t = kv_timing;

std::string Key(int i) { return "k" + std::to_string(i); }
std::string Value(int i) { return "v" + std::to_string(i * 10); }

void ExpectPut(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value, uint64_t version,
               int32_t want, const std::string& why) {
  const int32_t got = ck.Put(key, value, version);
  if (got != want) {
    c.Fail("put(\"" + key + "\", \"" + value + "\", " + std::to_string(version) + ") returned " + ClerkCodeName(got) +
           "; expected " + ClerkCodeName(want) + " (" + why + ")");
  }
}

void ExpectNoKey(KvCluster& c, KvClerk& ck, const std::string& key) {
  KvClerk::GetResult g = ck.Get(key);
  if (g.err != RAFTLAB_ERR_NO_KEY) {
    c.Fail("get(\"" + key + "\") of a key never written returned " + ClerkCodeName(g.err) + " (value \"" + g.value +
           "\", version " + std::to_string(g.version) + "); expected ErrNoKey");
  }
}

// SJTU basic_kv / dslabs "basic kv operations" / MIT Lab 2's reliable test:
// puts create keys at version 1, gets read them back, a put at the current
// version replaces the value, a stale version is refused with ErrVersion,
// an absent key with version > 0 is ErrNoKey, and a get of it ErrNoKey.
void BasicOps(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  const int keys = static_cast<int>(ctx.params().Int("keys"));
  KvClerk& ck = c.MakeClerk();
  // A get first (it retries until a leader answers), so that the exact
  // outcomes below are not blurred by a put resent during the first
  // election (which a clerk may report as ErrMaybe).
  ExpectNoKey(c, ck, "missing");
  for (int i = 0; i < keys; i++) PutOk(c, ck, Key(i), Value(i), 0);
  for (int i = 0; i < keys; i++) CheckGet(c, ck, Key(i), Value(i), 1);
  const std::string victim = Key(keys / 2);
  PutOk(c, ck, victim, "replaced", 1);
  CheckGet(c, ck, victim, "replaced", 2);
  ExpectPut(c, ck, victim, "stale", 1, RAFTLAB_ERR_VERSION, "version 1 is stale: the key is at version 2");
  ExpectPut(c, ck, victim, "new", 0, RAFTLAB_ERR_VERSION, "version 0 creates a key, but it exists");
  CheckGet(c, ck, victim, "replaced", 2);
  ExpectPut(c, ck, "missing", "x", 1, RAFTLAB_ERR_NO_KEY, "the key does not exist and the version is not 0");
  ExpectNoKey(c, ck, "missing");
  c.CheckLinearizable("end");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_basic_ops", "SJTU basic_kv / dslabs basic kv operations: put, get, version rules",
                           {Int("servers", 3, "KV servers"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", -1, "snapshot threshold in bytes"), Int("keys", 10, "keys written")},
                           &BasicOps});

// SJTU persist_kv: keys written and one replaced, every server restarted
// (disabled first), and after 2 s every value must still be there.
void PersistOps(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  const int keys = static_cast<int>(ctx.params().Int("keys"));
  const int restarts = static_cast<int>(ctx.params().Int("restarts"));
  KvClerk& ck = c.MakeClerk();
  ExpectNoKey(c, ck, Key(keys));  // a leader answers before the exact puts (see BasicOps)
  for (int i = 0; i < keys; i++) PutOk(c, ck, Key(i), Value(i), 0);
  PutOk(c, ck, Key(0), "replaced", 1);
  for (int r = 0; r < restarts; r++) {
    for (int i = 0; i < c.n(); i++) c.Disconnect(i);
    c.ShutdownAll();
    c.StartAll();
    c.ConnectAll();
    c.Sleep(t::kSjtuSettle);
    CheckGet(c, ck, Key(0), "replaced", 2);
    for (int i = 1; i < keys; i++) CheckGet(c, ck, Key(i), Value(i), 1);
    ExpectNoKey(c, ck, Key(keys));
  }
  c.CheckLinearizable("end");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_persist_ops", "SJTU persist_kv: values survive restarting every server",
                           {Int("servers", 3, "KV servers"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", -1, "snapshot threshold in bytes"), Int("keys", 10, "keys written"),
                            Int("restarts", 1, "rounds of restarting every server")},
                           &PersistOps});

// SJTU snapshot_kv: a follower is cut off while the others take many puts
// (and snapshot); after it rejoins it must hold every value: it is then put
// in a majority with one other server, away from the old leader, and every
// key is read through it.
void SnapshotCatchUp(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  if (c.n() != 3) c.Fail("kv_snapshot_catchup needs servers: 3");
  const int keys = static_cast<int>(ctx.params().Int("keys"));
  KvClerk& ck = c.MakeClerk();
  ExpectNoKey(c, ck, "start");  // a leader exists (see BasicOps)
  int leader = -1;
  for (int tries = 0; leader < 0 && tries < 200; tries++) {
    leader = c.Leader();
    if (leader < 0) c.SleepUnscaled(std::chrono::milliseconds(50));
  }
  if (leader < 0) c.Fail("no server says it is leader");
  const int lagging = (leader + 1) % 3;
  const int other = (leader + 2) % 3;
  c.Disconnect(lagging);
  for (int i = 0; i < keys; i++) PutOk(c, ck, Key(i), Value(i), 0);
  c.Sleep(t::kSjtuSettle);
  c.Connect(lagging);
  c.Sleep(t::kSjtuSettle);
  // Only the lagging server and one other may now form a majority.
  c.Partition({lagging, other}, {leader});
  KvClerk& via = c.MakeClerkTo({lagging, other});
  for (int i = 0; i < keys; i++) CheckGet(c, via, Key(i), Value(i), 1);
  if (c.options().maxraftstate > 0 && c.SnapshotSize() == 0) {
    c.Fail("no server saved a snapshot although maxraftstate is " + std::to_string(c.options().maxraftstate));
  }
  c.ConnectAll();
  c.CheckLinearizable("end");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_snapshot_catchup",
                           "SJTU snapshot_kv: a follower cut off during many puts catches up after rejoining",
                           {Int("servers", 3, "KV servers (3)"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", 1000, "snapshot threshold in bytes"), Int("keys", 50, "keys written")},
                           &SnapshotCatchUp});

}  // namespace
}  // namespace raftlab::scenarios::kv
