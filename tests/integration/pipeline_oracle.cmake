# Issue 8's acceptance: `medallion up` on a clean and a --dirty 0.01 data set
# matches the independent Python oracle of tests/oracle/ (gold and raw
# tables, quarantine, insights, the serving tables through the DataStax
# python driver). Debian's python3-pytest and python3-cassandra, so always
# /usr/bin/python3. Also in the ASan tree: the whole pipeline under
# ASan/UBSan.
medallion_script_test(NAME pipeline_oracle TIMEOUT 600 LABELS integration
  COMMAND ${CMAKE_COMMAND} -E env PYTHONDONTWRITEBYTECODE=1
    /usr/bin/python3 -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/tests/oracle)
