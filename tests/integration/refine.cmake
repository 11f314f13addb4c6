# `medallion refine` at the command line (tests/integration/refine_cli_test.sh).
medallion_script_test(NAME refine_cli
  COMMAND /bin/bash ${CMAKE_CURRENT_SOURCE_DIR}/refine_cli_test.sh
  TIMEOUT 120)
