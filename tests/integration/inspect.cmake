# inspect-source against the generator's truth files (small everywhere; the
# full-size default file only in the optimised tree, it is slow under ASan).
medallion_script_test(NAME inspect_source_matches_truth_small
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/inspect_vs_truth.sh 50000)
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME inspect_source_matches_truth_default
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/inspect_vs_truth.sh)
endif()
medallion_script_test(NAME inspect_source_cli
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/inspect_source_cli_test.sh)
