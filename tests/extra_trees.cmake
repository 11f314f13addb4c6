# `make test` builds the project three times: this tree, a sanitizer tree
# (ASan + UBSan) and a fuzzing tree (clang + libFuzzer). So that a single CTest
# run (one summary line) covers all of them, the other trees' tests are
# included into this one: name them in MEDALLION_EXTRA_TEST_TREES.
set(MEDALLION_EXTRA_TEST_TREES "" CACHE STRING "other build trees whose tests this tree's CTest runs too")
if(MEDALLION_EXTRA_TEST_TREES)
  set(_include_file "${CMAKE_CURRENT_BINARY_DIR}/extra_trees_include.cmake")
  set(_content "")
  foreach(tree IN LISTS MEDALLION_EXTRA_TEST_TREES)
    string(APPEND _content "if(EXISTS \"${tree}/CTestTestfile.cmake\")\n  subdirs(\"${tree}\")\nendif()\n")
  endforeach()
  file(GENERATE OUTPUT "${_include_file}" CONTENT "${_content}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_include_file}")
endif()
