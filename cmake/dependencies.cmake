# All dependencies come from Debian packages (scripts/install-deps).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(BZip2 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(fmt REQUIRED)
find_package(simdjson REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
# Debian's libsnappy-dev ships a CMake config (target Snappy::snappy) but no
# Find module.
find_package(Snappy CONFIG REQUIRED)
if(MEDALLION_BENCH)
  find_package(benchmark REQUIRED)
endif()
# The CQL server: RocksDB (Debian's librocksdb-dev ships a CMake config; the
# shared target avoids re-linking its static dependencies) and Boost.Asio
# (header-only, Debian's libboost1.81-dev).
find_package(RocksDB CONFIG REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED)

# The memory allocator of the programs (not of the libraries, nor of the
# sanitizer and fuzz trees, whose runtimes replace malloc themselves). The
# pipeline and the CQL server allocate many small, short-lived buffers, and
# glibc's malloc spent a third of the serving load's CPU on them; tcmalloc
# (Debian's libgoogle-perftools-dev) cuts that CPU by about 30% in all.
if(NOT MEDALLION_SANITIZE AND NOT MEDALLION_FUZZ)
  find_library(MEDALLION_TCMALLOC NAMES tcmalloc_minimal REQUIRED)
endif()
function(medallion_link_allocator target)
  if(MEDALLION_TCMALLOC)
    target_link_libraries(${target} PRIVATE ${MEDALLION_TCMALLOC})
  endif()
endfunction()
