# Issue 8's interop: after one `medallion up`, DuckDB (npm) reads the live
# data files of the raw, gold and quarantine tables (the list `delta files`
# gives, partition values from the Delta log) to the same rows as `medallion
# delta cat` (tests/integration/pipeline_duckdb.py and .mjs). Needs
# `scripts/install-peers <build>/peer` first, like duckdb_peer.cmake, and
# fails with that advice otherwise. Debian's python3-pytest, so always
# /usr/bin/python3.
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME pipeline_duckdb TIMEOUT 300 LABELS peer
    COMMAND ${CMAKE_COMMAND} -E env PYTHONDONTWRITEBYTECODE=1
      MEDALLION_PEER_DIR=${PROJECT_BINARY_DIR}/peer
      /usr/bin/python3 -m pytest -q -p no:cacheprovider
      ${CMAKE_CURRENT_LIST_DIR}/pipeline_duckdb.py)
endif()
