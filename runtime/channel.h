// Channel<T>: a Go-style channel built on a Runtime's Mutex and CondVar.
//
// capacity 0 is an unbuffered rendezvous: send() returns only once a receiver
// has taken the value. capacity > 0 buffers that many values.
// close() wakes everyone: pending and later sends return false; receivers
// drain what is buffered, then get std::nullopt.
//
// Thread safety: every method may be called from any thread concurrently.
// Ownership: the Channel owns the values it holds; the Runtime must outlive it.
#pragma once
// (implementation: see issue 2; API fixed here)
//
// template <typename T> class Channel {
//  public:
//   Channel(Runtime& rt, size_t capacity = 0);
//   bool send(T value);                                   // false if closed
//   std::optional<T> recv();                              // nullopt if closed and empty
//   enum class RecvStatus { kOk, kTimeout, kClosed };
//   RecvStatus recv_until(Nanos deadline, T* out);
//   std::optional<T> try_recv();
//   void close();
//   bool closed() const;
// };
