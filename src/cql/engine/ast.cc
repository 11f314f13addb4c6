#include "cql/engine/ast.h"

namespace medallion::cql {

// Defined here because Term is incomplete where these types are declared.
bool CollectionLiteral::operator==(const CollectionLiteral& other) const {
  return kind == other.kind && elements == other.elements;
}

bool FunctionCall::operator==(const FunctionCall& other) const {
  return name == other.name && args == other.args;
}

}  // namespace medallion::cql
