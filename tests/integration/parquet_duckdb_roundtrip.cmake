# Random files written by medallion's ParquetWriter, read by DuckDB
# (tests/parquet_duckdb_roundtrip.sh). Needs scripts/install-peers like
# duckdb_peer.cmake.
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME parquet_duckdb_roundtrip TIMEOUT 600 LABELS peer
    COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/parquet_duckdb_roundtrip.sh
      $<TARGET_FILE:parquet_random_files> ${PROJECT_BINARY_DIR}/peer)
endif()
