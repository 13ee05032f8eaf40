// The step verb registry and the verb reference (see steps.h).
// Thread safety: Register*/Set*Runner during static initialisation only, then
// read-only. Ownership: the registry owns its StepVerbInfos by value.
#include "harness/scenario/steps.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "harness/scenario/scenario.h"

namespace raftlab {

std::string StepValue::Show() const {
  switch (kind) {
    case Kind::kScalar:
      return scalar;
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a mapping";
    case Kind::kNull:
      return "nothing";
  }
  return "?";
}

const char* StepFixtureName(StepFixture f) {
  switch (f) {
    case StepFixture::kAny:
      return "any";
    case StepFixture::kRaft:
      return "raft";
    case StepFixture::kKv:
      return "kv";
    case StepFixture::kRsm:
      return "rsm";
  }
  return "?";
}

const char* StepArgTypeName(StepArgType t) {
  switch (t) {
    case StepArgType::kInt:
      return "integer or expression";
    case StepArgType::kNumber:
      return "number";
    case StepArgType::kBool:
      return "true/false";
    case StepArgType::kString:
      return "text";
    case StepArgType::kChoice:
      return "choice";
    case StepArgType::kCommand:
      return "command";
    case StepArgType::kPeer:
      return "peer";
    case StepArgType::kPeers:
      return "peer or list of peers";
    case StepArgType::kGroups:
      return "list of peer lists";
    case StepArgType::kBind:
      return "new name";
    case StepArgType::kSteps:
      return "list of steps";
  }
  return "?";
}

void StepRegistry::Register(StepVerbInfo info) {
  if (info.name.empty() || !info.run) {
    std::fprintf(stderr, "raftlab internal error: step verb registered without a name or handler\n");
    std::abort();
  }
  std::string name = info.name;
  if (unavailable_.count(name)) {
    std::fprintf(stderr, "raftlab internal error: step verb '%s' is also registered as unavailable\n", name.c_str());
    std::abort();
  }
  if (!verbs_.emplace(name, std::move(info)).second) {
    std::fprintf(stderr, "raftlab internal error: step verb '%s' registered twice\n", name.c_str());
    std::abort();
  }
}

const StepVerbInfo* StepRegistry::Find(std::string_view name) const {
  auto it = verbs_.find(name);
  return it == verbs_.end() ? nullptr : &it->second;
}

std::vector<const StepVerbInfo*> StepRegistry::All() const {
  std::vector<const StepVerbInfo*> out;
  for (const auto& [name, info] : verbs_) out.push_back(&info);
  return out;
}

std::vector<std::string> StepRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : verbs_) out.push_back(name);
  return out;
}

void StepRegistry::RegisterUnavailable(std::string name, std::string why) {
  if (name.empty() || why.empty() || verbs_.count(name) || !unavailable_.emplace(name, std::move(why)).second) {
    std::fprintf(stderr, "raftlab internal error: unavailable step word '%s' registered twice or as a verb\n",
                 name.c_str());
    std::abort();
  }
}

const std::string* StepRegistry::Unavailable(std::string_view name) const {
  auto it = unavailable_.find(name);
  return it == unavailable_.end() ? nullptr : &it->second;
}

void StepRegistry::SetRunner(std::function<void(TestContext&)> runner) { runner_ = std::move(runner); }

void StepRegistry::SetPreludeRunner(PreludeRunner runner) { prelude_runner_ = std::move(runner); }

StepRegistry& GlobalStepRegistry() { return ScenarioRegistry::Global().steps(); }

namespace {

std::string ArgLine(const StepArgSpec& a, bool markdown) {
  std::string type = StepArgTypeName(a.type);
  if (a.type == StepArgType::kChoice) {
    type.clear();
    for (const std::string& c : a.choices) type += (type.empty() ? "" : "|") + c;
  }
  std::string range;
  if (a.min && a.max) {
    range = fmt::format(", {:g}..{:g}", *a.min, *a.max);
  } else if (a.min) {
    range = fmt::format(", >= {:g}", *a.min);
  } else if (a.max) {
    range = fmt::format(", <= {:g}", *a.max);
  }
  std::string req = a.required ? "required" : (a.default_text.empty() ? "optional" : "default " + a.default_text);
  const std::string name = markdown ? "`" + a.name + "`" : a.name;
  return fmt::format("{} ({}{}; {}): {}", name, type, range, req, a.help);
}

}  // namespace

std::string StepReference(const StepRegistry& registry, bool markdown) {
  std::string out;
  for (const StepVerbInfo* v : registry.All()) {
    const std::string fixture = v->fixture == StepFixture::kAny    ? "Raft and KV tests"
                                : v->fixture == StepFixture::kRaft ? "Raft tests"
                                                                   : "KV tests";
    if (markdown) {
      out += fmt::format("### `{}`\n\n{} ({}{}).", v->name, v->help, fixture,
                         v->starts_fixture ? "; the first step of a test" : "");
      if (!v->mit.empty()) out += fmt::format(" MIT: `{}`.", v->mit);
      if (!v->primary.empty()) out += fmt::format(" Shorthand: `- {}: <{}>`.", v->name, v->primary);
      out += "\n\n";
      for (const StepArgSpec& a : v->args) out += "- " + ArgLine(a, true) + "\n";
      if (v->args.empty()) out += "- no arguments (write `- " + v->name + "`)\n";
      out += "\n";
    } else {
      out += fmt::format("{}  [{}{}]\n    {}\n", v->name, fixture, v->starts_fixture ? ", first step" : "", v->help);
      if (!v->mit.empty()) out += fmt::format("    MIT: {}\n", v->mit);
      if (!v->primary.empty()) out += fmt::format("    shorthand: - {}: <{}>\n", v->name, v->primary);
      for (const StepArgSpec& a : v->args) out += "    " + ArgLine(a, false) + "\n";
      out += "\n";
    }
  }
  return out;
}

}  // namespace raftlab
