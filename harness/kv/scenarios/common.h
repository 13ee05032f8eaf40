// Shared vocabulary of the part-5 scenarios: parameter builders, the
// fixture options they map to, and MIT kvtest's client helpers (OnePut,
// PutAtLeastOnce, CheckGet) written against the KvCluster fixture.
//
// Thread safety: the helpers run on whichever thread drives the clerk (one
// thread per clerk). Ownership: nothing kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/kv/kv_cluster.h"
#include "harness/scenario/scenario.h"

namespace raftlab::scenarios::kv {

ParamSpec Int(const std::string& name, int64_t def, const std::string& help);
ParamSpec Bool(const std::string& name, bool def, const std::string& help);

// servers, reliable, maxraftstate from the params (defaults 5, true, -1).
KvClusterOptions KvOptionsFrom(const Params& p, KvServerKind kind = KvServerKind::kKvServer);

// Every server index.
std::vector<int> AllServers(int n);

// The value client `client` writes at `version`: "c<client>v<version>".
std::string ClientValue(int client, uint64_t version);

// MIT PutAtLeastOnce: puts until OK (returns version + 1); ErrMaybe and
// ErrVersion move on to the next version; anything else fails the test.
uint64_t PutAtLeastOnce(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value,
                        uint64_t version);

// MIT CheckGet: the clerk's Get must return (value, version, OK).
void CheckGet(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value, uint64_t version);

// Puts that must be OK at once (a reliable network, no concurrent writer).
void PutOk(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value, uint64_t version);

// Counts of one client's OnePut outcomes (MIT ClntRes).
struct PutCounts {
  int64_t ok = 0;
  int64_t maybe = 0;
};

// MIT OnePut: put our value at *version, read it back, adopt the version
// read; returns after an OK or ErrMaybe put (counted), retries on
// ErrVersion. Returns false when the clerk was stopped (test over) or when
// it saw an anomaly MIT treats as fatal (a get of the key just written says
// ErrNoKey; an OK put's version holds another client's value): the anomaly
// is then described in *anomaly and the caller fails the test AFTER the
// linearizability check, since each such anomaly also makes the history
// non-linearizable and the check explains it with a picture. A clerk
// result code outside the ABI fails the test at once.
bool OnePut(KvCluster& c, KvClerk& ck, const std::string& key, uint64_t* version, PutCounts* counts,
            std::string* anomaly);

}  // namespace raftlab::scenarios::kv
