# Project code builds clean with these; third-party headers are included as
# SYSTEM so their warnings do not count.
add_library(medallion_warnings INTERFACE)
target_compile_options(medallion_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter)
# GCC 12 reports moves of std::optional<std::vector<...>> members as "maybe
# uninitialized" (GCC bug 80635 and kin); clang and the sanitizers check the
# real thing, so the false positives do not get to fail the build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(medallion_warnings INTERFACE -Wno-maybe-uninitialized)
endif()

if(MEDALLION_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Every project target: warnings, and src/ as the include root.
function(medallion_target target)
  target_link_libraries(${target} PRIVATE medallion_warnings)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

if(MEDALLION_FUZZ)
  # Instrument every library for coverage so that libFuzzer sees inside them.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
