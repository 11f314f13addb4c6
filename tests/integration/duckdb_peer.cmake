# The DuckDB peer (tests/peer/duckdb_cat.mjs) reproduces the expected outputs
# of ../shared/testdata/parquet: validates the peer that medallion's Parquet
# reader and writer are compared with. Needs `scripts/install-peers
# <build>/peer` first (make test runs it); fails with that advice otherwise.
# Registered in the main tree only: it runs no medallion code.
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME duckdb_cat_vs_expected TIMEOUT 300 LABELS peer
    COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/duckdb_cat_vs_expected.sh ${PROJECT_BINARY_DIR}/peer)
endif()
