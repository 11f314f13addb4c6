# `medallion land`: one CTest test per case of land_test.sh (fixture HTTP
# server on 127.0.0.1, temp dirs, every server killed on exit).
set(_land_cases
  http
  http_redirect_default_name
  file_url
  plain_path
  json_and_quiet
  reland
  changed_source_same_day
  http_404
  http_500
  connection_refused
  truncated
  stalled
  interrupted
  unwritable_lake
  missing_file
  missing_file_url
  unsupported_scheme
  bad_usage
)
foreach(_case IN LISTS _land_cases)
  medallion_script_test(NAME land_${_case} TIMEOUT 60
    COMMAND /bin/bash ${CMAKE_CURRENT_LIST_DIR}/land_test.sh ${_case})
endforeach()
