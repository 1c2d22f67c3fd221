# `make deb`: a Debian package of the binary (web assets and RDAP bootstrap data are inside
# it), the systemd units, the settings file as a conffile, and the maintainer scripts that
# create the domainscan user and its state directory (deploy/). Built with CPack's DEB
# generator; dpkg-shlibdeps (dpkg-dev) computes the library dependencies.
install(TARGETS domainscan RUNTIME DESTINATION bin)
install(FILES deploy/systemd/domainscan.service deploy/systemd/domainscan-api.service
              deploy/systemd/domainscan-worker@.service deploy/systemd/domainscan-scheduler.service
        DESTINATION lib/systemd/system)
install(FILES deploy/domainscan.toml DESTINATION /etc/domainscan)
install(FILES README.md docs/operations.md docs/security.md ${CMAKE_BINARY_DIR}/src/generated/openapi.json
        DESTINATION share/doc/domainscan)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME domainscan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "domainscan maintainers <domainscan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scans internet domains and keeps watching them")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "scans internet domains and keeps watching them\n Scans domains (DNS and DNSSEC, SPF, DMARC, MTA-STS, TLS-RPT, TLS, HTTP headers,\n RDAP, reputation), grades them and watches them for changes, behind a REST API\n and a dashboard. It runs as one process on SQLite (domainscan.service), or as an\n api, workers and a scheduler on PostgreSQL and RabbitMQ.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# useradd, and the zone data and trust anchor the scans read at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd, tzdata, dns-root-data, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, rabbitmq-server")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
