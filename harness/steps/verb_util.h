// Small builders for the step verbs' argument specs (what every *_verbs.cc
// writes in its registration blocks), so a registration reads like the
// reference it produces.
//
// Thread safety: pure functions. Ownership: by value.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/steps.h"

namespace raftlab::steps {

// An optional argument with the default shown in the reference.
inline StepArgSpec Opt(std::string name, StepArgType type, std::string default_text, std::string help) {
  StepArgSpec a;
  a.name = std::move(name);
  a.type = type;
  a.default_text = std::move(default_text);
  a.help = std::move(help);
  return a;
}

// A required argument.
inline StepArgSpec Req(std::string name, StepArgType type, std::string help) {
  StepArgSpec a = Opt(std::move(name), type, "", std::move(help));
  a.required = true;
  return a;
}

// The same with a range for literal values.
inline StepArgSpec Ranged(StepArgSpec a, std::optional<double> min, std::optional<double> max) {
  a.min = min;
  a.max = max;
  return a;
}

inline StepArgSpec Choice(std::string name, std::vector<std::string> choices, std::string default_text,
                          std::string help) {
  StepArgSpec a = Opt(std::move(name), StepArgType::kChoice, std::move(default_text), std::move(help));
  a.choices = std::move(choices);
  return a;
}

// `as`: the name a step binds.
inline StepArgSpec As(std::string help) { return Opt("as", StepArgType::kBind, "", std::move(help)); }

}  // namespace raftlab::steps
