#!/usr/bin/python3
"""A supervisor's dashboard as stamp-web's front end drives it, without the browser's drawing:
logs in, opens the live socket, watches the POs in production (the first 15 by id, found again
every 2 s as the dashboard's run list is), and on every live message re-reads each changed PO
and the stamp balances, as clients/web/static/js/screens/dashboard.js does. For
bench/option_cost.sh dashboard: the load a dashboard open on the floor puts on stampd.

Usage: dashboard_client.py URL USER PASSWORD_FILE SECONDS [READY_FILE]
(READY_FILE is created once it is logged in and watching; SIGTERM ends it early, as SECONDS do.)
Prints one JSON line: messages received, re-reads made, the live messages' rate."""
import http.client
import json
import signal
import sys
import time
import urllib.parse

import websocket  # python3-websocket


def main():
    url, user, password_file, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    ready_file = sys.argv[5] if len(sys.argv) > 5 else None
    with open(password_file, encoding="utf-8") as f:
        password = f.readline().strip()
    # One kept-alive connection, as a browser's fetch() uses (a new one a request would make
    # this stand-in cost more than the page it plays).
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    cookie = ""

    def post(path, body, csrf=None):
        nonlocal cookie
        headers = {"Content-Type": "application/json"}
        if csrf:
            headers["X-CSRF-Token"] = csrf
        if cookie:
            headers["Cookie"] = cookie
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        r = conn.getresponse()
        data = r.read()
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
        if r.status >= 400:
            raise RuntimeError(f"{path}: HTTP {r.status}: {data[:200]!r}")
        return json.loads(data or b"{}")

    session = post("/api/login", {"user": user, "password": password})
    csrf = session["csrf"]

    def call(kind, body):
        return post("/api/call", {"kind": kind, "body": body}, csrf)

    ws = websocket.create_connection(url.replace("http", "ws", 1) + "/api/live",
                                     header=[f"Cookie: {cookie}"], timeout=1)
    stop = time.monotonic() + seconds
    started = time.monotonic()

    def end_now(_signum, _frame):
        nonlocal stop
        stop = 0.0

    signal.signal(signal.SIGTERM, end_now)
    watched = []
    messages = rereads = 0

    def running_pos():
        page = call("ListPos", {"status": 1})  # InProduction
        return sorted(p["id"] for p in page.get("pos", []))[:15]

    next_list = 0.0
    while time.monotonic() < stop:
        if time.monotonic() >= next_list:
            pos = running_pos()
            if pos != watched:
                watched = pos
                ws.send(json.dumps({"watch": {"pos": watched}}))
            next_list = time.monotonic() + 2
            if ready_file:
                open(ready_file, "w").close()
                ready_file = None
        try:
            message = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            continue
        if message.get("type") != "changed":
            continue
        messages += 1
        for po in message.get("pos", []):
            call("GetPo", {"po": po})
            rereads += 1
        call("GetBalances", {})
        rereads += 1
    ws.close()
    print(json.dumps({"messages": messages, "rereads": rereads,
                      "messages_per_s": round(messages / (time.monotonic() - started), 1), "watched": len(watched),
                      "cpu_s": round(time.process_time(), 2)}))


if __name__ == "__main__":
    main()
