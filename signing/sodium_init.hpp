#pragma once
// libsodium must be initialised once before use; sodium_init is thread-safe and idempotent.
#include <sodium.h>

#include <stdexcept>

namespace usegate::signing {

inline void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace usegate::signing
