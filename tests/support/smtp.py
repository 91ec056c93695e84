"""A real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS or SMTPS, with a self-signed certificate."""

from __future__ import annotations

import email
import email.policy
import shutil
import ssl
import subprocess
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.daemon import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        raw = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 Message accepted"


USER, PASSWORD = "dtn-alerts", "smtp-pa55word-from-env"


def authenticator(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def self_signed(tmp: Path) -> tuple[Path, Path] | None:
    if not shutil.which("openssl"):
        return None
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


class _TLSController(Controller):
    def __init__(self, handler: Inbox, port: int, *, starttls: ssl.SSLContext | None, **kw: object):
        self._starttls = starttls
        super().__init__(handler, hostname="127.0.0.1", port=port, **kw)  # type: ignore[arg-type]

    def factory(self) -> SMTP:
        return SMTP(self.handler, tls_context=self._starttls, require_starttls=self._starttls is not None,
                    authenticator=authenticator, auth_require_tls=True)


class SMTPServer:
    """mode: 'plain', 'starttls' or 'smtps'."""

    def __init__(self, tmp: Path, mode: str = "plain"):
        self.inbox = Inbox()
        self.port = free_port()
        self.mode = mode
        context = None
        if mode != "plain":
            pair = self_signed(tmp)
            if pair is None:
                raise RuntimeError("openssl is needed for a TLS test certificate")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(pair[0]), str(pair[1]))
        if mode == "smtps":
            self.controller: Controller = Controller(
                self.inbox, hostname="127.0.0.1", port=self.port, ssl_context=context,
                authenticator=authenticator, auth_require_tls=False,
            )
        else:
            self.controller = _TLSController(self.inbox, self.port, starttls=context if mode == "starttls" else None)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def apprise_url(self) -> str:
        common = f"127.0.0.1:{self.port}?from=dtn-monitor@example.org&to=security@example.org"
        if self.mode == "plain":
            return f"mailto://{common}&mode=insecure"
        if self.mode == "starttls":
            return f"mailtos://${{SMTP_USER}}:${{SMTP_PASSWORD}}@{common}&mode=starttls&verify=no"
        return f"mailtos://${{SMTP_USER}}:${{SMTP_PASSWORD}}@{common}&mode=ssl&verify=no"
