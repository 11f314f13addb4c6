# The sessions stream SIGKILLed at random steps and restarted 20 times ends
# equal to a clean run (issue 5's kill test).
medallion_script_test(NAME stream_kill TIMEOUT 600
  COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/stream_kill_test.sh $<TARGET_FILE:stream_kill_tool>)
