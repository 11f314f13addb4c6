// Random (version 4, RFC 4122) UUIDs, for names that must not collide across
// writers and processes: data files, temporary files, table ids.
//
// Thread safety: safe from any thread (one generator per thread, seeded from
// std::random_device).
#pragma once

#include <string>

namespace medallion::util {

// "8a390218-e4ee-4341-b6de-4920e27d3f78"
std::string random_uuid();

}  // namespace medallion::util
