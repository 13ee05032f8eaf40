// kv_bench: throughput and latency of the KV service through the part-5
// fixture (harness/kv/), in process: for 1, 8 and 32 clerks against 3 and 5
// servers, every clerk puts to (and reads) its own key in a loop for a fixed
// time; the table gives operations per second and latency percentiles.
//
// Usage: kv_bench [plugin.so] [seconds per row]   (default: the reference, 3 s)
// Prints figures; asserts nothing (no timed unit tests: see STYLE.md).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/kv/kv_cluster.h"
#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

// The smallest TestContext the fixture needs: failures are printed and end
// the row; events and student logs are dropped.
class BenchContext : public TestContext {
 public:
  BenchContext(Runtime& rt, const PluginLibrary& plugin) : rt_(rt), plugin_(plugin) { spec_.name = "kv_bench"; }
  const TestSpec& spec() const override { return spec_; }
  uint64_t seed() const override { return 1; }
  Runtime& runtime() override { return rt_; }
  const PluginLibrary& plugin() const override { return plugin_; }
  double timeout_scale() const override { return 1.0; }
  void Fail(const std::string& message) override {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (failure_.empty()) failure_ = message;
    }
    throw TestFailed(message);
  }
  bool failed() const override {
    std::lock_guard<std::mutex> l(mu_);
    return !failure_.empty();
  }
  void ThrowIfFailed() override {
    std::lock_guard<std::mutex> l(mu_);
    if (!failure_.empty()) throw TestFailed(failure_);
  }
  [[noreturn]] void Skip(const std::string& reason) override { throw TestSkipped(reason); }
  void Event(const std::string&) override {}
  void StudentLog(int, int64_t, int, std::string_view) override {}
  void SetFigures(const Figures&) override {}
  std::string failure() const {
    std::lock_guard<std::mutex> l(mu_);
    return failure_;
  }

 private:
  Runtime& rt_;
  const PluginLibrary& plugin_;
  TestSpec spec_;
  mutable std::mutex mu_;
  std::string failure_;
};

struct Row {
  int servers = 0;
  int clerks = 0;
  int64_t ops = 0;
  double seconds = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  std::string error;
};

double Percentile(std::vector<int64_t>& v, double q) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e6;
}

Row RunRow(Runtime& rt, const PluginLibrary& plugin, int servers, int clerks, Nanos duration) {
  Row row;
  row.servers = servers;
  row.clerks = clerks;
  BenchContext ctx(rt, plugin);
  std::vector<std::vector<int64_t>> lat(clerks);
  try {
    KvClusterOptions o;
    o.servers = servers;
    KvCluster c(ctx, o);
    std::vector<KvClerk*> cks;
    for (int i = 0; i < clerks; i++) cks.push_back(&c.MakeClerk());
    (void)cks[0]->Get("warm-up");  // a leader exists before timing
    const Nanos start = rt.now();
    const Nanos end = start + duration;
    for (int i = 0; i < clerks; i++) {
      c.Spawn("bench clerk " + std::to_string(i), [&, i] {
        const std::string key = "k" + std::to_string(i);
        uint64_t ver = 0;
        while (rt.now() < end) {
          const Nanos t0 = rt.now();
          const int32_t err = cks[i]->Put(key, "v" + std::to_string(ver), ver, /*record=*/false);
          lat[i].push_back((rt.now() - t0).count());
          if (err == RAFTLAB_OK || err == RAFTLAB_ERR_MAYBE) ver++;
          if (err == RAFTLAB_ERR_VERSION) ver = cks[i]->Get(key, /*record=*/false).version;
        }
      });
    }
    c.JoinClients();
    row.seconds = std::chrono::duration<double>(rt.now() - start).count();
  } catch (const TestFailed& e) {
    row.error = e.what();
  } catch (const TestSkipped& e) {
    row.error = std::string("skipped: ") + e.what();
  }
  std::vector<int64_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  row.ops = static_cast<int64_t>(all.size());
  row.p50_ms = Percentile(all, 0.50);
  row.p90_ms = Percentile(all, 0.90);
  row.p99_ms = Percentile(all, 0.99);
  return row;
}

}  // namespace
}  // namespace raftlab

int main(int argc, char** argv) {
  using namespace raftlab;
#ifdef RAFTLAB_REFERENCE_PLUGIN
  std::string path = RAFTLAB_REFERENCE_PLUGIN;
#else
  std::string path;
#endif
  if (argc > 1 && argv[1][0] != '\0') path = argv[1];
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  if (path.empty()) {
    std::fprintf(stderr, "usage: kv_bench plugin.so [seconds per row]\n");
    return 2;
  }
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(path);
  if (!lib.ok()) {
    std::fprintf(stderr, "kv_bench: %s\n", lib.status().message().c_str());
    return 3;
  }
  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  const Nanos duration = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(seconds));
  std::printf("kv_bench: %s, %.1f s per row, puts on one key per clerk, reliable network\n", path.c_str(), seconds);
  std::printf("%8s %7s %10s %10s %9s %9s %9s\n", "servers", "clerks", "ops", "ops/s", "p50 ms", "p90 ms", "p99 ms");
  for (int servers : {3, 5}) {
    for (int clerks : {1, 8, 32}) {
      Row r = RunRow(*rt, **lib, servers, clerks, duration);
      if (!r.error.empty()) {
        std::printf("%8d %7d   error: %s\n", servers, clerks, r.error.c_str());
        continue;
      }
      std::printf("%8d %7d %10lld %10.0f %9.2f %9.2f %9.2f\n", servers, clerks, static_cast<long long>(r.ops),
                  r.seconds > 0 ? static_cast<double>(r.ops) / r.seconds : 0.0, r.p50_ms, r.p90_ms, r.p99_ms);
      std::fflush(stdout);
    }
  }
  return 0;
}
