// Short builders of SchemaElements for tests that spell schemas out.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "formats/parquet/parquet_metadata.h"

namespace medallion::parquet::testing {

inline SchemaElement root(int children) {
  SchemaElement e;
  e.name = "schema";
  e.num_children = children;
  return e;
}

inline SchemaElement leaf(std::string name, Type type, FieldRepetitionType rep) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = rep;
  return e;
}

inline SchemaElement string_leaf(std::string name, FieldRepetitionType rep) {
  SchemaElement e = leaf(std::move(name), Type::kByteArray, rep);
  e.converted_type = ConvertedType::kUtf8;
  e.logical_type = LogicalType::of(LogicalTypeKind::kString);
  return e;
}

inline SchemaElement group(std::string name, int children, FieldRepetitionType rep,
                           std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition_type = rep;
  e.converted_type = converted;
  return e;
}

}  // namespace medallion::parquet::testing
