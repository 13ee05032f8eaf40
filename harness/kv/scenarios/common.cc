#include "harness/kv/scenarios/common.h"

#include "harness/linearizability/history.h"

namespace raftlab::scenarios::kv {

ParamSpec Int(const std::string& name, int64_t def, const std::string& help) {
  return {name, ParamType::kInt, def, help};
}

ParamSpec Bool(const std::string& name, bool def, const std::string& help) {
  return {name, ParamType::kBool, def, help};
}

KvClusterOptions KvOptionsFrom(const Params& p, KvServerKind kind) {
  KvClusterOptions o;
  o.kind = kind;
  o.servers = p.Has("servers") ? static_cast<int>(p.Int("servers")) : 5;
  o.reliable = p.Has("reliable") ? p.Bool("reliable") : true;
  o.maxraftstate = p.Has("maxraftstate") ? p.Int("maxraftstate") : -1;
  return o;
}

std::vector<int> AllServers(int n) {
  std::vector<int> all(n);
  for (int i = 0; i < n; i++) all[i] = i;
  return all;
}

std::string ClientValue(int client, uint64_t version) {
  return "c" + std::to_string(client) + "v" + std::to_string(version);
}

namespace {
std::string Who(const KvClerk& ck) { return "clerk " + std::to_string(ck.id()); }
}  // namespace

uint64_t PutAtLeastOnce(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value,
                        uint64_t version) {
  while (true) {
    c.ThrowIfFailed();
    const int32_t err = ck.Put(key, value, version);
    if (err == RAFTLAB_OK) return version + 1;
    if (err == RAFTLAB_ERR_MAYBE || err == RAFTLAB_ERR_VERSION) {
      version++;
      continue;
    }
    c.Fail(Who(ck) + ": put(" + lin::QuoteValue(key) + ", " + lin::QuoteValue(value) + ", " +
           std::to_string(version) + ") returned " + ClerkCodeName(err) + "; expected OK, ErrVersion or ErrMaybe");
  }
}

void CheckGet(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value, uint64_t version) {
  c.ThrowIfFailed();
  KvClerk::GetResult g = ck.Get(key);
  if (g.err != RAFTLAB_OK || g.value != value || g.version != version) {
    c.Fail(Who(ck) + ": get(" + lin::QuoteValue(key) + ") returned (" + lin::QuoteValue(g.value) + ", " +
           std::to_string(g.version) + ", " + ClerkCodeName(g.err) + "); expected (" + lin::QuoteValue(value) + ", " +
           std::to_string(version) + ", OK)");
  }
}

void PutOk(KvCluster& c, KvClerk& ck, const std::string& key, const std::string& value, uint64_t version) {
  c.ThrowIfFailed();
  const int32_t err = ck.Put(key, value, version);
  if (err != RAFTLAB_OK) {
    c.Fail(Who(ck) + ": put(" + lin::QuoteValue(key) + ", " + lin::QuoteValue(value) + ", " +
           std::to_string(version) + ") returned " + ClerkCodeName(err) + "; expected OK");
  }
}

bool OnePut(KvCluster& c, KvClerk& ck, const std::string& key, uint64_t* version, PutCounts* counts,
            std::string* anomaly) {
  while (true) {
    c.ThrowIfFailed();
    const std::string value = ClientValue(ck.id(), *version);
    const int32_t err = ck.Put(key, value, *version);
    if (err == RAFTLAB_ERR_KILLED) return false;
    if (err != RAFTLAB_OK && err != RAFTLAB_ERR_VERSION && err != RAFTLAB_ERR_MAYBE) {
      c.Fail(Who(ck) + ": wrong error: put(" + lin::QuoteValue(key) + ", " + lin::QuoteValue(value) + ", " +
             std::to_string(*version) + ") returned " + ClerkCodeName(err) +
             "; expected OK, ErrVersion or ErrMaybe");
    }
    KvClerk::GetResult g = ck.Get(key);
    if (g.err == RAFTLAB_ERR_KILLED) return false;
    if (g.err != RAFTLAB_OK) {
      *anomaly = Who(ck) + ": get(" + lin::QuoteValue(key) + ") after a put returned " + ClerkCodeName(g.err) +
                 "; the key exists, so expected OK";
      return false;
    }
    if (err == RAFTLAB_OK && g.version == *version + 1 && g.value != value) {
      *anomaly = Who(ck) + ": wrong value: put(" + lin::QuoteValue(key) + ", " + lin::QuoteValue(value) + ", " +
                 std::to_string(*version) + ") returned OK and the next get saw version " +
                 std::to_string(g.version) + " but value " + lin::QuoteValue(g.value);
      return false;
    }
    *version = g.version;
    if (err == RAFTLAB_OK) {
      counts->ok++;
      return true;
    }
    if (err == RAFTLAB_ERR_MAYBE) {
      counts->maybe++;
      return true;
    }
  }
}

}  // namespace raftlab::scenarios::kv
