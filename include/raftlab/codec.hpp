// raftlab/codec.hpp: byte views and a small binary Encoder/Decoder for RPC
// arguments and persisted state. Part of the header-only C++ convenience
// layer (include raftlab.hpp to get all of it). C++17.
//
// Wire format (all of it little-endian, independent of the host machine):
//   PutU8/U32/U64, PutI32/I64   fixed width, two's complement for signed
//   PutVarint                   unsigned LEB128, 1 to 10 bytes
//   PutSignedVarint             zigzag then LEB128 (small negatives stay small)
//   PutBool                     one byte, 0 or 1
//   PutBytes/PutString          varint length, then the bytes
//
// Malformed input never causes undefined behaviour: a Decoder that runs out
// of bytes, meets an over-long varint, a bool other than 0/1, or a length
// larger than what is left sets failed() and from then on returns zero or
// empty values. Check failed() (or Finish()) once after decoding a message.
//
// Thread safety: Encoder and Decoder are plain values; use one per thread.
// Ownership: Encoder owns its buffer; a Decoder and a ByteView only borrow
// the bytes they look at, which must outlive them.
#ifndef RAFTLAB_CODEC_HPP_
#define RAFTLAB_CODEC_HPP_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace raftlab {

using Bytes = std::vector<uint8_t>;

// A borrowed (pointer, length) range of bytes, like std::span<const uint8_t>
// (which C++17 lacks). Cheap to copy; never owns.
class ByteView {
 public:
  ByteView() = default;
  ByteView(const uint8_t* data, size_t size) : data_(size ? data : nullptr), size_(size) {}
  ByteView(const Bytes& bytes) : data_(bytes.data()), size_(bytes.size()) {}  // NOLINT: implicit on purpose
  explicit ByteView(std::string_view s)
      : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }

  Bytes ToBytes() const { return Bytes(begin(), end()); }
  std::string ToString() const { return std::string(reinterpret_cast<const char*>(data_), size_); }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Appends values to a growing byte buffer. Never fails (except by
// std::bad_alloc, like any container).
class Encoder {
 public:
  Encoder() = default;

  void PutU8(uint8_t v) { buf_.push_back(v); }
  void PutBool(bool v) { buf_.push_back(v ? 1 : 0); }
  void PutU32(uint32_t v) { PutFixed(v, 4); }
  void PutU64(uint64_t v) { PutFixed(v, 8); }
  void PutI32(int32_t v) { PutFixed(static_cast<uint32_t>(v), 4); }
  void PutI64(int64_t v) { PutFixed(static_cast<uint64_t>(v), 8); }

  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void PutSignedVarint(int64_t v) {
    // Zigzag: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... (shift on unsigned: no UB).
    const uint64_t u = static_cast<uint64_t>(v);
    PutVarint((u << 1) ^ (v < 0 ? ~uint64_t{0} : uint64_t{0}));
  }

  void PutBytes(ByteView b) {
    PutVarint(b.size());
    buf_.insert(buf_.end(), b.begin(), b.end());
  }
  void PutString(std::string_view s) { PutBytes(ByteView(s)); }
  // Appends bytes WITHOUT a length prefix (for a trailing blob).
  void PutRaw(ByteView b) { buf_.insert(buf_.end(), b.begin(), b.end()); }

  const Bytes& bytes() const { return buf_; }
  size_t size() const { return buf_.size(); }
  // Moves the buffer out; the Encoder is empty afterwards.
  Bytes Take() { return std::exchange(buf_, Bytes{}); }

 private:
  void PutFixed(uint64_t v, int n) {
    for (int i = 0; i < n; i++) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes buf_;
};

// Reads values back in the order they were written. See the file comment for
// how malformed input is reported.
class Decoder {
 public:
  explicit Decoder(ByteView in) : in_(in) {}

  uint8_t GetU8() { return Need(1) ? in_[pos_++] : 0; }
  bool GetBool() {
    const uint8_t b = GetU8();
    if (b > 1) failed_ = true;
    return !failed_ && b == 1;
  }
  uint32_t GetU32() { return static_cast<uint32_t>(GetFixed(4)); }
  uint64_t GetU64() { return GetFixed(8); }
  int32_t GetI32() { return static_cast<int32_t>(static_cast<uint32_t>(GetFixed(4))); }
  int64_t GetI64() { return static_cast<int64_t>(GetFixed(8)); }

  uint64_t GetVarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!Need(1)) return 0;
      const uint8_t b = in_[pos_++];
      // The tenth byte may only carry the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return Fail();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();  // more than 10 bytes
  }
  int64_t GetSignedVarint() {
    const uint64_t u = GetVarint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  // A length-prefixed byte string, borrowed from the input.
  ByteView GetBytesView() {
    const uint64_t n = GetVarint();
    if (failed_ || n > remaining()) {
      Fail();
      return ByteView();
    }
    ByteView v(in_.data() + pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return v;
  }
  Bytes GetBytes() { return GetBytesView().ToBytes(); }
  std::string GetString() { return GetBytesView().ToString(); }

  // Every byte left, without a length prefix (the counterpart of PutRaw).
  ByteView GetRest() {
    if (failed_) return ByteView();
    ByteView v(in_.data() + pos_, remaining());
    pos_ = in_.size();
    return v;
  }

  // Reads a count of items that each take at least min_item_bytes, and fails
  // when the input cannot possibly hold that many (so a corrupt count cannot
  // make the caller reserve gigabytes).
  uint64_t GetCount(size_t min_item_bytes = 1) {
    const uint64_t n = GetVarint();
    if (!failed_ && min_item_bytes > 0 && n > remaining() / min_item_bytes) return Fail();
    return failed_ ? 0 : n;
  }

  bool failed() const { return failed_; }
  size_t remaining() const { return in_.size() - pos_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  // True when nothing was malformed and every byte was consumed.
  bool Finish() const { return !failed_ && AtEnd(); }
  // Lets a caller reject a well-formed but invalid value (e.g. a negative
  // index) through the same flag.
  void SetFailed() { failed_ = true; }

 private:
  bool Need(size_t n) {
    if (failed_ || remaining() < n) {
      failed_ = true;
      return false;
    }
    return true;
  }
  uint64_t Fail() {
    failed_ = true;
    return 0;
  }
  uint64_t GetFixed(int n) {
    if (!Need(static_cast<size_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= static_cast<uint64_t>(in_[pos_++]) << (8 * i);
    return v;
  }

  ByteView in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace raftlab

#endif  // RAFTLAB_CODEC_HPP_
