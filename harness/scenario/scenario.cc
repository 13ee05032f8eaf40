// Implementation of Params and ScenarioRegistry (see scenario.h).
#include "harness/scenario/scenario.h"

#include <cstdio>
#include <cstdlib>

namespace raftlab {
namespace {

const ParamValue& Lookup(const std::map<std::string, ParamValue>& values, const std::string& name) {
  auto it = values.find(name);
  if (it == values.end()) {
    throw std::logic_error("scenario parameter '" + name + "' is not set (declare it in the scenario's ParamSpec list)");
  }
  return it->second;
}

[[noreturn]] void Mistyped(const std::string& name, const char* wanted) {
  throw std::logic_error("scenario parameter '" + name + "' is not " + wanted);
}

}  // namespace

int64_t Params::Int(const std::string& name) const {
  const ParamValue& v = Lookup(values_, name);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  Mistyped(name, "an integer");
}

double Params::Double(const std::string& name) const {
  const ParamValue& v = Lookup(values_, name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  Mistyped(name, "a number");
}

bool Params::Bool(const std::string& name) const {
  const ParamValue& v = Lookup(values_, name);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  Mistyped(name, "a boolean");
}

const std::string& Params::String(const std::string& name) const {
  const ParamValue& v = Lookup(values_, name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  Mistyped(name, "a string");
}

ScenarioRegistry& ScenarioRegistry::Global() {
  static ScenarioRegistry* registry = new ScenarioRegistry();  // never destroyed: used by static initialisers
  return *registry;
}

void ScenarioRegistry::Register(ScenarioInfo info) {
  if (info.name.empty() || !info.fn) {
    std::fprintf(stderr, "raftlab internal error: scenario registered without a name or body\n");
    std::abort();
  }
  std::string name = info.name;
  if (!scenarios_.emplace(name, std::move(info)).second) {
    std::fprintf(stderr, "raftlab internal error: scenario '%s' registered twice\n", name.c_str());
    std::abort();
  }
}

const ScenarioInfo* ScenarioRegistry::Find(std::string_view name) const {
  auto it = scenarios_.find(name);
  return it == scenarios_.end() ? nullptr : &it->second;
}

std::vector<const ScenarioInfo*> ScenarioRegistry::All() const {
  std::vector<const ScenarioInfo*> out;
  out.reserve(scenarios_.size());
  for (const auto& [name, info] : scenarios_) out.push_back(&info);  // std::map: already sorted
  return out;
}

}  // namespace raftlab
