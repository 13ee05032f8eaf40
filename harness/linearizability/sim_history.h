// SimulateRegisterHistory: a history produced by a simulated, correct,
// concurrent key/value service, for the checker's tests and benchmark.
//
// Clients issue operations back to back (each client is sequential; clients
// overlap freely). Every operation takes effect at a random instant inside
// its [call, return] interval; applying the operations in that order to true
// versioned registers gives their outputs, so the history is linearizable by
// construction. Puts carry the right version most of the time and a wrong one
// otherwise (ErrVersion / ErrNoKey); some OK or ErrVersion puts are reported
// as ErrMaybe, as a clerk whose reply was lost would.
//
// Optionally one stale read is injected: a get whose call comes after an OK
// put has returned is made to return the state before that put, which no
// linearization allows.
//
// Thread safety: a pure function of its options. All randomness comes from
// Rng seeded with options.seed.
#pragma once

#include <cstdint>

#include "harness/linearizability/history.h"

namespace raftlab::lin {

struct SimOptions {
  uint64_t seed = 1;
  int clients = 32;
  int keys = 100;
  int ops = 10000;
  int get_percent = 50;
  int wrong_version_percent = 20;  // puts that carry a stale or future version
  int maybe_percent = 5;           // OK / ErrVersion puts reported as ErrMaybe
  int64_t min_duration_ns = 20'000;
  int64_t max_duration_ns = 2'000'000;
  int64_t max_think_ns = 100'000;  // pause between a client's operations
  bool inject_stale_read = false;
};

struct SimHistory {
  History history;
  // Index in history.ops of the injected stale read, or -1.
  long stale_read = -1;
};

SimHistory SimulateRegisterHistory(const SimOptions& options);

}  // namespace raftlab::lin
