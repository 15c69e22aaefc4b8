// Transactions and blocks of the demo node's UTxO ledger, and their binary encoding.
#pragma once

#include "hash.hpp"

#include <compare>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace demo {

/// An output of an earlier transaction: its id and position.
struct outpoint {
  hash256 tx{};             ///< the id of the transaction that created it
  std::uint32_t index = 0;  ///< its position among that transaction's outputs

  friend auto operator<=>(const outpoint&, const outpoint&) = default;
};

/// Value locked to an address: the SHA-256 of its owner's secret.
struct output {
  hash256 address{};         ///< sha256(owner's secret)
  std::uint64_t amount = 0;  ///< in the smallest unit

  friend bool operator==(const output&, const output&) = default;
};

/// The proof that an input's owner made the transaction: the secret, which hashes to the spent
/// output's address, and a tag binding the secret to this transaction's body.
struct witness {
  hash256 secret{};  ///< hashes to the spent output's address
  hash256 tag{};     ///< sha256(secret ‖ body hash)

  friend bool operator==(const witness&, const witness&) = default;
};

/// A transaction: spends `inputs`, creates `outputs`, one witness per input.
struct transaction {
  std::vector<outpoint> inputs;    ///< the outputs it spends
  std::vector<output> outputs;     ///< the outputs it creates
  std::vector<witness> witnesses;  ///< one per input, in the same order

  /// The hash of inputs and outputs, witnesses left out: what the witnesses sign and the id.
  [[nodiscard]] hash256 id() const;

  friend bool operator==(const transaction&, const transaction&) = default;
};

/// The witness of `secret` over a transaction body with id `body`.
[[nodiscard]] witness make_witness(const hash256& secret, const hash256& body);

/// A block's header: where it sits in the chain and what its body holds.
struct block_header {
  std::uint64_t slot = 0;    ///< the slot it was forged in
  std::uint64_t height = 0;  ///< 1 for the first block after genesis
  hash256 parent{};          ///< the previous block's hash (the genesis hash for height 1)
  std::uint32_t issuer = 0;  ///< the index of the node that forged it
  hash256 body_hash{};       ///< body_hash() of its transactions

  friend bool operator==(const block_header&, const block_header&) = default;
};

/// A block: a header and its transactions.
struct block {
  block_header header;                    ///< the header
  std::vector<transaction> transactions;  ///< the body

  /// The hash of the encoded header: the block's identity.
  [[nodiscard]] hash256 hash() const;

  friend bool operator==(const block&, const block&) = default;
};

/// The hash over the ids of `transactions`, in order.
[[nodiscard]] hash256 body_hash(std::span<const transaction> transactions);

/// Bytes that are not a well-formed encoding: truncated, oversized counts, trailing bytes.
class decode_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The binary encoding of a transaction (little-endian integers, counted lists).
[[nodiscard]] std::vector<std::uint8_t> encode(const transaction& tx);
/// The binary encoding of a block: header, then its transactions.
[[nodiscard]] std::vector<std::uint8_t> encode(const block& b);
/// The binary encoding of a header alone (what block::hash() hashes).
[[nodiscard]] std::vector<std::uint8_t> encode(const block_header& header);

/// Decodes what encode(const transaction&) wrote. @throws decode_error on malformed bytes.
[[nodiscard]] transaction decode_transaction(std::span<const std::uint8_t> bytes);
/// Decodes what encode(const block&) wrote. @throws decode_error on malformed bytes.
[[nodiscard]] block decode_block(std::span<const std::uint8_t> bytes);

}  // namespace demo
