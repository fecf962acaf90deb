#pragma once
// The kinds of attribute a policy declares. One definition for every stage: the syntax tree
// (`attribute x: enum {…}`), the checked policy, the table's variables and the artifact, which
// stores the numbers below (docs/artifact.md) — so they never change.

#include <cstdint>

namespace usegate {

enum class AttributeType : std::uint8_t {
  enumeration = 0,
  boolean = 1,  // values `false`, `true`
  time = 2,
  number = 3,
};

}  // namespace usegate
