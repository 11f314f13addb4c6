# DuckDB reads the checkpoint and data files of a table medallion wrote
# (tests/integration/delta_duckdb_checkpoint.sh). Needs scripts/install-peers
# like duckdb_peer.cmake.
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME delta_duckdb_checkpoint TIMEOUT 300 LABELS peer
    COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/delta_duckdb_checkpoint.sh
      $<TARGET_FILE:delta_stress_tool> ${PROJECT_BINARY_DIR}/peer)
endif()
