# Issue 8's restart safety: `medallion up` SIGKILLed at seeded random points
# (very early, inside refine, sessions and serving, very late) and run again
# ends with exactly the tables of an uninterrupted run: gold, raw (no row
# twice), quarantine and both serving tables read through the DataStax python
# driver (tests/integration/up_kill_test.py, about a minute). Debian's
# python3-pytest and python3-cassandra, so always /usr/bin/python3. Main tree
# only, like the other kill tests: its kill points follow the run's timing.
if(NOT MEDALLION_SANITIZE)
  medallion_script_test(NAME up_kill TIMEOUT 600 LABELS kill
    COMMAND ${CMAKE_COMMAND} -E env PYTHONDONTWRITEBYTECODE=1
      /usr/bin/python3 -m pytest -q -s -p no:cacheprovider
      ${CMAKE_CURRENT_LIST_DIR}/up_kill_test.py)
endif()
