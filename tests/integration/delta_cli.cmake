# `medallion delta ...` at the CLI: the read commands on the golden tables,
# maintenance on a table written by delta_stress_tool, many concurrent
# writers, and writers killed mid-commit.
medallion_script_test(NAME delta_cli TIMEOUT 120
  COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/delta_cli_test.sh $<TARGET_FILE:delta_stress_tool>)
medallion_script_test(NAME delta_concurrency TIMEOUT 600
  COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/delta_concurrency_test.sh $<TARGET_FILE:delta_stress_tool>)
medallion_script_test(NAME delta_crash TIMEOUT 600
  COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/delta_crash_test.sh $<TARGET_FILE:delta_stress_tool>)
