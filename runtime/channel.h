// Channel<T>: a Go-style channel built on a Runtime's Mutex and CondVar.
//
// capacity 0 is an unbuffered rendezvous: send() returns only once a receiver
// has taken the value. capacity > 0 buffers that many values.
// close() wakes everyone: pending and later sends return false; receivers
// drain what is buffered, then get std::nullopt.
//
// On an unbuffered channel, a value whose sender is still blocked in send()
// when close() runs is withdrawn: that send() returns false and no receiver
// sees the value (the rendezvous never happened).
//
// Thread safety: every method may be called from any thread concurrently.
// Ownership: the Channel owns the values it holds; the Runtime must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "runtime/runtime.h"

namespace raftlab {

template <typename T>
class Channel {
 public:
  enum class RecvStatus { kOk, kTimeout, kClosed };

  explicit Channel(Runtime& rt, size_t capacity = 0)
      : capacity_(capacity),
        mu_(rt.make_mutex()),
        can_recv_(rt.make_cond()),
        can_send_(rt.make_cond()) {}

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Blocks until the value is buffered (capacity > 0) or taken by a receiver
  // (capacity 0). Returns false, dropping the value, if the channel is or
  // becomes closed first.
  bool send(T value) {
    std::unique_lock<Mutex> lk(*mu_);
    if (capacity_ == 0) {
      if (closed_) return false;
      const uint64_t ticket = pushed_++;
      items_.push_back(std::move(value));
      can_recv_->notify_one();
      // Our value is taken once `taken_` has moved past our ticket.
      while (taken_ <= ticket && !closed_) can_send_->wait(*mu_);
      return taken_ > ticket;
    }
    while (!closed_ && items_.size() >= capacity_) can_send_->wait(*mu_);
    if (closed_) return false;
    items_.push_back(std::move(value));
    can_recv_->notify_one();
    return true;
  }

  // Blocks until a value arrives; std::nullopt once closed and drained.
  std::optional<T> recv() {
    std::unique_lock<Mutex> lk(*mu_);
    while (items_.empty() && !closed_) can_recv_->wait(*mu_);
    if (items_.empty()) return std::nullopt;
    return TakeLocked();
  }

  // As recv(), but gives up when Runtime::now() reaches `deadline`.
  RecvStatus recv_until(Nanos deadline, T* out) {
    std::unique_lock<Mutex> lk(*mu_);
    while (items_.empty() && !closed_) {
      if (can_recv_->wait_until(*mu_, deadline) && items_.empty() && !closed_) {
        return RecvStatus::kTimeout;
      }
    }
    if (items_.empty()) return RecvStatus::kClosed;
    *out = TakeLocked();
    return RecvStatus::kOk;
  }

  // A value if one is ready now (buffered, or a sender blocked on an
  // unbuffered channel); otherwise std::nullopt without waiting.
  std::optional<T> try_recv() {
    std::unique_lock<Mutex> lk(*mu_);
    if (items_.empty()) return std::nullopt;
    return TakeLocked();
  }

  // Idempotent.
  void close() {
    std::unique_lock<Mutex> lk(*mu_);
    if (closed_) return;
    closed_ = true;
    if (capacity_ == 0) items_.clear();  // withdrawn: their senders get false
    can_recv_->notify_all();
    can_send_->notify_all();
  }

  bool closed() const {
    std::unique_lock<Mutex> lk(*mu_);
    return closed_;
  }

 private:
  T TakeLocked() {
    T v = std::move(items_.front());
    items_.pop_front();
    ++taken_;
    // Unbuffered: every blocked sender re-checks its ticket. Buffered: one
    // slot became free.
    if (capacity_ == 0) {
      can_send_->notify_all();
    } else {
      can_send_->notify_one();
    }
    return v;
  }

  const size_t capacity_;
  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> can_recv_;
  std::unique_ptr<CondVar> can_send_;
  std::deque<T> items_;    // buffered values, or values of blocked senders (capacity 0)
  uint64_t pushed_ = 0;    // capacity 0: tickets handed out to senders
  uint64_t taken_ = 0;     // values taken by receivers
  bool closed_ = false;
};

}  // namespace raftlab
