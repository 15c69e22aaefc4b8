// Transaction and block ids and the binary codec, which refuses malformed network input.
#include "transaction.hpp"

#include <metron/bracket.hpp>

#include <algorithm>
#include <cstring>
#include <string>

namespace demo {

namespace {

// Limits on counts read from the wire, so a malformed length cannot ask for gigabytes.
constexpr std::uint32_t max_list_length = 100'000;

// The encoded sizes of the list elements; a transaction is at least its three list lengths.
constexpr std::size_t outpoint_bytes = 32 + 4;
constexpr std::size_t output_bytes = 32 + 8;
constexpr std::size_t witness_bytes = 32 + 32;
constexpr std::size_t min_transaction_bytes = std::size_t{3} * 4;

class writer {
 public:
  void u32(std::uint32_t value) { integer(value, 4); }
  void u64(std::uint64_t value) { integer(value, 8); }
  void digest(const hash256& h) { bytes_.insert(bytes_.end(), h.begin(), h.end()); }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  void integer(std::uint64_t value, int width) {
    for (int i = 0; i < width; ++i) {
      bytes_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
  }
  std::vector<std::uint8_t> bytes_;
};

class reader {
 public:
  reader(std::span<const std::uint8_t> bytes, const char* what) : bytes_(bytes), what_(what) {}

  std::uint32_t u32() { return static_cast<std::uint32_t>(integer(4)); }
  std::uint64_t u64() { return integer(8); }
  hash256 digest() {
    need(32);
    hash256 h{};
    std::memcpy(h.data(), bytes_.data() + position_, h.size());
    position_ += h.size();
    return h;
  }
  // A list's length, refused before anything is allocated when it is over the limit or when
  // its elements, each at least `min_bytes` long, cannot fit in what is left.
  std::uint32_t count(const char* of, std::size_t min_bytes) {
    const std::uint32_t n = u32();
    if (n > max_list_length) {
      fail("a list of " + std::to_string(n) + " " + of + " is longer than " +
           std::to_string(max_list_length));
    }
    if (n * min_bytes > bytes_.size() - position_) {
      fail("truncated: a list of " + std::to_string(n) + " " + of + " needs at least " +
           std::to_string(n * min_bytes) + " bytes, " + std::to_string(bytes_.size() - position_) +
           " remain");
    }
    return n;
  }
  void finish() const {
    if (position_ != bytes_.size()) {
      fail(std::to_string(bytes_.size() - position_) + " bytes after the end");
    }
  }

 private:
  std::uint64_t integer(int width) {
    need(static_cast<std::size_t>(width));
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
      value |= static_cast<std::uint64_t>(bytes_[position_ + static_cast<std::size_t>(i)])
               << (8 * i);
    }
    position_ += static_cast<std::size_t>(width);
    return value;
  }
  void need(std::size_t n) const {
    if (bytes_.size() - position_ < n) {
      fail("truncated at byte " + std::to_string(position_) + " of " +
           std::to_string(bytes_.size()));
    }
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw decode_error(std::string(what_) + ": " + why);
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
  const char* what_;
};

void write_body(writer& out, const transaction& tx) {
  out.u32(static_cast<std::uint32_t>(tx.inputs.size()));
  for (const outpoint& in : tx.inputs) {
    out.digest(in.tx);
    out.u32(in.index);
  }
  out.u32(static_cast<std::uint32_t>(tx.outputs.size()));
  for (const output& o : tx.outputs) {
    out.digest(o.address);
    out.u64(o.amount);
  }
}

void write_transaction(writer& out, const transaction& tx) {
  write_body(out, tx);
  out.u32(static_cast<std::uint32_t>(tx.witnesses.size()));
  for (const witness& w : tx.witnesses) {
    out.digest(w.secret);
    out.digest(w.tag);
  }
}

transaction read_transaction(reader& in) {
  transaction tx;
  tx.inputs.resize(in.count("inputs", outpoint_bytes));
  for (outpoint& o : tx.inputs) {
    o.tx = in.digest();
    o.index = in.u32();
  }
  tx.outputs.resize(in.count("outputs", output_bytes));
  for (output& o : tx.outputs) {
    o.address = in.digest();
    o.amount = in.u64();
  }
  tx.witnesses.resize(in.count("witnesses", witness_bytes));
  for (witness& w : tx.witnesses) {
    w.secret = in.digest();
    w.tag = in.digest();
  }
  return tx;
}

void write_header(writer& out, const block_header& header) {
  out.u64(header.slot);
  out.u64(header.height);
  out.digest(header.parent);
  out.u32(header.issuer);
  out.digest(header.body_hash);
}

}  // namespace

hash256 transaction::id() const {
  writer out;
  write_body(out, *this);
  return sha256(out.take());
}

witness make_witness(const hash256& secret, const hash256& body) {
  std::array<std::uint8_t, 64> both{};
  std::copy(secret.begin(), secret.end(), both.begin());
  std::copy(body.begin(), body.end(), both.begin() + 32);
  return {secret, sha256(both)};
}

hash256 block::hash() const { return sha256(encode(header)); }

hash256 body_hash(std::span<const transaction> transactions) {
  std::vector<std::uint8_t> ids;
  ids.reserve(transactions.size() * 32);
  for (const transaction& tx : transactions) {
    const hash256 id = tx.id();
    ids.insert(ids.end(), id.begin(), id.end());
  }
  return sha256(ids);
}

std::vector<std::uint8_t> encode(const transaction& tx) {
  writer out;
  write_transaction(out, tx);
  return out.take();
}

std::vector<std::uint8_t> encode(const block_header& header) {
  writer out;
  write_header(out, header);
  return out.take();
}

std::vector<std::uint8_t> encode(const block& b) {
  METRON_BRACKET("codec.encode_block");
  writer out;
  write_header(out, b.header);
  out.u32(static_cast<std::uint32_t>(b.transactions.size()));
  for (const transaction& tx : b.transactions) {
    write_transaction(out, tx);
  }
  return out.take();
}

transaction decode_transaction(std::span<const std::uint8_t> bytes) {
  reader in(bytes, "transaction");
  transaction tx = read_transaction(in);
  in.finish();
  return tx;
}

block decode_block(std::span<const std::uint8_t> bytes) {
  METRON_BRACKET("codec.decode_block");
  reader in(bytes, "block");
  block b;
  b.header.slot = in.u64();
  b.header.height = in.u64();
  b.header.parent = in.digest();
  b.header.issuer = in.u32();
  b.header.body_hash = in.digest();
  b.transactions.resize(in.count("transactions", min_transaction_bytes));
  for (transaction& tx : b.transactions) {
    tx = read_transaction(in);
  }
  in.finish();
  return b;
}

}  // namespace demo
