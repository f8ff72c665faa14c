"""A TLS-speaking SMTP server for Herald's transport tests (aiosmtpd).

    python3 tls_smtp.py --port P --dir D --cert C --key K --mode starttls|implicit --user U --password W

STARTTLS mode refuses mail before STARTTLS; both modes refuse mail before
AUTH. Each accepted message is written to D as <n>.eml with the envelope and
the session's TLS version in X-Test-* headers. Runs until killed.
"""
import argparse
import itertools
import os
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        # STARTTLS sessions carry the TLS details; implicit TLS shows on the transport.
        ssl_object = (session.ssl or {}).get("ssl_object") or server.transport.get_extra_info("ssl_object")
        tls = ssl_object.version() if ssl_object else "none"
        login = session.auth_data if isinstance(session.auth_data, str) else ""
        header = f"X-Test-Rcpt: {','.join(envelope.rcpt_tos)}\r\nX-Test-Tls: {tls}\r\nX-Test-Auth: {login}\r\n"
        path = os.path.join(self.directory, f"{next(self.counter):06}.eml")
        with open(path + ".tmp", "wb") as out:
            out.write(header.encode() + envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK stored"


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--port", "--dir", "--cert", "--key", "--mode", "--user", "--password"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        # handled=False: aiosmtpd then answers the failure itself (535).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)

    common = dict(hostname="127.0.0.1", port=int(args.port), authenticator=authenticate, auth_required=True)
    if args.mode == "starttls":
        controller = Controller(Recorder(args.dir), tls_context=context, require_starttls=True, auth_require_tls=True, **common)
    else:
        controller = Controller(Recorder(args.dir), ssl_context=context, auth_require_tls=False, **common)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
