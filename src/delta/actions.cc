#include "delta/actions.h"

namespace medallion::delta {

// As the reference implementation forms it: storageType, pathOrInlineDv and,
// for DVs inside a shared file, "@" + offset.
std::string DeletionVectorDescriptor::unique_id() const {
  std::string id;
  id.reserve(1 + path_or_inline_dv.size() + 12);
  id.push_back(storage_type);
  id.append(path_or_inline_dv);
  if (offset) {
    id.push_back('@');
    id.append(std::to_string(*offset));
  }
  return id;
}

}  // namespace medallion::delta
