#!/usr/bin/env python3
"""A real SMTP server for Hearth's end-to-end tests (aiosmtpd 1.4.x).

Started by `hearth_e2e::MailServer` on 127.0.0.1 only. It requires AUTH (PLAIN or LOGIN) with
the one test account, over plain TCP (loopback, so no TLS), and for every accepted message:

* delivers the raw bytes into the account's Maildir INBOX (`tmp/` then `new/`, owned by the
  uid/gid given, so that Dovecot, which serves mail as that unprivileged user, can read and
  rename it): a message sent over SMTP shows up over IMAP, the round trip a mail client does;
* keeps a copy as `RECEIVED/N.eml` and the envelope as `RECEIVED/N.json`
  (`{"mail_from": ..., "rcpt_to": [...]}`), numbered from 1 in arrival order, continuing
  after a restart, so a test can read back exactly what arrived.

The copy is written before the 250 reply, so once a client has seen "250" the files exist.
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--maildir", required=True, help="the INBOX Maildir (has tmp/ new/ cur/)")
    parser.add_argument("--received", required=True, help="folder for N.eml + N.json copies")
    parser.add_argument("--uid", type=int, default=-1)
    parser.add_argument("--gid", type=int, default=-1)
    args = parser.parse_args()

    os.makedirs(args.received, exist_ok=True)
    numbers = [int(n.split(".")[0]) for n in os.listdir(args.received) if n.endswith(".eml")]
    state = {"next": max(numbers, default=0) + 1}
    host = socket.gethostname()

    def authenticator(_server, _session, _envelope, _mechanism, auth_data):
        ok = (auth_data.login == args.user.encode() and
              auth_data.password == args.password.encode())
        # handled=False: let aiosmtpd send "535" on failure (with the default, nothing is sent).
        return AuthResult(success=ok, handled=False)

    def write(path, data):
        with open(path, "wb") as f:
            f.write(data)
        if args.uid >= 0:
            os.chown(path, args.uid, args.gid)

    class Handler:
        async def handle_DATA(self, _server, _session, envelope):
            n = state["next"]
            state["next"] += 1
            raw = envelope.original_content
            name = "%d.M%06dP%dQ%d.smtpd-%s" % (
                int(time.time()), time.time_ns() // 1000 % 1000000, os.getpid(), n, host)
            tmp = os.path.join(args.maildir, "tmp", name)
            write(tmp, raw)
            os.rename(tmp, os.path.join(args.maildir, "new", name))
            write(os.path.join(args.received, "%d.eml" % n), raw)
            meta = {"mail_from": envelope.mail_from, "rcpt_to": envelope.rcpt_tos}
            write(os.path.join(args.received, "%d.json" % n), json.dumps(meta).encode())
            return "250 OK: queued as %d" % n

    def factory():
        return SMTP(
            Handler(),
            hostname="localhost",  # not socket.getfqdn(): no name lookups off the machine
            enable_SMTPUTF8=True,
            auth_required=True,
            auth_require_tls=False,  # loopback plain TCP in tests
            authenticator=authenticator,
        )

    warnings.simplefilter("ignore")  # "AUTH without TLS" is on purpose here
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # and so is the deprecated login_data
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=args.port, reuse_address=True))
    print("listening", flush=True)
    try:
        loop.run_until_complete(server.serve_forever())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
