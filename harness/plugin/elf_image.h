// ImageReader: bounds-checked reads of structs and strings out of an
// in-memory ELF image (the bytes of a .so), shared by elf_check.cc and
// language.cc. Private to harness/plugin/.
//
// Thread safety: a const view; use from any thread.
// Ownership: borrows the image, which must outlive the reader.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace raftlab {

class ImageReader {
 public:
  explicit ImageReader(std::string_view image) : image_(image) {}

  // Copies sizeof(T) bytes at `off` into *out; false when they lie outside.
  template <typename T>
  bool Read(uint64_t off, T* out) const {
    if (off > image_.size() || image_.size() - off < sizeof(T)) return false;
    std::memcpy(out, image_.data() + off, sizeof(T));
    return true;
  }
  // The NUL-terminated string at `off` inside [table_off, table_off + table_size).
  std::optional<std::string> String(uint64_t table_off, uint64_t table_size, uint64_t off) const {
    if (table_off > image_.size() || table_size > image_.size() - table_off || off >= table_size) {
      return std::nullopt;
    }
    const std::string_view table = image_.substr(table_off, table_size);
    const size_t end = table.find('\0', off);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(table.substr(off, end - off));
  }
  // The bytes [off, off + len), or nullopt when they lie outside the image.
  std::optional<std::string_view> Bytes(uint64_t off, uint64_t len) const {
    if (off > image_.size() || len > image_.size() - off) return std::nullopt;
    return image_.substr(off, len);
  }
  uint64_t size() const { return image_.size(); }

 private:
  std::string_view image_;
};

}  // namespace raftlab
