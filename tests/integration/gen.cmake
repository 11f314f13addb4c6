# `medallion gen` at the command line (tests/integration/gen_cli_test.sh).
medallion_script_test(NAME gen_cli
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/gen_cli_test.sh
  TIMEOUT 300)
