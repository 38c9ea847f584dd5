# Run at every build (cmake -P): writes build_info.cpp with the commit checked out now. The file
# is rewritten only when its text changes, so an unchanged commit rebuilds nothing.
# In: SRC (build_info.cpp.in), OUT, SOURCE_DIR, STAMPD_VERSION, STAMPD_BUILD_TYPE.
execute_process(
  COMMAND git -C ${SOURCE_DIR} rev-parse --short=12 HEAD
  OUTPUT_VARIABLE STAMPD_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE failed)
if(failed OR STAMPD_COMMIT STREQUAL "")
  set(STAMPD_COMMIT unknown)
else()
  execute_process(
    COMMAND git -C ${SOURCE_DIR} status --porcelain --untracked-files=no
    OUTPUT_VARIABLE changes
    ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND STAMPD_COMMIT "+changes")
  endif()
endif()
configure_file(${SRC} ${OUT} @ONLY)
