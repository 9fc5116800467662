"""The cluster secret, HMAC-signed requests and block access tokens.

* The secret: 32 random bytes in ``pyhdp.cluster.secret.file`` (default
  ``<first dfs.namenode.name.dir>/current/cluster.secret``), mode 0600, created by the
  NameNode daemon at its first start when the format did not create one.  DataNodes on
  the NameNode's host read the same file; on other hosts copy it there (same path, or set
  the key).
* Control requests of DataNodes (register, heartbeat, block reports, bad blocks) and of the
  NameNode to DataNodes carry ``X-Pyhdp-Signature: <ms>.<hex>`` =
  HMAC-SHA256(secret, method, path and query, time, SHA-256 of the body); a request older
  than :data:`MAX_SKEW_MS` or with a wrong signature is refused.
* Block access tokens (``BlockTokenSecretManager``): the NameNode signs
  ``(block pool, block id, generation stamp, modes, expiry, user)``; a DataNode reads or writes
  a replica only with a valid token for it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from pyhdp.errors import AccessControlError, FsError

HEADER = "X-Pyhdp-Signature"
MAX_SKEW_MS = 5 * 60 * 1000
TOKEN_LIFETIME_MS = 10 * 3600 * 1000  # dfs.block.access.token.lifetime (600 min)


class AuthError(AccessControlError):
    """A request whose signature or token is wrong (Hadoop's InvalidToken / SecurityException)."""


def secret_path(conf) -> str:
    explicit = (conf.get_trimmed("pyhdp.cluster.secret.file", "") or "").strip()
    if explicit:
        return os.path.expanduser(explicit)
    from pyhdp.hdfs.namenode.storage import name_dirs

    return os.path.join(name_dirs(conf)[0], "current", "cluster.secret")


def load_secret(conf, create: bool = False) -> bytes:
    path = secret_path(conf)
    try:
        with open(path, "rb") as f:
            data = f.read().strip()
        if len(data) >= 32:
            return bytes.fromhex(data.decode()) if _is_hex(data) else data
    except FileNotFoundError:
        if not create:
            raise FsError(
                f"Cannot read the cluster secret {path}: start the NameNode first (it creates it), or copy "
                "it from the NameNode host and set pyhdp.cluster.secret.file", path) from None
    except OSError as e:
        raise FsError(f"Cannot read the cluster secret {path}: {e.strerror}", path) from e
    if not create:
        raise FsError(f"The cluster secret {path} is empty or too short", path)
    secret = os.urandom(32)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, secret.hex().encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return secret


def _is_hex(data: bytes) -> bool:
    try:
        bytes.fromhex(data.decode())
        return True
    except ValueError:
        return False


def now_ms() -> int:
    return int(time.time() * 1000)


def sign_request(secret: bytes, method: str, path_qs: str, body: bytes = b"", ts: int | None = None) -> str:
    ts = now_ms() if ts is None else ts
    msg = f"{method.upper()}\n{path_qs}\n{ts}\n".encode() + hashlib.sha256(body).digest()
    return f"{ts}.{hmac.new(secret, msg, hashlib.sha256).hexdigest()}"


def verify_request(secret: bytes, method: str, path_qs: str, body: bytes, header: str | None) -> None:
    if not header or "." not in header:
        raise AuthError("Authentication required: missing request signature")
    ts_text, _, sig = header.partition(".")
    try:
        ts = int(ts_text)
    except ValueError:
        raise AuthError("Authentication failed: malformed request signature") from None
    if abs(now_ms() - ts) > MAX_SKEW_MS:
        raise AuthError("Authentication failed: request signature expired")
    expected = sign_request(secret, method, path_qs, body, ts).partition(".")[2]
    if not hmac.compare_digest(expected, sig):
        raise AuthError("Authentication failed: bad request signature")


def block_token(secret: bytes, bpid: str, block_id: int, genstamp: int, modes: str, user: str = "",
                lifetime_ms: int = TOKEN_LIFETIME_MS) -> str:
    expiry = now_ms() + lifetime_ms
    msg = f"blk\n{bpid}\n{block_id}\n{genstamp}\n{modes}\n{expiry}\n{user}".encode()
    sig = hmac.new(secret, msg, hashlib.sha256).hexdigest()[:40]
    return f"{modes}.{expiry}.{user.encode().hex()}.{sig}"


def verify_block_token(secret: bytes, bpid: str, block_id: int, genstamp: int, mode: str, token: str | None) -> str:
    """Check a token for ``mode`` (``r`` or ``w``) on the block; returns the user it was issued to."""
    if not token:
        raise AuthError(f"Block token required for blk_{block_id}_{genstamp}")
    parts = token.split(".")
    if len(parts) != 4:
        raise AuthError(f"Malformed block token for blk_{block_id}_{genstamp}")
    modes, expiry_text, user_hex, sig = parts
    try:
        user = bytes.fromhex(user_hex).decode()
    except (ValueError, UnicodeDecodeError):
        raise AuthError(f"Malformed block token for blk_{block_id}_{genstamp}") from None
    msg = f"blk\n{bpid}\n{block_id}\n{genstamp}\n{modes}\n{expiry_text}\n{user}".encode()
    expected = hmac.new(secret, msg, hashlib.sha256).hexdigest()[:40]
    if not hmac.compare_digest(expected, sig):
        raise AuthError(f"Block token with wrong signature for blk_{block_id}_{genstamp}")
    if mode not in modes:
        raise AuthError(f"Block token for blk_{block_id}_{genstamp} does not allow {mode}")
    try:
        if int(expiry_text) < now_ms():
            raise AuthError(f"Block token for blk_{block_id}_{genstamp} is expired")
    except ValueError:
        raise AuthError(f"Malformed block token for blk_{block_id}_{genstamp}") from None
    return user
