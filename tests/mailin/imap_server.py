"""A minimal IMAP4rev1 server for the tests (no PyPI package gives one that runs in-process): one mailbox, LOGIN,
SELECT/EXAMINE, UID SEARCH UID n:*, UID FETCH … (RFC822), LOGOUT. Enough for IMAPClient; nothing more."""

from __future__ import annotations

import re
import socketserver
import threading


class ImapHandler(socketserver.StreamRequestHandler):
    server: ImapServer

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            tag, _sep, rest = raw.decode().rstrip("\r\n").partition(" ")
            command, _sep, arguments = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY done")
            elif command == "LOGIN":
                user, password = [part.strip('"') for part in arguments.split(" ", 1)]
                if (user, password) != (self.server.user, self.server.password):
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong")
                else:
                    self.send(f"{tag} OK LOGIN done")
            elif command in ("SELECT", "EXAMINE"):
                self.send(f"* {len(self.server.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* FLAGS (\\Seen)")
                self.send(f"* OK [UIDVALIDITY {self.server.uid_validity}] ok")
                self.send(f"* OK [UIDNEXT {len(self.server.messages) + 1}] ok")
                self.send(f"{tag} OK [READ-ONLY] {command} done")
            elif command == "UID":
                self.uid(tag, arguments)
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP done")
            elif command == "LOGOUT":
                self.send("* BYE")
                self.send(f"{tag} OK LOGOUT done")
                return
            else:
                self.send(f"{tag} BAD unknown command")

    def uid(self, tag: str, arguments: str) -> None:
        sub, _sep, rest = arguments.partition(" ")
        uids = list(range(1, len(self.server.messages) + 1))
        if sub.upper() == "SEARCH":
            found = re.search(r"(\d+):\*", rest)
            start = int(found.group(1)) if found else 1
            self.send("* SEARCH " + " ".join(str(uid) for uid in uids if uid >= start))
            self.send(f"{tag} OK SEARCH done")
        elif sub.upper() == "FETCH":
            wanted = {int(uid) for uid in rest.split(" ", 1)[0].split(",") if uid.isdigit()}
            for uid in uids:
                if uid in wanted:
                    body = self.server.messages[uid - 1]
                    self.send(f"* {uid} FETCH (UID {uid} RFC822 {{{len(body)}}}".encode() + b"\r\n" + body + b")")
            self.send(f"{tag} OK FETCH done")
        else:
            self.send(f"{tag} BAD unknown UID command")


class ImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, user: str, password: str) -> None:
        super().__init__(("127.0.0.1", 0), ImapHandler)
        self.user, self.password = user, password
        self.messages: list[bytes] = []
        self.uid_validity = 7
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def __enter__(self) -> ImapServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
