# ops/split_debug.cmake: split debug information, at install time. Included by the install rules of
# ops/install.cmake (install(CODE)); runs inside `cmake --install` and `cpack`, never at build time.
#
# A program's debug information goes to lib/debug/.build-id/xx/yyyy.debug (Debian's layout: gdb
# finds it by the build id of the binary) and the installed copy is stripped and linked to it
# (.gnu_debuglink). Both halves are cut from the build tree's binary, not from the installed
# copy, because cpack installs each package (stampd, stampd-dbgsym) into a staging directory of
# its own: the one with the stripped binary never sees the other's debug file.
#
# The split is kept in the build directory by build id: a binary is split once however often it is
# installed, and a rebuilt one has a new id, so a kept file is never stale.

# The build id of `binary` (40 hex digits) into `out_var`; a binary without one is a fatal error:
# the debug file could not be named, and gdb could not find it.
function(stampd_build_id binary out_var)
  execute_process(COMMAND readelf -n "${binary}" OUTPUT_VARIABLE notes RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR NOT notes MATCHES "Build ID: ([0-9a-f]+)")
    message(FATAL_ERROR "split_debug: no build id in ${binary} (readelf -n)")
  endif()
  set(${out_var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

# The kept debug file of `binary` (made when missing) into `out_file`, and its directory below
# lib/debug (.build-id/xx) into `out_dir`.
function(stampd_debug_file binary cache out_file out_dir)
  stampd_build_id("${binary}" id)
  string(SUBSTRING "${id}" 0 2 head)
  string(SUBSTRING "${id}" 2 -1 rest)
  set(file "${cache}/.build-id/${head}/${rest}.debug")
  if(NOT EXISTS "${file}")
    file(MAKE_DIRECTORY "${cache}/.build-id/${head}")
    # Written aside and renamed: an interrupted install leaves no half file under the id.
    execute_process(COMMAND objcopy --only-keep-debug --compress-debug-sections=zlib
                            "${binary}" "${file}.part" RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "split_debug: objcopy --only-keep-debug ${binary} failed")
    endif()
    file(RENAME "${file}.part" "${file}")
  endif()
  set(${out_file} "${file}" PARENT_SCOPE)
  set(${out_dir} ".build-id/${head}" PARENT_SCOPE)
endfunction()

# Strips the installed copy of `binary` (`installed`, DESTDIR included) and links it to its debug
# file by name and CRC.
function(stampd_strip_installed binary installed cache)
  stampd_debug_file("${binary}" "${cache}" debug_file debug_dir)
  execute_process(COMMAND objcopy --strip-debug --strip-unneeded
                          "--add-gnu-debuglink=${debug_file}" "${installed}"
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "split_debug: objcopy --strip-debug ${installed} failed")
  endif()
endfunction()

# Installs the debug file of `binary` to `debug_root`/.build-id/xx/ (file(INSTALL) adds DESTDIR
# and lists it in install_manifest.txt).
function(stampd_install_debug binary cache debug_root)
  stampd_debug_file("${binary}" "${cache}" debug_file debug_dir)
  file(INSTALL DESTINATION "${debug_root}/${debug_dir}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${debug_file}")
endfunction()
