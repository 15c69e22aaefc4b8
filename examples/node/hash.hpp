// SHA-256 through OpenSSL, and the hex forms the demo node logs and prints.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace demo {

/// A SHA-256 digest: transaction ids, block hashes, witnesses.
using hash256 = std::array<std::uint8_t, 32>;

/// The SHA-256 digest of `bytes` (OpenSSL's EVP interface).
[[nodiscard]] hash256 sha256(std::span<const std::uint8_t> bytes);

/// All 64 lowercase hex digits of `h`.
[[nodiscard]] std::string to_hex(const hash256& h);

/// The first 16 hex digits of `h`: the key that log records and postmortem use for a block or a
/// transaction.
[[nodiscard]] std::string short_key(const hash256& h);

}  // namespace demo
