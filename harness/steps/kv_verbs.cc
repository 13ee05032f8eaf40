// The KV step verbs (part 5): start a KV cluster, clerk operations with the
// result they must give (put, get), concurrent clients for a while, and the
// linearizability check, over the KV fixture (harness/kv/kv_cluster.h) and
// the part-5 scenarios' client helpers (harness/kv/scenarios/common.h).
// Messages match those the C++ KV scenarios gave (harness/kv/scenarios/).
//
// The KV ABI is MIT 2025's versioned put/get: there is no append (a put at
// the key's current version replaces it; a stale version is ErrVersion), so
// `append`, which issue 15 listed and MIT's older labs had, is registered as
// an unavailable word: a step using it gets an error saying what to write.
//
// Thread safety: handlers run on the scenario thread; `clients` starts client
// threads and joins them before it returns. Ownership: none kept.
#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "harness/kv/scenarios/common.h"
#include "harness/linearizability/history.h"
#include "harness/steps/step_run.h"
#include "harness/steps/verb_util.h"

namespace raftlab::steps {
namespace {

using T = StepArgType;

const std::vector<std::string> kPutResults = {"OK", "ErrVersion", "ErrNoKey", "ErrMaybe", "OK-or-ErrMaybe"};
const std::vector<std::string> kGetResults = {"OK", "ErrNoKey"};

void RunKvCluster(StepRun& r, const Step& s) {
  KvClusterOptions o;
  o.servers = static_cast<int>(r.Int(s, "servers", 5));
  o.reliable = r.Bool(s, "reliable", true);
  o.maxraftstate = r.Int(s, "maxraftstate", -1);
  r.StartKv(o);
}

RAFTLAB_REGISTER_STEP({"kv_cluster",
                       StepFixture::kKv,
                       true,
                       "servers",
                       {Ranged(Opt("servers", T::kInt, "5", "KV servers"), 1, 9),
                        Opt("reliable", T::kBool, "true", "false: the network drops and delays RPCs"),
                        Ranged(Opt("maxraftstate", T::kInt, "-1",
                                   "snapshot when the persisted Raft state nears this many bytes (-1: never)"),
                               -1, std::nullopt)},
                       "start a KV cluster (needs the plugin's raftlab.kvserver/1 and raftlab.clerk/1 extensions); "
                       "binds n",
                       "MakeTestKV / tester1.MakeTest",
                       nullptr,
                       &RunKvCluster});

const UnavailableStepRegistrar kNoAppend(
    "append",
    "the KV ABI (include/raftlab/raftlab.h) is MIT 2025's versioned Put/Get, which has no Append; to extend a "
    "value, read it and put the whole new value conditional on the version read ('- get: {key: k, value: ab, "
    "version: 1}' then '- put: {key: k, value: abc, version: 1}'), or write a C++ scenario (harness/kv/scenarios/) "
    "for anything more");

void RunPut(StepRun& r, const Step& s) {
  KvCluster& c = r.kv();
  KvClerk& ck = r.Clerk(r.String(s, "clerk", "ck"));
  const std::string key = r.String(s, "key", "");
  const std::string value = r.String(s, "value", "");
  const int64_t version = r.Int(s, "version", 0);
  const std::string expect = r.String(s, "expect", "OK");
  const int32_t got = ck.Put(key, value, static_cast<uint64_t>(version));
  const std::string name = ClerkCodeName(got);
  const bool fine = name == expect || (expect == "OK-or-ErrMaybe" && (got == RAFTLAB_OK || got == RAFTLAB_ERR_MAYBE));
  if (!fine) {
    c.Fail(fmt::format("put({}, {}, {}) returned {}; expected {}", lin::QuoteValue(key), lin::QuoteValue(value),
                       version, name, expect == "OK-or-ErrMaybe" ? "OK or ErrMaybe" : expect));
  }
}

RAFTLAB_REGISTER_STEP({"put",
                       StepFixture::kKv,
                       false,
                       "",
                       {Req("key", T::kString, "the key"), Req("value", T::kString, "the value"),
                        Ranged(Opt("version", T::kInt, "0", "the version the put is conditional on (0 creates)"), 0,
                               std::nullopt),
                        Choice("expect", kPutResults, "OK", "the result the put must return"),
                        Opt("clerk", T::kString, "ck", "which clerk (each name is its own clerk, made on first use)")},
                       "a clerk's put(key, value, version) must return the expected result",
                       "ck.Put",
                       nullptr,
                       &RunPut});

void RunGet(StepRun& r, const Step& s) {
  KvCluster& c = r.kv();
  KvClerk& ck = r.Clerk(r.String(s, "clerk", "ck"));
  const std::string key = r.String(s, "key", "");
  const std::string expect = r.String(s, "expect", "OK");
  const KvClerk::GetResult g = ck.Get(key);
  const bool value_ok = !StepRun::Has(s, "value") || g.value == r.String(s, "value", "");
  const bool version_ok = !StepRun::Has(s, "version") || static_cast<int64_t>(g.version) == r.Int(s, "version", 0);
  if (ClerkCodeName(g.err) != expect || (expect == "OK" && (!value_ok || !version_ok))) {
    std::string want = expect;
    if (expect == "OK") {
      want = fmt::format("({}, {}, OK)",
                         StepRun::Has(s, "value") ? lin::QuoteValue(r.String(s, "value", "")) : "any value",
                         StepRun::Has(s, "version") ? std::to_string(r.Int(s, "version", 0)) : "any version");
    }
    c.Fail(fmt::format("{}: get({}) returned ({}, {}, {}); expected {}", ck.name(), lin::QuoteValue(key),
                       lin::QuoteValue(g.value), g.version, ClerkCodeName(g.err), want));
  }
}

RAFTLAB_REGISTER_STEP(
    {"get",
     StepFixture::kKv,
     false,
     "",
     {Req("key", T::kString, "the key"), Opt("value", T::kString, "", "the value it must return (with expect OK)"),
      Ranged(Opt("version", T::kInt, "", "the version it must return (with expect OK)"), 0, std::nullopt),
      Choice("expect", kGetResults, "OK", "the result the get must return"),
      Opt("clerk", T::kString, "ck", "which clerk")},
     "a clerk's get(key) must return the expected result, value and version",
     "ck.Get / CheckGet",
     nullptr,
     &RunGet});

void RunClients(StepRun& r, const Step& s) {
  KvCluster& c = r.kv();
  const int nclients = static_cast<int>(r.Int(s, "clients", 5));
  const double seconds = r.Number(s, "seconds", 1);
  const std::string key = r.String(s, "key", "k");
  std::vector<KvClerk*> clerks;
  for (int k = 0; k < nclients; k++) clerks.push_back(&c.MakeClerk());
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto counts = std::make_shared<std::vector<scenarios::kv::PutCounts>>(nclients);
  auto anomalies = std::make_shared<std::vector<std::string>>(nclients);
  for (int k = 0; k < nclients; k++) {
    c.Spawn("client " + std::to_string(k), [&c, &clerks, k, key, stop, counts, anomalies] {
      uint64_t version = 0;
      while (!stop->load(std::memory_order_acquire)) {
        if (!scenarios::kv::OnePut(c, *clerks[k], key, &version, &(*counts)[k], &(*anomalies)[k])) return;
      }
    });
  }
  // The clients' run time is what the test measures, not a deadline: not scaled.
  c.SleepUnscaled(std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(seconds)));
  stop->store(true, std::memory_order_release);
  c.JoinClients();
  int64_t ok = 0, maybe = 0;
  for (const auto& pc : *counts) {
    ok += pc.ok;
    maybe += pc.maybe;
  }
  c.Event(fmt::format("clients done: {} OK and {} ErrMaybe puts", ok, maybe));
  for (const std::string& a : *anomalies) {
    if (a.empty()) continue;
    c.CheckLinearizable("after the clients at " + s.where);  // explains the anomaly with a picture
    c.Fail(a);
  }
  if (ok + maybe == 0) c.Fail(fmt::format("{} clients ran for {:g} s and no put completed", nclients, seconds));
}

RAFTLAB_REGISTER_STEP({"clients",
                       StepFixture::kKv,
                       false,
                       "clients",
                       {Ranged(Opt("clients", T::kInt, "5", "concurrent clerks"), 1, 100),
                        Ranged(Opt("seconds", T::kNumber, "1", "how long they run (not scaled)"), 0.1, 600),
                        Opt("key", T::kString, "k", "the key they all put to and read back")},
                       "concurrent clerks put and read back one key for a while; any anomaly fails",
                       "SpawnClientsAndWait + OnePut",
                       nullptr,
                       &RunClients});

void RunCheckLinearizable(StepRun& r, const Step& s) { r.kv().CheckLinearizable("step at " + s.where); }

RAFTLAB_REGISTER_STEP({"check_linearizable",
                       StepFixture::kKv,
                       false,
                       "",
                       {},
                       "every clerk call so far forms a linearizable history (the checker draws it if not)",
                       "checkPorcupine",
                       nullptr,
                       &RunCheckLinearizable});

}  // namespace
}  // namespace raftlab::steps
