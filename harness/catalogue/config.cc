// The YAML catalogue loader (see config.h). yaml-cpp exceptions stop here.
#include "harness/catalogue/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/catalogue/one_test_view.h"
#include "harness/scenario/step_compiler.h"

namespace raftlab {
namespace {

constexpr size_t kMaxErrors = 30;  // beyond this, further problems are counted, not listed
constexpr double kDefaultTimeoutS = 120;  // MIT's per-test limit

const std::vector<std::string> kTopKeys = {"version", "parts", "tests", "grading", "defaults"};
const std::vector<std::string> kGradingKeys = {"policy"};
const std::vector<std::string> kGradingPolicies = {"all-or-nothing", "pass-rate"};
const std::vector<std::string> kPartKeys = {"part", "name", "points"};
const std::vector<std::string> kTestKeys = {"name",   "part",     "description", "points", "timeout",
                                            "repeat", "scenario", "params",      "steps",  "checks"};
// The test fields a top-level `defaults:` block may set; an entry's own
// value wins. `params` merge key by key, and apply to the scenarios that
// declare them.
const std::vector<std::string> kDefaultKeys = {"part", "points", "timeout", "repeat", "params"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kInt: return "an integer";
    case ParamType::kDouble: return "a number";
    case ParamType::kBool: return "true or false";
    case ParamType::kString: return "a string";
  }
  return "?";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool ValidTestName(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Walks the YAML tree, collecting every problem it finds.
class Parser {
 public:
  Parser(const std::string& path, const ScenarioRegistry& registry) : path_(path), registry_(registry) {
    cat_.path = path;
  }

  StatusOr<Catalogue> Run(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      return Status::Config(fmt::format("{}:{}:{}: YAML syntax error: {}", path_, e.mark.line + 1,
                                        e.mark.column + 1, e.msg));
    } catch (const YAML::Exception& e) {
      return Status::Config(fmt::format("{}: cannot parse YAML: {}", path_, e.what()));
    }
    try {
      Top(root);
    } catch (const YAML::Exception& e) {
      // Defensive: every access above checks types first, so this is a bug.
      Error(YAML::Node(), fmt::format("unexpected YAML error: {}", e.what()));
    }
    if (!errors_.empty()) {
      std::string msg = Join(errors_, "\n");
      if (dropped_ > 0) msg += fmt::format("\n... and {} more problem(s)", dropped_);
      return Status::Config(std::move(msg));
    }
    PointWarnings();
    return std::move(cat_);
  }

 private:
  static std::string Join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
  }

  std::string Where(const YAML::Node& n) const {
    if (!n.IsDefined()) return path_;
    YAML::Mark m = n.Mark();
    if (m.is_null()) return path_;
    return fmt::format("{}:{}:{}", path_, m.line + 1, m.column + 1);
  }
  int Line(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    return m.is_null() ? 0 : m.line + 1;
  }

  // An error already prefixed with its place (the step compiler's).
  void RawError(const std::string& line) {
    if (errors_.size() >= kMaxErrors) {
      ++dropped_;
      return;
    }
    errors_.push_back(line);
  }

  void Error(const YAML::Node& at, const std::string& msg) {
    if (errors_.size() >= kMaxErrors) {
      ++dropped_;
      return;
    }
    errors_.push_back(Where(at) + ": " + msg);
  }

  // Checks the keys of a mapping; returns key -> value for the known ones.
  std::map<std::string, YAML::Node> Keys(const YAML::Node& map, const std::vector<std::string>& known,
                                         const std::string& where) {
    std::map<std::string, YAML::Node> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        Error(key, fmt::format("keys must be plain words {}", where));
        continue;
      }
      const std::string k = key.Scalar();
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string hint = ClosestMatch(k, known);
        Error(key, fmt::format("unknown key '{}' {} ({})", k, where,
                               hint.empty() ? "known keys: " + raftlab::Join(known)
                                            : "did you mean '" + hint + "'?"));
        continue;
      }
      if (out.count(k)) {
        Error(key, fmt::format("key '{}' appears twice {} (keep one)", k, where));
        continue;
      }
      out.emplace(k, it->second);
    }
    return out;
  }

  bool IsPlainScalar(const YAML::Node& v) const { return v.IsScalar() && v.Tag() == "?"; }

  bool ParseInt(const YAML::Node& v, int64_t* out) const {
    if (!IsPlainScalar(v)) return false;
    const std::string& s = v.Scalar();
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    long long x = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = x;
    return true;
  }
  bool ParseNumber(const YAML::Node& v, double* out) const {
    if (!IsPlainScalar(v)) return false;
    const std::string& s = v.Scalar();
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    double x = std::strtod(s.c_str(), &end);
    if (errno != 0 || *end != '\0' || !std::isfinite(x)) return false;
    *out = x;
    return true;
  }
  bool ParseBool(const YAML::Node& v, bool* out) const {
    if (!IsPlainScalar(v)) return false;
    const std::string s = Lower(v.Scalar());
    if (s == "true" || s == "yes" || s == "on") return *out = true, true;
    if (s == "false" || s == "no" || s == "off") return *out = false, true;
    return false;
  }

  bool Int(const YAML::Node& v, const std::string& what, int64_t* out) {
    if (ParseInt(v, out)) return true;
    Error(v, fmt::format("{} must be an integer, got '{}'", what, Show(v)));
    return false;
  }
  bool Number(const YAML::Node& v, const std::string& what, double* out) {
    if (ParseNumber(v, out)) return true;
    Error(v, fmt::format("{} must be a number, got '{}'", what, Show(v)));
    return false;
  }
  bool String(const YAML::Node& v, const std::string& what, std::string* out) {
    if (v.IsScalar()) return *out = v.Scalar(), true;
    Error(v, fmt::format("{} must be a string, got {}", what, Show(v)));
    return false;
  }
  static std::string Show(const YAML::Node& v) {
    if (v.IsScalar()) return v.Scalar();
    if (v.IsSequence()) return "a list";
    if (v.IsMap()) return "a mapping";
    return "nothing";
  }

  void Top(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) {
      Error(root, "the file is empty; it needs 'version: 1', 'parts:' and 'tests:'");
      return;
    }
    if (!root.IsMap()) {
      Error(root, "the top level must be a mapping with 'version', 'parts' and 'tests'");
      return;
    }
    auto keys = Keys(root, kTopKeys, "at the top level");
    if (!keys.count("version")) {
      Error(root, "missing 'version: 1' at the top level");
    } else {
      int64_t v = 0;
      if (Int(keys["version"], "'version'", &v)) {
        if (v != 1) Error(keys["version"], fmt::format("unsupported version {} (this labtest reads version 1)", v));
        cat_.version = static_cast<int>(v);
      }
    }
    if (keys.count("defaults")) Defaults(keys["defaults"]);
    if (!keys.count("parts")) {
      Error(root, "missing 'parts:' (a list like '- {part: 1, name: leader election, points: 20}')");
    } else {
      Parts(keys["parts"]);
    }
    if (!keys.count("tests")) {
      Error(root, "missing 'tests:' (a list of test entries)");
    } else {
      Tests(keys["tests"]);
    }
    if (keys.count("grading")) Grading(keys["grading"]);
  }

  // defaults: {timeout: 60, repeat: 3, params: {reliable: true}}
  void Defaults(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "'defaults' must be a mapping like '{timeout: 60, repeat: 1}'");
      return;
    }
    defaults_ = Keys(node, kDefaultKeys, "under 'defaults'");
    auto params = defaults_.find("params");
    if (params == defaults_.end()) return;
    if (!params->second.IsMap()) {
      Error(params->second, "'defaults.params' must be a mapping like '{reliable: true}'");
      defaults_.erase(params);
      return;
    }
    // A default parameter must mean something to some scenario (a typo
    // would otherwise be ignored silently).
    std::vector<std::string> known;
    for (const ScenarioInfo* sc : registry_.All()) {
      for (const ParamSpec& p : sc->params) known.push_back(p.name);
    }
    for (auto it = params->second.begin(); it != params->second.end(); ++it) {
      const std::string k = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string hint = ClosestMatch(k, known);
        Error(it->first, fmt::format("default parameter '{}' is not a parameter of any scenario{}", k,
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
    }
  }

  // The YAML value as a position-carrying StepValue (the step compiler's input).
  StepValue ToStepValue(const YAML::Node& n) const {
    StepValue v;
    v.where = Where(n);
    if (n.IsScalar()) {
      v.kind = StepValue::Kind::kScalar;
      v.scalar = n.Scalar();
    } else if (n.IsSequence()) {
      v.kind = StepValue::Kind::kList;
      for (size_t i = 0; i < n.size(); ++i) v.items.push_back(ToStepValue(n[i]));
    } else if (n.IsMap()) {
      v.kind = StepValue::Kind::kMap;
      for (auto it = n.begin(); it != n.end(); ++it) {
        v.field_keys.push_back(it->first.IsScalar() ? it->first.Scalar() : "?");
        v.field_values.push_back(ToStepValue(it->second));
        v.field_where.push_back(Where(it->first));
      }
    }
    return v;
  }

  // grading: {policy: all-or-nothing | pass-rate}
  void Grading(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "'grading' must be a mapping like '{policy: pass-rate}'");
      return;
    }
    auto keys = Keys(node, kGradingKeys, "under 'grading'");
    if (!keys.count("policy")) return;
    std::string policy;
    if (!String(keys["policy"], "'grading.policy'", &policy)) return;
    if (std::find(kGradingPolicies.begin(), kGradingPolicies.end(), policy) == kGradingPolicies.end()) {
      std::string hint = ClosestMatch(policy, kGradingPolicies);
      Error(keys["policy"], fmt::format("unknown grading policy '{}' ({})", policy,
                                        hint.empty() ? "known: " + raftlab::Join(kGradingPolicies)
                                                     : "did you mean '" + hint + "'?"));
      return;
    }
    cat_.grading_policy = policy;
  }

  void Parts(const YAML::Node& list) {
    if (!list.IsSequence()) {
      Error(list, "'parts' must be a list of '{part: N, name: ..., points: P}' entries");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = fmt::format("in part entry #{}", i + 1);
      if (!item.IsMap()) {
        Error(item, fmt::format("{} must be a mapping like '{{part: 1, name: leader election, points: 20}}'", where));
        continue;
      }
      auto keys = Keys(item, kPartKeys, where);
      PartSpec p;
      bool ok = true;
      for (const char* req : {"part", "name", "points"}) {
        if (!keys.count(req)) {
          Error(item, fmt::format("missing required key '{}' {}", req, where));
          ok = false;
        }
      }
      int64_t num = 0;
      if (keys.count("part") && Int(keys["part"], "'part'", &num)) {
        if (num < 1) {
          Error(keys["part"], fmt::format("part numbers start at 1, got {}", num));
          ok = false;
        }
        p.part = static_cast<int>(num);
      } else {
        ok = false;
      }
      if (keys.count("name")) ok &= String(keys["name"], "'name'", &p.name);
      if (keys.count("points")) {
        if (Number(keys["points"], "'points'", &p.points) && p.points <= 0) {
          Error(keys["points"], fmt::format("'points' must be positive, got {}", p.points));
          ok = false;
        }
      }
      if (!ok) continue;
      if (const PartSpec* prev = cat_.FindPart(p.part)) {
        Error(keys["part"], fmt::format("part {} is declared twice (first as '{}')", p.part, prev->name));
        continue;
      }
      cat_.parts.push_back(std::move(p));
    }
  }

  void Tests(const YAML::Node& list) {
    if (!list.IsSequence()) {
      Error(list, "'tests' must be a list of test entries ('- name: ...')");
      return;
    }
    std::map<std::string, int> seen;  // name -> line
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      if (!item.IsMap()) {
        Error(item, fmt::format("test entry #{} must be a mapping with 'name', 'part', 'points', 'scenario'", i + 1));
        continue;
      }
      // Name first, so every later message can say which test it is about.
      std::string where = fmt::format("in test entry #{}", i + 1);
      if (YAML::Node n = item["name"]; n.IsDefined() && n.IsScalar() && !n.Scalar().empty()) {
        where = fmt::format("in test '{}'", n.Scalar());
      }
      auto keys = Keys(item, kTestKeys, where);
      for (const auto& [k, v] : defaults_) {
        if (k != "params") keys.emplace(k, v);  // no-op when the entry sets it
      }
      TestSpec t;
      t.timeout_s = kDefaultTimeoutS;
      t.source = fmt::format("{}:{}", path_, Line(item));
      bool ok = true;
      for (const char* req : {"name", "part", "points"}) {
        if (!keys.count(req)) {
          Error(item, fmt::format("missing required key '{}' {}", req, where));
          ok = false;
        }
      }
      if (!keys.count("scenario") && !keys.count("steps")) {
        Error(item, fmt::format("missing 'scenario:' or 'steps:' {} (a test runs 'scenario:' a C++ scenario, "
                                "'steps:' a list of steps, or both: steps as the scenario's prelude; see "
                                "docs/STEPS.md)",
                                where));
        ok = false;
      }
      if (keys.count("name") && String(keys["name"], "'name'", &t.name)) {
        if (!ValidTestName(t.name)) {
          Error(keys["name"], fmt::format("test name '{}' may only use letters, digits, '-', '_' and '.'", t.name));
          ok = false;
        } else if (auto [it, fresh] = seen.emplace(t.name, Line(keys["name"])); !fresh) {
          Error(keys["name"], fmt::format("duplicate test name '{}' (first defined at line {}); rename one",
                                          t.name, it->second));
          ok = false;
        }
      } else {
        ok = false;
      }
      int64_t num = 0;
      if (keys.count("part") && Int(keys["part"], "'part' " + where, &num)) {
        t.part = static_cast<int>(num);
        if (!cat_.FindPart(t.part)) {
          Error(keys["part"], fmt::format("part {} {} is not declared under 'parts:' (add it there)", num, where));
          ok = false;
        }
      } else {
        ok = false;
      }
      if (keys.count("description")) ok &= String(keys["description"], "'description'", &t.description);
      if (t.description.empty()) t.description = t.name;
      if (keys.count("points")) {
        if (!Number(keys["points"], "'points' " + where, &t.points)) {
          ok = false;
        } else if (t.points <= 0) {
          Error(keys["points"], fmt::format("'points' {} must be positive, got {}", where, t.points));
          ok = false;
        }
      }
      if (keys.count("timeout")) {
        if (!Number(keys["timeout"], "'timeout' " + where + " (seconds)", &t.timeout_s)) {
          ok = false;
        } else if (t.timeout_s <= 0) {
          Error(keys["timeout"], fmt::format("'timeout' {} must be a positive number of seconds, got {}", where,
                                             t.timeout_s));
          ok = false;
        }
      }
      if (keys.count("repeat")) {
        if (!Int(keys["repeat"], "'repeat' " + where, &num)) {
          ok = false;
        } else if (num < 1) {
          Error(keys["repeat"], fmt::format("'repeat' {} must be at least 1, got {}", where, num));
          ok = false;
        } else {
          t.repeat = static_cast<int>(num);
        }
      }
      if (keys.count("checks")) {
        if (!String(keys["checks"], "'checks' " + where, &t.checks)) {
          ok = false;
        } else if (const auto& kinds = DemandKinds();
                   std::find(kinds.begin(), kinds.end(), t.checks) == kinds.end()) {
          std::string hint = ClosestMatch(t.checks, kinds);
          Error(keys["checks"], fmt::format("unknown 'checks' value '{}' {} ({})", t.checks, where,
                                            hint.empty() ? "one of: " + raftlab::Join(kinds)
                                                         : "did you mean '" + hint + "'?"));
          t.checks.clear();
          ok = false;
        }
      }
      const ScenarioInfo* scenario = nullptr;
      if (keys.count("scenario") && String(keys["scenario"], "'scenario'", &t.scenario)) {
        scenario = registry_.Find(t.scenario);
        if (!scenario) {
          std::vector<std::string> names;
          for (const ScenarioInfo* s : registry_.All()) names.push_back(s->name);
          std::string hint = ClosestMatch(t.scenario, names);
          Error(keys["scenario"], fmt::format("unknown scenario '{}' {} ({})", t.scenario, where,
                                              hint.empty() ? "`labtest --list -v` shows the scenarios"
                                                           : "did you mean '" + hint + "'?"));
          ok = false;
        }
      }
      if (scenario) {
        ok &= FillParams(keys.count("params") ? keys["params"] : YAML::Node(), *scenario, where, &t.params);
      }
      if (keys.count("steps") && !keys.count("scenario") && keys.count("params")) {
        Error(keys["params"], fmt::format("'params' {} belongs to a 'scenario:' test; a steps test states its "
                                          "values in its steps",
                                          where));
        ok = false;
      }
      // Steps beside a scenario are its prelude (docs/STEPS.md): compiled
      // against the fixture the scenario builds. An unknown scenario has
      // been reported above; its prelude is not checked.
      if (keys.count("steps") && (!keys.count("scenario") || scenario)) {
        std::vector<std::string> step_errors;
        std::optional<StepProgram> program =
            scenario ? CompilePrelude(ToStepValue(keys["steps"]), scenario->fixture, scenario->name,
                                      registry_.steps(), where, &step_errors)
                     : CompileSteps(ToStepValue(keys["steps"]), registry_.steps(), where, &step_errors);
        for (const std::string& e : step_errors) RawError(e);
        if (program) {
          t.steps = std::make_shared<const StepProgram>(std::move(*program));
        } else {
          ok = false;
        }
      }
      if (ok) cat_.tests.push_back(std::move(t));
    }
  }

  bool FillParams(const YAML::Node& node, const ScenarioInfo& scenario, const std::string& where, Params* out) {
    std::map<std::string, ParamValue> values;
    std::vector<std::string> known;
    for (const ParamSpec& p : scenario.params) known.push_back(p.name);
    bool ok = true;
    // Default parameters this scenario declares; the entry's own win.
    std::map<std::string, YAML::Node> defaulted;
    if (auto d = defaults_.find("params"); d != defaults_.end()) {
      for (auto it = d->second.begin(); it != d->second.end(); ++it) {
        if (it->first.IsScalar() && std::find(known.begin(), known.end(), it->first.Scalar()) != known.end()) {
          defaulted.emplace(it->first.Scalar(), it->second);
        }
      }
    }
    if (node.IsDefined() && node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsScalar()) defaulted.erase(it->first.Scalar());
      }
    }
    for (const auto& [k, val] : defaulted) {
      const std::string& key = k;  // a lambda may not capture a structured binding (clang 14)
      const ParamSpec& spec = *std::find_if(scenario.params.begin(), scenario.params.end(),
                                            [&](const ParamSpec& p) { return p.name == key; });
      ParamValue v;
      if (!TypedParam(spec, val, &v)) {
        Error(val, fmt::format("default parameter '{}' must be {} for scenario '{}' ({}), got '{}'", k,
                               ParamTypeName(spec.type), scenario.name, where, Show(val)));
        ok = false;
        continue;
      }
      values.emplace(k, std::move(v));
    }
    if (node.IsDefined() && !node.IsNull()) {
      if (!node.IsMap()) {
        Error(node, fmt::format("'params' {} must be a mapping like '{{servers: 3, reliable: true}}'", where));
        return false;
      }
      for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node val = it->second;
        const std::string k = key.IsScalar() ? key.Scalar() : "?";
        auto spec = std::find_if(scenario.params.begin(), scenario.params.end(),
                                 [&](const ParamSpec& p) { return p.name == k; });
        if (spec == scenario.params.end()) {
          std::string hint = ClosestMatch(k, known);
          Error(key, fmt::format("unknown parameter '{}' for scenario '{}' {} ({})", k, scenario.name, where,
                                 hint.empty() ? (known.empty() ? "it takes no parameters"
                                                               : "it takes: " + raftlab::Join(known))
                                              : "did you mean '" + hint + "'?"));
          ok = false;
          continue;
        }
        if (values.count(k)) {
          Error(key, fmt::format("parameter '{}' appears twice {} (keep one)", k, where));
          ok = false;
          continue;
        }
        ParamValue v;
        if (!TypedParam(*spec, val, &v)) {
          Error(val, fmt::format("parameter '{}' {} must be {}, got '{}'", k, where, ParamTypeName(spec->type),
                                 Show(val)));
          ok = false;
          continue;
        }
        values.emplace(k, std::move(v));
      }
    }
    for (const ParamSpec& p : scenario.params) values.emplace(p.name, p.default_value);  // no-op when set
    *out = Params(std::move(values));
    return ok;
  }

  bool TypedParam(const ParamSpec& spec, const YAML::Node& val, ParamValue* v) const {
    switch (spec.type) {
      case ParamType::kInt: {
        int64_t x = 0;
        if (!ParseInt(val, &x)) return false;
        *v = x;
        return true;
      }
      case ParamType::kDouble: {
        double x = 0;
        if (!ParseNumber(val, &x)) return false;
        *v = x;
        return true;
      }
      case ParamType::kBool: {
        bool x = false;
        if (!ParseBool(val, &x)) return false;
        *v = x;
        return true;
      }
      case ParamType::kString:
        if (!val.IsScalar()) return false;
        *v = val.Scalar();
        return true;
    }
    return false;
  }

  void PointWarnings() {
    for (const PartSpec& p : cat_.parts) {
      double sum = 0;
      for (const TestSpec& t : cat_.tests) {
        if (t.part == p.part) sum += t.points;
      }
      if (std::fabs(sum - p.points) > 1e-9) {
        cat_.warnings.push_back(fmt::format("{}: part {} ({}) declares {} points but its tests sum to {}", path_,
                                            p.part, p.name, p.points, sum));
      }
    }
  }

  const std::string& path_;
  const ScenarioRegistry& registry_;
  Catalogue cat_;
  std::map<std::string, YAML::Node> defaults_;  // the `defaults:` block's fields
  std::vector<std::string> errors_;
  size_t dropped_ = 0;
};

}  // namespace

const TestSpec* Catalogue::FindTest(std::string_view name) const {
  for (const TestSpec& t : tests) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const PartSpec* Catalogue::FindPart(int part) const {
  for (const PartSpec& p : parts) {
    if (p.part == part) return &p;
  }
  return nullptr;
}

StatusOr<Catalogue> ParseCatalogue(std::string_view text, const std::string& path, const ScenarioRegistry& registry) {
  return Parser(path, registry).Run(text);
}

namespace {

StatusOr<std::string> ReadCatalogueText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open the test catalogue (check the -f path)", path));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::NotFound(fmt::format("{}: cannot read the test catalogue", path));
  return buf.str();
}

}  // namespace

StatusOr<Catalogue> LoadCatalogue(const std::string& path, const ScenarioRegistry& registry) {
  StatusOr<std::string> text = ReadCatalogueText(path);
  if (!text.ok()) return text.status();
  return ParseCatalogue(*text, path, registry);
}

StatusOr<Catalogue> LoadCatalogueForTest(const std::string& path, std::string_view name,
                                         const ScenarioRegistry& registry) {
  StatusOr<std::string> text = ReadCatalogueText(path);
  if (!text.ok()) return text.status();
  if (std::optional<std::string> view = OneTestView(*text, name)) {
    StatusOr<Catalogue> cat = ParseCatalogue(*view, path, registry);
    if (cat.ok() && cat->FindTest(name) != nullptr) return cat;
  }
  return ParseCatalogue(*text, path, registry);
}

// One rule for every near-miss hint: the step compiler's (scenario/, the
// lower layer).
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  return StepClosestMatch(word, candidates);
}

const std::vector<std::string>& DemandKinds() {
  static const std::vector<std::string> kinds = {"safety", "liveness", "performance"};
  return kinds;
}

std::string DemandLabel(std::string_view checks) {
  if (checks == "safety") {
    return "safety: it sets a trap for a rule of the Raft paper (Figure 2, section 5), and needs progress "
           "within the labs' time bounds like every test";
  }
  if (checks == "liveness") return "liveness: progress within the paper's and the labs' time bounds";
  if (checks == "performance") return "performance: RPC counts, bytes or latency";
  return std::string(checks);
}

std::string NetworkLabel(const TestSpec& spec) {
  if (!spec.params.Has("reliable")) return "";
  const ParamValue& v = spec.params.values().at("reliable");
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "reliable network" : "unreliable network";
  return "";
}

}  // namespace raftlab
