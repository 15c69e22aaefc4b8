// The bytes every capture file starts with, for readers that tell file formats apart.
#pragma once

#include <array>
#include <cstdint>

namespace metron::detail {

/// The first eight bytes of every capture; the PNG-style mix catches text-mode and 7-bit damage.
inline constexpr std::array<std::uint8_t, 8> capture_magic{0x89, 'M',  'T',  'R',
                                                           '\r', '\n', 0x1A, '\n'};

}  // namespace metron::detail
