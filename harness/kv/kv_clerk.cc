#include "harness/kv/kv_clerk.h"

#include "runtime/rng.h"

namespace raftlab {
namespace {

struct StringSink {
  raftlab_sink sink;
  std::string* out;
};

void StringSinkWrite(raftlab_sink* self, const uint8_t* data, size_t len) {
  auto* s = reinterpret_cast<StringSink*>(self);
  if (len > 0 && data != nullptr) s->out->append(reinterpret_cast<const char*>(data), len);
}

const uint8_t* Data(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

bool ToKvErr(int32_t code, bool is_put, lin::KvErr* out) {
  switch (code) {
    case RAFTLAB_OK: *out = lin::KvErr::kOk; return true;
    case RAFTLAB_ERR_NO_KEY: *out = lin::KvErr::kErrNoKey; return true;
    case RAFTLAB_ERR_VERSION: *out = lin::KvErr::kErrVersion; return is_put;
    case RAFTLAB_ERR_MAYBE: *out = lin::KvErr::kErrMaybe; return is_put;
    default: return false;
  }
}

std::string ClerkCodeName(int32_t code) {
  switch (code) {
    case RAFTLAB_OK: return "OK";
    case RAFTLAB_ERR_NO_KEY: return "ErrNoKey";
    case RAFTLAB_ERR_VERSION: return "ErrVersion";
    case RAFTLAB_ERR_MAYBE: return "ErrMaybe";
    case RAFTLAB_ERR_WRONG_LEADER: return "ErrWrongLeader";
    case RAFTLAB_ERR_UNKNOWN_METHOD: return "RAFTLAB_ERR_UNKNOWN_METHOD";
    case RAFTLAB_ERR_KILLED: return "RAFTLAB_ERR_KILLED";
    case RAFTLAB_ERR_INTERNAL: return "RAFTLAB_ERR_INTERNAL";
    default: return "code " + std::to_string(code);
  }
}

KvClerk::KvClerk(TestContext& ctx, std::shared_ptr<KvHistory> history, int id, std::string name)
    : ctx_(ctx),
      history_(std::move(history)),
      id_(id),
      name_(std::move(name)),
      mu_(ctx.runtime().make_mutex()),
      cv_(ctx.runtime().make_cond()) {}

KvClerk::~KvClerk() {
  if (leaked_) return;
  if (clerk_ != nullptr) ext_->destroy(clerk_);
}

StatusOr<std::unique_ptr<KvClerk>> KvClerk::Make(TestContext& ctx, std::shared_ptr<KvHistory> history, int id, std::string name,
                                                 std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                 std::function<void(const std::string&)> report) {
  std::unique_ptr<KvClerk> c(new KvClerk(ctx, std::move(history), id, std::move(name)));
  StatusOr<std::unique_ptr<LoadedPlugin>> plugin = ctx.plugin().Instantiate();
  if (!plugin.ok()) return plugin.status();
  c->plugin_ = std::move(*plugin);
  c->ext_ = static_cast<const raftlab_clerk_ext*>(c->plugin_->GetExtension(RAFTLAB_EXT_CLERK));
  if (c->ext_ == nullptr) return Status::TestFailure("the plugin has no " + std::string(RAFTLAB_EXT_CLERK));
  const int n = static_cast<int>(ends.size());
  KvClerk* raw = c.get();
  auto on_error = [raw, report = std::move(report)](const std::string& msg) {
    // The clerk ABI has no kill(): calls after Stop() are expected.
    if (raw->stopped_.load(std::memory_order_acquire)) return;
    report(msg);
  };
  auto log = [&ctx](int level, std::string_view text) { ctx.StudentLog(-1, -1, level, text); };
  PeerContext pc{
      .rt = ctx.runtime(),
      .ends = std::move(ends),
      .persister = nullptr,
      .apply = {},
      .log = std::move(log),
      .seed = DeriveSeed(ctx.seed(), "kv/clerk", static_cast<uint64_t>(id)),
      .role = "clerk " + std::to_string(id),
      .on_student_error = std::move(on_error),
  };
  c->host_ = std::make_unique<HostServices>(std::move(pc));
  c->clerk_ = c->ext_->make(c->host_->host(), n);
  if (c->clerk_ == nullptr) return Status::TestFailure("clerk make() returned NULL");
  return c;
}

void KvClerk::Enter() {
  MutexLock l(*mu_);
  in_flight_++;
}

void KvClerk::Leave() {
  MutexLock l(*mu_);
  if (--in_flight_ == 0) cv_->notify_all();
}

KvClerk::GetResult KvClerk::Get(const std::string& key, bool record) {
  GetResult r;
  Enter();
  const int64_t call = history_->NowNs();
  StringSink sink{{nullptr, &StringSinkWrite}, &r.value};
  r.err = ext_->get(clerk_, Data(key), key.size(), &sink.sink, &r.version);
  const int64_t ret = history_->NowNs();
  Leave();
  lin::KvErr e;
  if (record && ToKvErr(r.err, /*is_put=*/false, &e)) {
    if (e != lin::KvErr::kOk) {
      r.value.clear();
      r.version = 0;
    }
    history_->Record(lin::Operation::Get(id_, key, r.value, r.version, e, call, ret));
  }
  return r;
}

int32_t KvClerk::Put(const std::string& key, const std::string& value, uint64_t version, bool record) {
  Enter();
  const int64_t call = history_->NowNs();
  const int32_t rc = ext_->put(clerk_, Data(key), key.size(), Data(value), value.size(), version);
  const int64_t ret = history_->NowNs();
  Leave();
  if (record) {
    lin::KvErr e;
    if (ToKvErr(rc, /*is_put=*/true, &e)) {
      history_->Record(lin::Operation::Put(id_, key, value, version, e, call, ret));
    } else {
      history_->Record(
          lin::Operation::Put(id_, key, value, version, lin::KvErr::kErrMaybe, call, lin::kNeverReturned));
    }
  }
  return rc;
}

void KvClerk::Stop() {
  stopped_.store(true, std::memory_order_release);
  if (host_) host_->MarkKilled();
}

bool KvClerk::WaitIdle(Nanos bound) {
  Runtime& rt = ctx_.runtime();
  MutexLock l(*mu_);
  const Nanos deadline = rt.now() + bound;
  while (in_flight_ > 0 && !cv_->wait_until(*mu_, deadline)) {
  }
  return in_flight_ == 0;
}

void KvClerk::Leak() {
  leaked_ = true;
  if (plugin_) plugin_->KeepLoaded();
  (void)plugin_.release();
  (void)host_.release();
}

}  // namespace raftlab
