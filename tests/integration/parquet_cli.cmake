# medallion parquet schema|meta|cat on the shared fixtures.
medallion_script_test(NAME parquet_cli COMMAND ${CMAKE_CURRENT_LIST_DIR}/parquet_cli_test.sh)
