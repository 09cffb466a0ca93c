"""Run by tests/test_middleware.py in a subprocess: the WSGI application, called as gunicorn calls
it, reaches PostgreSQL through a relay that then drops every connection (the database going
away, or a restart when it comes straight back) and later forwards again (the database coming
back). Prints one JSON line per request:
``{"step", "status", "retry_after", "seconds", "body"}``.

Usage: KB_OUTAGE_DATABASE_URL=postgresql://user@host:port/name python tests/scripts/db_outage.py
"""
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults


def pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Relay:
    """Forwards a local port to ``target``; while down it hangs up on every connection at once."""

    def __init__(self, target):
        self.target, self.up, self.open = target, True, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            client, _ = self.listener.accept()
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    def go_down(self):
        self.up = False
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.open = []

    def come_back(self):
        self.up = True


def get(application, path):
    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "localhost"}
    setup_testing_defaults(environ)
    answer = {}
    started = time.monotonic()
    result = application(environ, lambda status, headers, exc_info=None: answer.update(
        status=int(status[:3]), headers=dict(headers)))
    body = b"".join(result)
    result.close()  # request_finished: Django closes a connection that had errors
    return {"status": answer["status"], "retry_after": answer["headers"].get("Retry-After"),
            "seconds": round(time.monotonic() - started, 2), "body": body.decode()[:3000]}


def main():
    real = urlsplit(os.environ["KB_OUTAGE_DATABASE_URL"])
    relay = Relay((real.hostname, real.port or 5432))
    auth = real.netloc.rsplit("@", 1)[0] + "@" if "@" in real.netloc else ""
    os.environ["KB_DATABASE_URL"] = f"{real.scheme}://{auth}127.0.0.1:{relay.port}{real.path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    def restart():  # every open connection dropped, the database back at once
        relay.go_down()
        relay.come_back()

    # /api/suggest reads the database on every call (/api/stats caches its public counts for 10 s).
    api = "/api/suggest?q=ledger&lang=en"
    steps = [("up", None, api), ("restarted", restart, api),
             ("down", relay.go_down, api),
             ("down", None, "/en/"), ("back", relay.come_back, api)]
    for step, action, path in steps:
        if action:
            action()
        print(json.dumps({"step": step, "path": path, **get(application, path)}), flush=True)


if __name__ == "__main__":
    main()
