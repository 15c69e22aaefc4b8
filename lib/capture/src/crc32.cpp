// Slice-by-8 CRC-32 with tables computed at compile time.
#include "crc32.hpp"

#include <array>

namespace metron::detail {
namespace {

using crc_tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr crc_tables make_tables() noexcept {
  crc_tables tables{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0xEDB88320U : crc >> 1;
    }
    tables[0][byte] = crc;
  }
  // Table k advances a byte through k further zero bytes, so eight bytes fold in one step.
  for (std::size_t k = 1; k < tables.size(); ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFFU];
    }
  }
  return tables;
}

constexpr crc_tables tables = make_tables();

constexpr std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace

std::uint32_t crc32(std::uint32_t crc, const std::uint8_t* data, std::size_t size) noexcept {
  crc = ~crc;
  while (size >= 8) {
    const std::uint32_t low = load_le32(data) ^ crc;
    const std::uint32_t high = load_le32(data + 4);
    crc = tables[7][low & 0xFFU] ^ tables[6][(low >> 8) & 0xFFU] ^ tables[5][(low >> 16) & 0xFFU] ^
          tables[4][low >> 24] ^ tables[3][high & 0xFFU] ^ tables[2][(high >> 8) & 0xFFU] ^
          tables[1][(high >> 16) & 0xFFU] ^ tables[0][high >> 24];
    data += 8;
    size -= 8;
  }
  while (size > 0) {
    crc = (crc >> 8) ^ tables[0][(crc ^ *data) & 0xFFU];
    ++data;
    --size;
  }
  return ~crc;
}

}  // namespace metron::detail
