// Keys shared by the store's tests: an int value's serialization and the
// clustering key of one int column.
#pragma once

#include <cstdint>
#include <string>

#include "cql/storage/key_encoding.h"

namespace medallion::cql::testing {

inline std::string i32(int32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i)
    s[i] = static_cast<char>((static_cast<uint32_t>(v) >> (8 * (3 - i))) & 0xff);
  return s;
}

inline std::string ck(int32_t v, bool desc = false) {
  return *encode_clustering({ClusteringColumn{CqlType::of(TypeId::kInt), desc}}, {i32(v)});
}

}  // namespace medallion::cql::testing
