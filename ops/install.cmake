# ops/install.cmake: what `cmake --install` and the .deb (cpack, run by ops/package) put where.
# Included at the end of the top-level CMakeLists.txt, once every program's target exists.
#
#   bin/                           the programs, stripped (ops/split_debug.cmake)
#   lib/debug/.build-id/xx/*.debug their debug information (the stampd-dbgsym package)
#   share/stamp-web/static/        the web console's front end (stamp-web finds it beside itself)
#   share/doc/stampd/              README.md and docs/*.md
#   /etc/stampd/stampd.toml        the sample configuration (a conffile of the package)
#   /lib/systemd/system/           stampd.service
#
# Configured with CMAKE_INSTALL_PREFIX=/usr (ops/package) the last two are where Debian keeps
# them; under any other prefix (`cmake --install build --prefix P`, the tests) they stay inside it,
# in P/etc/stampd and P/lib/systemd/system, and the unit's paths are rewritten to P.
include(GNUInstallDirs)

# Two components: "stampd" is the package, "dbgsym" the debug files beside it. A plain
# `cmake --install` installs both.
set(STAMPD_PROGRAMS stampd stampctl stamp-scan stamp-report stamp-audit stamp-web)
if(TARGET stamp-backup)
  list(APPEND STAMPD_PROGRAMS stamp-backup)
endif()

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(STAMPD_INSTALL_CONFIG_DIR /etc/stampd)
  set(STAMPD_INSTALL_UNIT_DIR /lib/systemd/system)
else()
  set(STAMPD_INSTALL_CONFIG_DIR ${CMAKE_INSTALL_SYSCONFDIR}/stampd)
  set(STAMPD_INSTALL_UNIT_DIR lib/systemd/system)
endif()
# Split debug files are kept here by build id (ops/split_debug.cmake).
set(STAMPD_DEBUG_CACHE ${CMAKE_BINARY_DIR}/split-debug)
set(STAMPD_SPLIT_DEBUG ${CMAKE_CURRENT_LIST_DIR}/split_debug.cmake)

foreach(program IN LISTS STAMPD_PROGRAMS)
  install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT stampd)
  install(CODE "include(\"${STAMPD_SPLIT_DEBUG}\")
stampd_strip_installed(\"$<TARGET_FILE:${program}>\"
  \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${program}\"
  \"${STAMPD_DEBUG_CACHE}\")" COMPONENT stampd)
  install(CODE "include(\"${STAMPD_SPLIT_DEBUG}\")
stampd_install_debug(\"$<TARGET_FILE:${program}>\" \"${STAMPD_DEBUG_CACHE}\"
  \"\${CMAKE_INSTALL_PREFIX}/lib/debug\")" COMPONENT dbgsym)
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/clients/web/static/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/stamp-web/static COMPONENT stampd
        PATTERN TEST-HOOKS.md EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT stampd)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT stampd
        FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/ops/stampd.toml DESTINATION ${STAMPD_INSTALL_CONFIG_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ COMPONENT stampd)

# The unit names /usr/bin/stampd and /etc/stampd/stampd.toml. Under another prefix the installed
# copy names that prefix's instead, so that it runs (and `systemd-analyze verify` finds its
# ExecStart) wherever it was installed; the data stays in /var/lib/stampd (StateDirectory=).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  install(FILES ${PROJECT_SOURCE_DIR}/ops/stampd.service DESTINATION ${STAMPD_INSTALL_UNIT_DIR}
          COMPONENT stampd)
else()
  install(CODE "file(READ \"${PROJECT_SOURCE_DIR}/ops/stampd.service\" unit)
string(REPLACE \"/usr/bin/stampd\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/stampd\" unit \"\${unit}\")
string(REPLACE \"/etc/stampd/\" \"\${CMAKE_INSTALL_PREFIX}/${STAMPD_INSTALL_CONFIG_DIR}/\" unit \"\${unit}\")
file(WRITE \"${CMAKE_BINARY_DIR}/stampd.service\" \"\${unit}\")
file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${STAMPD_INSTALL_UNIT_DIR}\" TYPE FILE
     FILES \"${CMAKE_BINARY_DIR}/stampd.service\")" COMPONENT stampd)
endif()

# ---------------------------------------------------------------- the .deb (cpack, ops/package)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stampd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(STAMPD_PACKAGE_MAINTAINER "stampd maintainers <stampd-maintainers@example.invalid>"
    CACHE STRING "Maintainer: field of the .deb")
set(CPACK_PACKAGE_CONTACT "${STAMPD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${STAMPD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The binaries are stripped by the install rules above; cpack must not strip them again.
set(CPACK_STRIP_FILES OFF)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL stampd dbgsym)
set(CPACK_DEBIAN_STAMPD_PACKAGE_NAME stampd)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_NAME stampd-dbgsym)

set(CPACK_DEBIAN_STAMPD_DESCRIPTION "excise-stamp transaction engine
stampd keeps shipment availability, production orders and the per-region
excise-stamp ledger of a warehouse, applies every command deterministically
and logs it durably (LMDB) before acknowledging it. The package holds the
server (stampd, run by systemd as the user stampd), the web console
(stamp-web), the command-line client (stampctl), the station simulator
(stamp-scan), and the report and audit tools (stamp-report, stamp-audit).")
# Runtime libraries come from dpkg-shlibdeps. Besides them: adduser (postinst), tzdata (the
# calendar reads /usr/share/zoneinfo by name, which no linker sees), fonts-dejavu-core (stamp-report
# embeds DejaVu Sans in its PDFs, read from /usr/share/fonts by path).
set(CPACK_DEBIAN_STAMPD_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_STAMPD_PACKAGE_DEPENDS "adduser, tzdata, fonts-dejavu-core")
set(CPACK_DEBIAN_STAMPD_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/ops/deb/conffiles ${PROJECT_SOURCE_DIR}/ops/deb/postinst
    ${PROJECT_SOURCE_DIR}/ops/deb/prerm ${PROJECT_SOURCE_DIR}/ops/deb/postrm)
set(CPACK_DEBIAN_STAMPD_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DBGSYM_DESCRIPTION "debug symbols for stampd
The split debug information of every program in the stampd package, found by
gdb through each binary's build id (/usr/lib/debug/.build-id).")
set(CPACK_DEBIAN_DBGSYM_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_SECTION debug)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_DEPENDS
    "stampd (= ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})")

include(CPack)
