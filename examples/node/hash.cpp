// SHA-256 through OpenSSL's EVP interface (one context per thread) and the hex forms.
#include "hash.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace demo {

namespace {

struct md_context_deleter {
  void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};

}  // namespace

hash256 sha256(std::span<const std::uint8_t> bytes) {
  thread_local const std::unique_ptr<EVP_MD_CTX, md_context_deleter> context(EVP_MD_CTX_new());
  hash256 digest{};
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) {
    throw std::runtime_error("sha256: OpenSSL's digest failed");
  }
  return digest;
}

std::string to_hex(const hash256& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(h.size() * 2);
  for (const std::uint8_t byte : h) {
    out += digits[byte >> 4U];
    out += digits[byte & 0x0FU];
  }
  return out;
}

std::string short_key(const hash256& h) { return to_hex(h).substr(0, 16); }

}  // namespace demo
