// The byte cursor's varint decoding: every length, at the end of a payload and inside it.
#include "capture/src/format.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace {

using bytes = std::vector<std::uint8_t>;

// Values of every bit length from 0 to 64, with the extremes of each length.
std::vector<std::uint64_t> values_of_every_length() {
  std::vector<std::uint64_t> values = {0, 1};
  for (unsigned bits = 2; bits <= 64; ++bits) {
    const std::uint64_t low = std::uint64_t{1} << (bits - 1);
    values.push_back(low);
    values.push_back(bits == 64 ? UINT64_MAX : (low << 1) - 1);
    values.push_back(low | 0x55U);
  }
  return values;
}

void put(bytes& out, std::uint64_t value) {
  std::uint8_t field[metron::detail::max_varint_bytes];
  std::uint8_t* end = metron::detail::put_varint(field, value);
  out.insert(out.end(), field, end);
}

}  // namespace

TEST_CASE("varints of every length decode, with or without bytes after them", "[capture]") {
  const std::vector<std::uint64_t> values = values_of_every_length();
  for (const std::size_t padding : {std::size_t{0}, std::size_t{3}, std::size_t{16}}) {
    bytes payload;
    for (const std::uint64_t value : values) {
      put(payload, value);
    }
    payload.insert(payload.end(), padding, 0x7F);
    metron::detail::byte_cursor in(payload.data(), payload.size());
    for (const std::uint64_t value : values) {
      INFO("value " << value << ", padding " << padding);
      CHECK(in.varint() == value);
    }
    CHECK(in.ok());
    CHECK(in.remaining() == padding);
  }
}

TEST_CASE("a varint cut short or longer than 64 bits fails the cursor", "[capture]") {
  bytes cut;
  put(cut, UINT64_MAX);
  cut.pop_back();
  cut.insert(cut.end(), 0);  // the tenth byte now ends it but carries too many bits
  cut.back() = 0x7F;
  metron::detail::byte_cursor overlong(cut.data(), cut.size());
  static_cast<void>(overlong.varint());
  CHECK_FALSE(overlong.ok());

  for (std::size_t length = 1; length <= 12; ++length) {
    INFO("unterminated varint of " << length << " bytes");
    const bytes unterminated(length, 0x80);
    metron::detail::byte_cursor in(unterminated.data(), unterminated.size());
    static_cast<void>(in.varint());
    CHECK_FALSE(in.ok());
  }
}
