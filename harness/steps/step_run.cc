// The steps interpreter's state and argument resolution (see step_run.h),
// and the runner that the test child calls for a steps test.
// Thread safety and ownership: see step_run.h; the runner is registered
// during static initialisation.
#include "harness/steps/step_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>

#include "harness/scenario/step_compiler.h"

namespace raftlab {

StepRun::StepRun(TestContext& ctx, const StepRegistry& registry)
    : ctx_(ctx), registry_(registry), rng_(DeriveSeed(ctx.seed(), "steps")) {}

StepRun::~StepRun() {
  clerks_.clear();
  owned_kv_.reset();    // joins client threads, shuts the servers down
  owned_raft_.reset();  // shuts the peers down (an adopted fixture is its scenario's)
}

void StepRun::Run(const StepProgram& program) {
  RunSteps(program.steps);
  if (raft_) raft_->End();
  if (kv_) kv_->End();
}

void StepRun::Adopt(Cluster& c) {
  if (raft_ || kv_) throw std::logic_error("a StepRun adopted a fixture while it had one");
  raft_ = &c;
  n_ = c.n();
  Bind("n", n_);
}

void StepRun::Adopt(KvCluster& c) {
  if (raft_ || kv_) throw std::logic_error("a StepRun adopted a fixture while it had one");
  kv_ = &c;
  n_ = c.n();
  Bind("n", n_);
}

void StepRun::RunPrelude(const StepProgram& program, const std::string& scenario) {
  if (!program.prelude || (!raft_ && !kv_)) throw std::logic_error("a prelude needs an adopted fixture");
  prelude_of_ = scenario;
  ctx_.Event(fmt::format("prelude of scenario '{}': {} step{} ({})", scenario, program.steps.size(),
                         program.steps.size() == 1 ? "" : "s", program.where));
  RunSteps(program.steps);
  ctx_.Event(fmt::format("prelude done; scenario '{}' goes on", scenario));
}

void StepRun::RunSteps(const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    const StepVerbInfo* verb = registry_.Find(step.verb);
    if (!verb) throw std::logic_error("step verb '" + step.verb + "' is not registered in this labtest");
    ctx_.ThrowIfFailed();
    ctx_.Event(fmt::format("step {} ({})", step.verb, step.where));
    try {
      verb->run(*this, step);
    } catch (const TestFailed& e) {
      if (annotated_) throw;
      annotated_ = true;
      if (!prelude_of_.empty()) {
        throw TestFailed(fmt::format("{} (step '{}' at {}, in the steps prelude, before scenario '{}' began)",
                                     e.what(), step.verb, step.where, prelude_of_));
      }
      throw TestFailed(fmt::format("{} (step '{}' at {})", e.what(), step.verb, step.where));
    }
  }
}

void StepRun::StartRaft(const ClusterOptions& o) {
  if (raft_ || kv_) throw std::logic_error("a steps test started a second fixture");
  n_ = o.servers;
  Bind("n", n_);
  owned_raft_ = std::make_unique<Cluster>(ctx_, o);
  raft_ = owned_raft_.get();
}

void StepRun::StartKv(const KvClusterOptions& o) {
  if (raft_ || kv_) throw std::logic_error("a steps test started a second fixture");
  n_ = o.servers;
  Bind("n", n_);
  owned_kv_ = std::make_unique<KvCluster>(ctx_, o);
  kv_ = owned_kv_.get();
}

Cluster& StepRun::raft() {
  if (!raft_) throw std::logic_error("this step needs a Raft cluster (the compiler should have said so)");
  return *raft_;
}

KvCluster& StepRun::kv() {
  if (!kv_) throw std::logic_error("this step needs a KV cluster (the compiler should have said so)");
  return *kv_;
}

FixtureBase& StepRun::fixture() {
  if (raft_) return *raft_;
  if (kv_) return *kv_;
  throw std::logic_error("no fixture started (the compiler should have said so)");
}

KvClerk& StepRun::Clerk(const std::string& name) {
  auto it = clerks_.find(name);
  if (it != clerks_.end()) return *it->second;
  KvClerk& ck = kv().MakeClerk();
  clerks_.emplace(name, &ck);
  return ck;
}

const StepValue& StepRun::Arg(const Step& s, const std::string& arg) const {
  auto it = s.args.find(arg);
  if (it == s.args.end()) throw std::logic_error("step '" + s.verb + "' has no argument '" + arg + "'");
  return it->second;
}

int64_t StepRun::Eval(const StepValue& v) const {
  std::optional<IntExpr> e = ParseIntExpr(v.scalar);
  if (!e) throw std::logic_error(v.where + ": not an expression: " + v.scalar);
  if (e->name.empty()) return e->offset;
  auto it = names_.find(e->name);
  if (it == names_.end()) throw std::logic_error(v.where + ": '" + e->name + "' is not bound");
  return it->second + e->offset;
}

int StepRun::ToPeer(int64_t x) const {
  if (n_ <= 0) throw std::logic_error("a peer before the fixture started");
  return static_cast<int>(((x % n_) + n_) % n_);
}

int64_t StepRun::Int(const Step& s, const std::string& arg, int64_t def) const {
  return Has(s, arg) ? Eval(Arg(s, arg)) : def;
}

double StepRun::Number(const Step& s, const std::string& arg, double def) const {
  return Has(s, arg) ? std::stod(Arg(s, arg).scalar) : def;
}

bool StepRun::Bool(const Step& s, const std::string& arg, bool def) const {
  if (!Has(s, arg)) return def;
  std::string v = Arg(s, arg).scalar;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "yes" || v == "on";
}

std::string StepRun::String(const Step& s, const std::string& arg, const std::string& def) const {
  return Has(s, arg) ? Arg(s, arg).scalar : def;
}

int StepRun::Peer(const Step& s, const std::string& arg) const { return ToPeer(Eval(Arg(s, arg))); }

std::vector<int> StepRun::Peers(const Step& s, const std::string& arg) const {
  const StepValue& v = Arg(s, arg);
  std::vector<int> out;
  if (v.IsScalar() && (v.scalar == "all" || v.scalar == "All" || v.scalar == "ALL")) {
    for (int i = 0; i < n_; i++) out.push_back(i);
  } else if (v.IsScalar()) {
    out.push_back(ToPeer(Eval(v)));
  } else {
    for (const StepValue& p : v.items) out.push_back(ToPeer(Eval(p)));
  }
  return out;
}

std::vector<std::vector<int>> StepRun::Groups(const Step& s, const std::string& arg) const {
  std::vector<std::vector<int>> out;
  for (const StepValue& g : Arg(s, arg).items) {
    std::vector<int> group;
    for (const StepValue& p : g.items) group.push_back(ToPeer(Eval(p)));
    out.push_back(std::move(group));
  }
  return out;
}

Command StepRun::CommandArg(const Step& s, const std::string& arg) {
  const std::string& text = Arg(s, arg).scalar;
  if (text == "random") return raft_ ? raft_->RandomCommand() : IntCommand(rng_.uniform(0, (int64_t{1} << 31) - 1));
  std::optional<IntExpr> e = ParseIntExpr(text);
  if (e && e->name.empty()) return IntCommand(e->offset);
  return text;
}

void StepRun::BindArg(const Step& s, const std::string& arg, int64_t value) {
  if (Has(s, arg)) Bind(Arg(s, arg).scalar, value);
}

void StepRun::Bind(const std::string& name, int64_t value) {
  names_[name] = value;
  if (name != "n") ctx_.Event(fmt::format("{} = {}", name, value));
}

void StepRun::Unbind(const std::string& name) { names_.erase(name); }

namespace {

// The prelude of the test, on the fixture its scenario just built. The
// loader checked the prelude against the fixture the scenario declares
// (ScenarioInfo::fixture); a scenario that builds another is a harness bug.
void RunPreludeOn(TestContext& ctx, FixtureBase& fixture) {
  const TestSpec& spec = ctx.spec();
  const StepFixture declared = spec.steps->fixture;
  StepFixture built = StepFixture::kAny;
  StepRun run(ctx, GlobalStepRegistry());
  if (auto* raft = dynamic_cast<Cluster*>(&fixture)) {
    built = StepFixture::kRaft;
    run.Adopt(*raft);
  } else if (auto* kv = dynamic_cast<KvCluster*>(&fixture)) {
    built = kv->options().kind == KvServerKind::kRsm ? StepFixture::kRsm : StepFixture::kKv;
    run.Adopt(*kv);
  }
  if (built != declared) {
    throw std::logic_error(fmt::format("scenario '{}' is registered as building a {} fixture but built a {} one",
                                       spec.scenario, StepFixtureName(declared), StepFixtureName(built)));
  }
  run.RunPrelude(*spec.steps, spec.scenario);
}

// The steps runner: what the test child calls for a steps test, and the
// prelude runner: what it calls for a C++ scenario with a prelude.
struct RunnerRegistrar {
  RunnerRegistrar() {
    GlobalStepRegistry().SetRunner([](TestContext& ctx) {
      const TestSpec& spec = ctx.spec();
      if (!spec.IsSteps()) throw std::logic_error("the steps runner was given a test that is not a steps test");
      StepRun run(ctx, GlobalStepRegistry());
      run.Run(*spec.steps);
    });
    GlobalStepRegistry().SetPreludeRunner([](TestContext& ctx, const ScenarioFn& body) {
      const TestSpec& spec = ctx.spec();
      if (!spec.HasPrelude()) throw std::logic_error("the prelude runner was given a test without a prelude");
      std::atomic<bool> ran{false};  // set on the thread that builds the fixture
      ctx.SetFixtureHook([&ctx, &ran](FixtureBase& fixture) {
        ran.store(true);
        RunPreludeOn(ctx, fixture);
      });
      try {
        body(ctx);
      } catch (...) {
        ctx.TakeFixtureHook();  // the scenario failed before it built a fixture: drop the hook
        throw;
      }
      ctx.TakeFixtureHook();
      // A scenario that passes without building a fixture would pass a
      // test whose prelude never ran: a harness bug, not the student's.
      if (!ran.load()) {
        throw std::logic_error("scenario '" + spec.scenario + "' built no fixture, so the test's steps prelude "
                               "never ran");
      }
    });
  }
};
const RunnerRegistrar kRunnerRegistrar;

}  // namespace

}  // namespace raftlab
