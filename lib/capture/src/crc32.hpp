// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum of every capture chunk.
#pragma once

#include <cstddef>
#include <cstdint>

namespace metron::detail {

/// Continues the CRC-32 `crc` (0 to start) over `size` bytes at `data`, as zlib's crc32() does:
/// crc32(crc32(0, a), b) equals the checksum of a followed by b. Slice-by-8, about 1 byte per
/// cycle, so checksumming a chunk costs far less than encoding it.
[[nodiscard]] std::uint32_t crc32(std::uint32_t crc, const std::uint8_t* data,
                                  std::size_t size) noexcept;

}  // namespace metron::detail
