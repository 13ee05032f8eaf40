// The step compiler (see step_compiler.h).
// Thread safety: pure functions (one Compiler per call). Ownership: by value;
// errors are appended to the caller's vector.
#include "harness/scenario/step_compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

namespace raftlab {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool ParseLong(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  std::string t(s);
  errno = 0;
  char* end = nullptr;
  long long x = std::strtoll(t.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = x;
  return true;
}

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool ValidName(std::string_view s) {
  return !s.empty() && IsNameStart(s[0]) && std::all_of(s.begin(), s.end(), IsNameChar);
}

// Words a name may not be: they mean something else where a peer is expected.
const std::set<std::string> kReserved = {"all", "random", "true", "false", "yes", "no", "on", "off", "n"};

class Compiler {
 public:
  Compiler(const StepRegistry& registry, std::vector<std::string>* errors) : registry_(registry), errors_(errors) {}

  std::optional<StepProgram> Run(const StepValue& steps, const std::string& where_test) {
    StepProgram program;
    program.where = steps.where;
    if (!steps.IsList() || steps.items.empty()) {
      Error(steps.where, fmt::format("'steps' {} must be a non-empty list of steps, starting with '- cluster: "
                                     "{{servers: 3}}' (Raft) or '- kv_cluster: {{servers: 5}}' (KV)",
                                     where_test));
      return std::nullopt;
    }
    const size_t before = errors_->size();
    program.steps = List(steps, /*top=*/true);
    program.fixture = fixture_ == StepFixture::kKv ? StepFixture::kKv : StepFixture::kRaft;
    if (errors_->size() != before) return std::nullopt;
    return program;
  }

  // A prelude runs on the fixture `scenario` builds (`fixture`): no step may
  // start one, and `n` is bound from the start.
  std::optional<StepProgram> RunPrelude(const StepValue& steps, StepFixture fixture, const std::string& scenario,
                                        const std::string& where_test) {
    StepProgram program;
    program.where = steps.where;
    program.prelude = true;
    program.fixture = fixture;
    if (fixture == StepFixture::kAny) {
      Error(steps.where, fmt::format("scenario '{}' {} does not say which fixture it builds, so it cannot have a "
                                     "steps prelude (remove 'steps:', or make the test a steps test without "
                                     "'scenario:')",
                                     scenario, where_test));
      return std::nullopt;
    }
    if (!steps.IsList() || steps.items.empty()) {
      Error(steps.where, fmt::format("'steps' {} (a prelude of scenario '{}') must be a non-empty list of steps, "
                                     "e.g. '- disconnect: 0'",
                                     where_test, scenario));
      return std::nullopt;
    }
    prelude_of_ = scenario;
    fixture_ = fixture;
    bound_.insert("n");
    const size_t before = errors_->size();
    program.steps = List(steps, /*top=*/false);
    if (errors_->size() != before) return std::nullopt;
    return program;
  }

 private:
  void Error(const std::string& where, const std::string& msg) { errors_->push_back(where + ": " + msg); }

  std::vector<Step> List(const StepValue& list, bool top) {
    std::vector<Step> out;
    for (size_t i = 0; i < list.items.size(); ++i) {
      std::optional<Step> s = One(list.items[i], top && i == 0);
      if (s) out.push_back(std::move(*s));
    }
    return out;
  }

  // One list item: `verb`, `verb: value` or `verb: {args}`.
  std::optional<Step> One(const StepValue& item, bool first) {
    Step step;
    step.where = item.where;
    const StepValue* value = nullptr;
    StepValue none;
    none.where = item.where;
    std::string verb_where = item.where;
    if (item.IsScalar()) {
      step.verb = item.scalar;
      value = &none;
    } else if (item.IsMap() && item.field_keys.size() == 1) {
      step.verb = item.field_keys[0];
      verb_where = item.field_where[0];
      value = &item.field_values[0];
    } else {
      Error(item.where, fmt::format("a step is one verb: '- check_no_leader', '- disconnect: leader' or "
                                    "'- one: {{command: 101}}'; got {}{}",
                                    item.Show(),
                                    item.IsMap() ? fmt::format(" with {} keys (start a new '- ' line for each verb)",
                                                               item.field_keys.size())
                                                 : ""));
      return std::nullopt;
    }
    step.where = verb_where;
    const StepVerbInfo* verb = registry_.Find(step.verb);
    if (!verb) {
      if (const std::string* why = registry_.Unavailable(step.verb)) {
        Error(verb_where, fmt::format("there is no step verb '{}': {}", step.verb, *why));
        return std::nullopt;
      }
      std::string hint = StepClosestMatch(step.verb, registry_.Names());
      Error(verb_where,
            fmt::format("unknown step verb '{}' ({})", step.verb,
                        hint.empty() ? "`labtest --list-steps` lists the verbs" : "did you mean '" + hint + "'?"));
      return std::nullopt;
    }
    bool ok = Fixture(*verb, verb_where, first);
    // The arguments.
    if (value->IsMap()) {
      for (size_t k = 0; k < value->field_keys.size(); ++k) {
        const std::string& key = value->field_keys[k];
        const std::string& key_where = value->field_where[k];
        auto spec =
            std::find_if(verb->args.begin(), verb->args.end(), [&](const StepArgSpec& a) { return a.name == key; });
        if (spec == verb->args.end()) {
          std::vector<std::string> known;
          for (const StepArgSpec& a : verb->args) known.push_back(a.name);
          std::string hint = StepClosestMatch(key, known);
          Error(key_where,
                fmt::format("unknown argument '{}' for '{}' ({})", key, verb->name,
                            hint.empty() ? (known.empty() ? "it takes no arguments" : "it takes: " + Join(known))
                                         : "did you mean '" + hint + "'?"));
          ok = false;
          continue;
        }
        if (step.args.count(key)) {
          Error(key_where, fmt::format("argument '{}' appears twice (keep one)", key));
          ok = false;
          continue;
        }
        step.args.emplace(key, value->field_values[k]);
      }
    } else if (value->kind != StepValue::Kind::kNull) {
      if (verb->primary.empty()) {
        Error(value->where, fmt::format("'{}' takes named arguments ('{}: {{...}}'), not '{}'", verb->name, verb->name,
                                        value->Show()));
        return std::nullopt;
      }
      step.args.emplace(verb->primary, *value);
    }
    for (const StepArgSpec& a : verb->args) {
      if (a.required && !step.args.count(a.name)) {
        Error(verb_where, fmt::format("'{}' needs the argument '{}' ({}: {})", verb->name, a.name,
                                      StepArgTypeName(a.type), a.help));
        ok = false;
      }
    }
    // Types, ranges and names, in the declared order; a body's binds are
    // visible inside it only (`for: {each: p, ...}`).
    std::vector<std::string> scoped;
    const StepArgSpec* body = nullptr;
    for (const StepArgSpec& a : verb->args) {
      auto it = step.args.find(a.name);
      if (it == step.args.end()) continue;
      if (a.type == StepArgType::kSteps) {
        body = &a;
        continue;
      }
      if (a.type == StepArgType::kBind) continue;  // bound after the step
      ok &= Value(*verb, a, it->second);
    }
    bool has_body = body && step.args.count(body->name);
    for (const StepArgSpec& a : verb->args) {
      if (a.type != StepArgType::kBind) continue;
      auto it = step.args.find(a.name);
      if (it == step.args.end()) continue;
      if (has_body) {
        if (Bind(it->second)) scoped.push_back(it->second.scalar);
      }
    }
    if (has_body) {
      const StepValue& b = step.args.at(body->name);
      if (!b.IsList() || b.items.empty()) {
        Error(b.where, fmt::format("'{}' of '{}' must be a non-empty list of steps", body->name, verb->name));
        ok = false;
      } else {
        const size_t before = errors_->size();
        step.body = List(b, false);
        ok &= errors_->size() == before;
      }
      for (const std::string& name : scoped) bound_.erase(name);
    }
    if (ok && verb->check) {
      std::string problem = verb->check(step);
      if (!problem.empty()) {
        Error(verb_where, fmt::format("'{}': {}", verb->name, problem));
        ok = false;
      }
    }
    // Names this step binds are usable from the next step on.
    if (!has_body) {
      for (const StepArgSpec& a : verb->args) {
        if (a.type != StepArgType::kBind) continue;
        auto it = step.args.find(a.name);
        if (it != step.args.end()) ok &= Bind(it->second);
      }
    }
    if (!ok) return std::nullopt;
    return step;
  }

  // "a Raft cluster" / "a KV cluster" / "rsm servers": what a fixture kind is, in words.
  static const char* FixtureWords(StepFixture f) {
    return f == StepFixture::kRaft ? "a Raft cluster" : f == StepFixture::kKv ? "a KV cluster" : "rsm servers";
  }

  // The rules of a prelude: the scenario builds the fixture; its verbs, or
  // verbs of both fixtures, fit it.
  bool PreludeFixture(const StepVerbInfo& verb, const std::string& where) {
    if (verb.starts_fixture) {
      Error(where, fmt::format("'{}' starts a fixture, but these steps are the prelude of scenario '{}', which "
                               "builds its own ({}, sized by its params) and runs the prelude on it; remove this "
                               "step (a test that starts its own fixture is a steps test, without 'scenario:')",
                               verb.name, prelude_of_, FixtureWords(fixture_)));
      return false;
    }
    if (verb.fixture == StepFixture::kAny || verb.fixture == fixture_) return true;
    const char* kind = verb.fixture == StepFixture::kKv ? "KV" : "Raft";
    if (fixture_ == StepFixture::kRsm) {
      Error(where, fmt::format("'{}' is a {} verb, but scenario '{}' builds rsm servers, which have no clerks; its "
                               "prelude may use only the verbs of both fixtures (disconnect, connect, partition, "
                               "crash, restart, sleep...)",
                               verb.name, kind, prelude_of_));
    } else {
      Error(where, fmt::format("'{}' is a {} verb, but scenario '{}' builds {}, so its prelude is a {} prelude; use "
                               "{} verbs, or the verbs of both fixtures (disconnect, crash, sleep...)",
                               verb.name, kind, prelude_of_, FixtureWords(fixture_),
                               fixture_ == StepFixture::kKv ? "KV" : "Raft",
                               fixture_ == StepFixture::kKv ? "KV" : "Raft"));
    }
    return false;
  }

  bool Fixture(const StepVerbInfo& verb, const std::string& where, bool first) {
    if (!prelude_of_.empty()) return PreludeFixture(verb, where);
    if (verb.starts_fixture) {
      if (!first) {
        Error(where,
              fmt::format("'{}' starts the test's fixture: it must be the first step, and only the first", verb.name));
        return false;
      }
      fixture_ = verb.fixture;
      bound_.insert("n");
      return true;
    }
    if (first) {
      Error(where, fmt::format("the first step must start a fixture: '- cluster: {{servers: 3}}' (Raft) or "
                               "'- kv_cluster: {{servers: 5}}' (KV), not '{}'",
                               verb.name));
      fixture_ = verb.fixture == StepFixture::kAny ? StepFixture::kRaft : verb.fixture;  // one error, not one per step
      bound_.insert("n");
      return false;
    }
    if (verb.fixture != StepFixture::kAny && verb.fixture != fixture_) {
      Error(where,
            fmt::format("'{}' is a {} verb, but this is a {} test (it starts with '{}'); {}", verb.name,
                        verb.fixture == StepFixture::kKv ? "KV" : "Raft", fixture_ == StepFixture::kKv ? "KV" : "Raft",
                        fixture_ == StepFixture::kKv ? "kv_cluster" : "cluster",
                        verb.fixture == StepFixture::kKv ? "KV verbs need a test that starts with '- kv_cluster'"
                                                         : "Raft verbs need a test that starts with '- cluster'"));
      return false;
    }
    return true;
  }

  bool Bind(const StepValue& v) {
    if (!v.IsScalar() || !ValidName(v.scalar)) {
      Error(v.where, fmt::format("a name must be a word (letters, digits, '_'; e.g. 'leader1'), got '{}'", v.Show()));
      return false;
    }
    if (kReserved.count(Lower(v.scalar))) {
      Error(v.where, fmt::format("'{}' is a reserved word; choose another name", v.scalar));
      return false;
    }
    if (bound_.count(v.scalar)) {
      Error(v.where, fmt::format("the name '{}' is already bound by an earlier step; choose another name "
                                 "(names are bound once)",
                                 v.scalar));
      return false;
    }
    bound_.insert(v.scalar);
    return true;
  }

  bool Expr(const StepVerbInfo& verb, const StepArgSpec& a, const StepValue& v, bool peer) {
    if (!v.IsScalar()) {
      Error(v.where,
            fmt::format("'{}' of '{}' must be {}, got {}", a.name, verb.name,
                        peer ? "a peer (0, leader, leader+1...)" : "an integer or a name (idx, idx+1)", v.Show()));
      return false;
    }
    std::optional<IntExpr> e = ParseIntExpr(v.scalar);
    if (!e) {
      Error(v.where, fmt::format("'{}' of '{}' must be {}, got '{}'", a.name, verb.name,
                                 peer ? "a peer: an index or a bound name plus or minus a number (leader+1)"
                                      : "an integer or a bound name plus or minus a number (idx+1)",
                                 v.scalar));
      return false;
    }
    if (!e->name.empty()) {
      if (!bound_.count(e->name)) {
        std::vector<std::string> names(bound_.begin(), bound_.end());
        std::string hint = StepClosestMatch(e->name, names);
        Error(v.where, fmt::format("'{}' is used before it is bound ({}{})", e->name,
                                   hint.empty() ? "bind it first, e.g. '- check_one_leader: {as: " + e->name + "}'"
                                                : "did you mean '" + hint + "'?",
                                   names.empty() ? "" : "; bound here: " + Join(names)));
        return false;
      }
      return true;
    }
    return Range(verb, a, v, static_cast<double>(e->offset));
  }

  bool Range(const StepVerbInfo& verb, const StepArgSpec& a, const StepValue& v, double x) {
    if ((a.min && x < *a.min) || (a.max && x > *a.max)) {
      std::string range = a.min && a.max ? fmt::format("between {:g} and {:g}", *a.min, *a.max)
                          : a.min        ? fmt::format("at least {:g}", *a.min)
                                         : fmt::format("at most {:g}", *a.max);
      Error(v.where, fmt::format("'{}' of '{}' must be {}, got {}", a.name, verb.name, range, v.scalar));
      return false;
    }
    return true;
  }

  bool Peers(const StepVerbInfo& verb, const StepArgSpec& a, const StepValue& v) {
    if (v.IsScalar() && Lower(v.scalar) == "all") return true;
    if (v.IsScalar()) return Expr(verb, a, v, true);
    if (!v.IsList() || v.items.empty()) {
      Error(v.where, fmt::format("'{}' of '{}' must be a peer, 'all', or a list of peers like [leader, leader+1]; "
                                 "got {}",
                                 a.name, verb.name, v.Show()));
      return false;
    }
    bool ok = true;
    for (const StepValue& p : v.items) ok &= Expr(verb, a, p, true);
    return ok;
  }

  bool Value(const StepVerbInfo& verb, const StepArgSpec& a, const StepValue& v) {
    switch (a.type) {
      case StepArgType::kInt:
        return Expr(verb, a, v, false);
      case StepArgType::kPeer:
        return Expr(verb, a, v, true);
      case StepArgType::kPeers:
        return Peers(verb, a, v);
      case StepArgType::kGroups: {
        if (!v.IsList() || v.items.empty()) {
          Error(v.where, fmt::format("'{}' of '{}' must be a list of peer lists, like [[leader, leader+1], "
                                     "[leader+2]]; got {}",
                                     a.name, verb.name, v.Show()));
          return false;
        }
        bool ok = true;
        for (const StepValue& g : v.items) {
          if (!g.IsList()) {
            Error(g.where,
                  fmt::format("each group of '{}' must be a list of peers, like [leader, leader+1]", verb.name));
            ok = false;
            continue;
          }
          for (const StepValue& p : g.items) ok &= Expr(verb, a, p, true);
        }
        return ok;
      }
      case StepArgType::kNumber: {
        if (v.IsScalar()) {
          std::string t = v.scalar;
          errno = 0;
          char* end = nullptr;
          double x = std::strtod(t.c_str(), &end);
          if (!t.empty() && errno == 0 && *end == '\0' && std::isfinite(x)) return Range(verb, a, v, x);
        }
        Error(v.where, fmt::format("'{}' of '{}' must be a number, got '{}'", a.name, verb.name, v.Show()));
        return false;
      }
      case StepArgType::kBool: {
        const std::string s = v.IsScalar() ? Lower(v.scalar) : "";
        if (s == "true" || s == "false" || s == "yes" || s == "no" || s == "on" || s == "off") return true;
        Error(v.where, fmt::format("'{}' of '{}' must be true or false, got '{}'", a.name, verb.name, v.Show()));
        return false;
      }
      case StepArgType::kString:
      case StepArgType::kCommand:
        if (v.IsScalar()) return true;
        Error(v.where, fmt::format("'{}' of '{}' must be {}, got {}", a.name, verb.name,
                                   a.type == StepArgType::kCommand ? "a command (101, some text, or random)" : "text",
                                   v.Show()));
        return false;
      case StepArgType::kChoice:
        if (v.IsScalar() && std::find(a.choices.begin(), a.choices.end(), v.scalar) != a.choices.end()) return true;
        {
          std::string hint = v.IsScalar() ? StepClosestMatch(v.scalar, a.choices) : "";
          Error(v.where, fmt::format("'{}' of '{}' must be one of {}, got '{}'{}", a.name, verb.name, Join(a.choices),
                                     v.Show(), hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        return false;
      case StepArgType::kBind:
      case StepArgType::kSteps:
        return true;  // handled by the caller
    }
    return false;
  }

  const StepRegistry& registry_;
  std::vector<std::string>* errors_;
  StepFixture fixture_ = StepFixture::kAny;
  std::string prelude_of_;  // the scenario, when compiling a prelude
  std::set<std::string> bound_;
};

}  // namespace

std::optional<IntExpr> ParseIntExpr(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) s += c;
  }
  IntExpr e;
  if (s.empty()) return std::nullopt;
  if (!IsNameStart(s[0])) {
    if (!ParseLong(s, &e.offset)) return std::nullopt;
    return e;
  }
  size_t i = 0;
  while (i < s.size() && IsNameChar(s[i])) ++i;
  e.name = s.substr(0, i);
  if (i == s.size()) return e;
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  const bool minus = s[i] == '-';
  std::string_view rest = std::string_view(s).substr(i + 1);
  if (rest.empty() ||
      !std::all_of(rest.begin(), rest.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  int64_t k = 0;
  if (!ParseLong(rest, &k)) return std::nullopt;
  e.offset = minus ? -k : k;
  return e;
}

std::optional<StepProgram> CompileSteps(const StepValue& steps, const StepRegistry& registry,
                                        const std::string& where_test, std::vector<std::string>* errors) {
  return Compiler(registry, errors).Run(steps, where_test);
}

std::optional<StepProgram> CompilePrelude(const StepValue& steps, StepFixture fixture, const std::string& scenario,
                                          const StepRegistry& registry, const std::string& where_test,
                                          std::vector<std::string>* errors) {
  return Compiler(registry, errors).RunPrelude(steps, fixture, scenario, where_test);
}

std::string StepClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = Lower(word);
  std::string best;
  size_t best_d = std::string::npos;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(w, Lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  size_t limit = w.size() <= 3 ? 1 : 2;
  if (best_d == std::string::npos || best_d > limit) return "";
  return best;
}

}  // namespace raftlab
