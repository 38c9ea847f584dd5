// stampd under systemd (ops/stampd.service, Type=notify): what it tells the service manager
// through sd_notify(3) — READY=1 once recovered and listening, STOPPING=1 on SIGTERM, STATUS=
// lines a person reads in `systemctl status`, and WATCHDOG=1 while the writer answers. Outside
// systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <chrono>
#include <string>

namespace stampd::net {

class service_notify {
public:
    static void ready(const std::string& status);
    static void stopping(const std::string& status);
    static void status(const std::string& status);
    // Half the WatchdogSec systemd set for this process (WATCHDOG_USEC, WATCHDOG_PID), when it
    // set one: how often to feed it. Zero when there is no watchdog.
    static std::chrono::microseconds watchdog_interval();
    static void watchdog();
};

}  // namespace stampd::net
