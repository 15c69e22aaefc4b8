// Constants and byte-level codecs of the .mtr format shared by the writer and the reader.
#pragma once

#include <metron/capture/detail/magic.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace metron::detail {

/// Magic, u16 major, u16 minor, u32 flags.
inline constexpr std::size_t file_header_bytes = 16;
/// u8 type, three zero bytes, u32 payload length, u32 CRC-32 of the payload.
inline constexpr std::size_t chunk_header_bytes = 12;
/// Readers refuse longer payloads as corrupt, so a damaged length never drives an allocation.
inline constexpr std::uint32_t max_chunk_payload = std::uint32_t{64} << 20;
/// Records are cut into chunks once this many payload bytes are pending.
inline constexpr std::size_t records_chunk_bytes = std::size_t{64} << 10;
/// Site and resource chunks are cut once this many payload bytes are pending.
inline constexpr std::size_t table_chunk_bytes = std::size_t{1} << 20;
/// The largest thread index the format accepts; it bounds per-thread arrays of readers.
inline constexpr std::uint32_t max_thread_index = (std::uint32_t{1} << 20) - 1;
/// The largest site kind value.
inline constexpr std::uint8_t max_site_kind = 3;

/// What a chunk holds.
enum class chunk_type : std::uint8_t {
  metadata = 1,
  sites = 2,
  thread = 3,
  records = 4,
  resources = 5,
  footer = 6,
  /// Since 1.1: the writer reached its size bound and wrote nothing more but the footer.
  size_limit = 7,
  /// Since 1.1: how the program ended, appended by its recorder after the footer.
  ending = 8,
};

/// The first byte of an ending chunk's payload.
enum class ending_kind : std::uint8_t {
  exited = 1,    ///< followed by the exit status
  signalled = 2  ///< followed by the signal number
};

/// The low two bits of a record's first varint, below the site id.
enum record_form : std::uint8_t {
  form_bracket = 0,      ///< begin delta, duration
  form_point = 1,        ///< begin delta, value 0
  form_point_value = 2,  ///< begin delta, value
  form_delta = 3,        ///< tag, value; times of the preceding record
};

/// Most bytes one record can take: a 5-byte head and two 10-byte varints.
inline constexpr std::size_t max_record_bytes = 25;
/// Most bytes a varint takes.
inline constexpr std::size_t max_varint_bytes = 10;
/// Most bytes a size_limit chunk takes: its header and one varint.
inline constexpr std::size_t size_limit_chunk_bytes = chunk_header_bytes + max_varint_bytes;

/// Maps signed to unsigned so that small magnitudes of either sign encode short.
[[nodiscard]] constexpr std::uint64_t zigzag(std::int64_t value) noexcept {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

/// Inverse of zigzag().
[[nodiscard]] constexpr std::int64_t unzigzag(std::uint64_t value) noexcept {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1U);
}

/// Writes `value` as unsigned LEB128 at `out`, which has room for max_varint_bytes; returns the
/// end of what it wrote.
inline std::uint8_t* put_varint(std::uint8_t* out, std::uint64_t value) noexcept {
  while (value >= 0x80) {
    *out++ = static_cast<std::uint8_t>(value | 0x80U);
    value >>= 7;
  }
  *out++ = static_cast<std::uint8_t>(value);
  return out;
}

/// Writes `value` as `bytes` little-endian bytes at `out`; returns the end.
inline std::uint8_t* put_le(std::uint8_t* out, std::uint64_t value, std::size_t bytes) noexcept {
  for (std::size_t i = 0; i < bytes; ++i) {
    *out++ = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return out;
}

/// Reads eight little-endian bytes at `in` in one load.
[[nodiscard]] inline std::uint64_t load_le64(const std::uint8_t* in) noexcept {
  std::uint64_t value = 0;
  std::memcpy(&value, in, sizeof value);
  if constexpr (std::endian::native == std::endian::big) {
    value = __builtin_bswap64(value);
  }
  return value;
}

/// Reads `bytes` little-endian bytes at `in`.
[[nodiscard]] inline std::uint64_t get_le(const std::uint8_t* in, std::size_t bytes) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  }
  return value;
}

/// Marks a value stored as the eight raw bytes of the double; an integer's varint is always even.
inline constexpr std::uint8_t raw_value_marker = 0x01;

/// Writes a record value: integral values below 2^62 as an even varint, anything else (fractions,
/// -0.0, NaN, infinities, huge magnitudes) as the marker and the raw double, so decoding is exact.
inline std::uint8_t* put_value(std::uint8_t* out, double value) noexcept {
  constexpr double limit = 0x1p62;
  if (value > -limit && value < limit) {
    const auto integral = static_cast<std::int64_t>(value);
    if (static_cast<double>(integral) == value && (integral != 0 || !std::signbit(value))) {
      return put_varint(out, zigzag(integral) << 1);
    }
  }
  *out++ = raw_value_marker;
  return put_le(out, std::bit_cast<std::uint64_t>(value), 8);
}

/// Bounds-checked decoding of one payload. The first failure moves to the end and latches ok()
/// to false; reads after it return zeros, so a decoder checks ok() once per record, not per field.
class byte_cursor {
 public:
  /// Decodes the `size` bytes at `data`, which must outlive the cursor.
  byte_cursor(const std::uint8_t* data, std::size_t size) noexcept
      : pos_(data), end_(data + size) {}

  /// Whether every read so far was within the payload and well formed.
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  /// Whether all bytes have been consumed.
  [[nodiscard]] bool at_end() const noexcept { return pos_ == end_; }
  /// Bytes not yet consumed.
  [[nodiscard]] std::size_t remaining() const noexcept {
    return static_cast<std::size_t>(end_ - pos_);
  }
  /// Marks the payload as undecodable.
  void fail() noexcept {
    ok_ = false;
    pos_ = end_;
  }

  /// An unsigned LEB128 value of at most 64 bits. Inlined into the record loop, where a call
  /// would cost as much as the decoding.
  [[gnu::always_inline]] std::uint64_t varint() noexcept {
    // Varints of 1 to 8 bytes decode without a branch on their length, which the mixed lengths
    // of record fields would mispredict; longer ones and the payload's last bytes take the loop.
    if (remaining() >= 8) [[likely]] {
      const std::uint64_t word = load_le64(pos_);
      const std::uint64_t stops = ~word & 0x8080808080808080U;
      if (stops != 0) [[likely]] {
        const auto bits = static_cast<unsigned>(std::countr_zero(stops)) + 1;
        std::uint64_t value = bits == 64 ? word : word & ((std::uint64_t{1} << bits) - 1);
        value &= 0x7F7F7F7F7F7F7F7FU;
        value = (value & 0x007F007F007F007FU) | ((value & 0x7F007F007F007F00U) >> 1);
        value = (value & 0x00003FFF00003FFFU) | ((value & 0x3FFF00003FFF0000U) >> 2);
        value = (value & 0x000000000FFFFFFFU) | ((value & 0x0FFFFFFF00000000U) >> 4);
        pos_ += bits / 8;
        return value;
      }
    }
    return varint_slow();
  }

  /// A varint that must fit in 32 bits.
  std::uint32_t varint32() noexcept {
    const std::uint64_t value = varint();
    if (value > UINT32_MAX) {
      fail();
      return 0;
    }
    return static_cast<std::uint32_t>(value);
  }

  /// One byte.
  std::uint8_t byte() noexcept {
    if (pos_ == end_) {
      fail();
      return 0;
    }
    return *pos_++;
  }

  /// `bytes` little-endian bytes.
  std::uint64_t fixed(std::size_t bytes) noexcept {
    if (remaining() < bytes) {
      fail();
      return 0;
    }
    const std::uint64_t value = get_le(pos_, bytes);
    pos_ += bytes;
    return value;
  }

  /// A little-endian IEEE double.
  double f64() noexcept { return std::bit_cast<double>(fixed(8)); }

  /// A record value as put_value() writes it.
  double value() noexcept {
    if (pos_ != end_ && *pos_ == raw_value_marker) {
      ++pos_;
      return f64();
    }
    const std::uint64_t encoded = varint();
    if ((encoded & 1U) != 0) {
      fail();
      return 0;
    }
    return static_cast<double>(unzigzag(encoded >> 1));
  }

  /// A length-prefixed byte string, viewed in place.
  std::string_view string() noexcept {
    const std::uint64_t length = varint();
    if (length > remaining()) {
      fail();
      return {};
    }
    const std::string_view text(reinterpret_cast<const char*>(pos_),
                                static_cast<std::size_t>(length));
    pos_ += length;
    return text;
  }

 private:
  std::uint64_t varint_slow() noexcept {
    std::uint64_t result = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ == end_) {
        break;
      }
      const std::uint8_t byte = *pos_++;
      if (shift == 63 && byte > 1) {
        break;
      }
      result |= static_cast<std::uint64_t>(byte & 0x7FU) << shift;
      if (byte < 0x80) {
        return result;
      }
    }
    fail();
    return 0;
  }

  const std::uint8_t* pos_;
  const std::uint8_t* end_;
  bool ok_ = true;
};

/// Maps 32-bit ids (site ids, thread indices) to slots 0, 1, 2 ... in insertion order. Small ids
/// live in an array and the rest in a hash map, so a hostile id costs no more than its entry.
class id_map {
 public:
  /// What find() returns for an absent id.
  static constexpr std::uint32_t npos = UINT32_MAX;

  /// The slot of `id`, or npos.
  [[nodiscard]] std::uint32_t find(std::uint32_t id) const noexcept {
    if (id < dense_.size()) {
      return dense_[id] - 1;
    }
    if (id < dense_limit) {
      return npos;
    }
    const auto found = sparse_.find(id);
    return found == sparse_.end() ? npos : found->second;
  }

  /// Gives `id` the next slot and returns it, or returns npos if `id` is already present.
  std::uint32_t insert(std::uint32_t id) {
    if (find(id) != npos) {
      return npos;
    }
    const std::uint32_t slot = size_;
    if (id < dense_limit) {
      if (id >= dense_.size()) {
        dense_.resize(std::size_t{id} + 1, 0);
      }
      dense_[id] = slot + 1;
    } else {
      sparse_.emplace(id, slot);
    }
    ++size_;
    return slot;
  }

  /// Number of ids.
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint32_t dense_limit = std::uint32_t{1} << 16;
  std::vector<std::uint32_t> dense_;  // slot + 1, or 0 for absent (so npos comes out of - 1)
  std::unordered_map<std::uint32_t, std::uint32_t> sparse_;
  std::uint32_t size_ = 0;
};

}  // namespace metron::detail
