"""WebHDFS request parameters: case-insensitive names, Hadoop's validation messages."""

from __future__ import annotations

from urllib.parse import quote

from pyhdp.errors import AccessControlError, HadoopIllegalArgumentError, InvalidPathError
from pyhdp.net.webhdfs_json import USER_PATTERN

OP_CLASSES = {"GET": "GetOpParam", "PUT": "PutOpParam", "POST": "PostOpParam", "DELETE": "DeleteOpParam"}


class ParamError(ValueError):
    """``Invalid value for webhdfs parameter "<name>": <reason>`` (IllegalArgumentException, 400)."""

    def __init__(self, name: str, reason: str):
        super().__init__(f'Invalid value for webhdfs parameter "{name}": {reason}')


class Params:
    def __init__(self, query, conf):
        self.raw: dict[str, str] = {}
        for k, v in query.items():
            self.raw.setdefault(k.lower(), v)
        self.conf = conf

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.raw.get(name.lower(), default)

    def bool(self, name: str, default: bool = False) -> bool:
        v = self.get(name)
        if v is None or v == "":
            return default
        if v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise ParamError(name, f'Failed to parse "{v}" to Boolean.')

    def long(self, name: str, default: int | None = None, minimum: int | None = None) -> int | None:
        v = self.get(name)
        if v is None or v == "" or v == "null":
            return default
        try:
            n = int(v)
        except ValueError:
            raise ParamError(name, f'Failed to parse "{v}" as a radix-10 long integer.') from None
        if minimum is not None and n < minimum:
            raise ParamError(name, f'Invalid parameter range: {name} = {n} < {minimum}')
        return n

    def short(self, name: str, default: int | None = None, minimum: int | None = None) -> int | None:
        v = self.get(name)
        if v is None or v == "" or v == "null":
            return default
        try:
            n = int(v)
            if not -32768 <= n <= 32767:
                raise ValueError
        except ValueError:
            raise ParamError(name, f'Failed to parse "{v}" as a radix-10 short integer.') from None
        if minimum is not None and n < minimum:
            raise ParamError(name, f'Invalid parameter range: {name} = {n} < {minimum}')
        return n

    def permission(self, name: str = "permission", default: int | None = None) -> int | None:
        v = self.get(name)
        if v is None or v == "" or v == "null":
            return default
        try:
            n = int(v, 8)
            if not 0 <= n <= 0o1777:
                raise ValueError
        except ValueError:
            raise ParamError(name, f'Failed to parse "{v}" as a radix-8 short integer.') from None
        return n

    def user(self) -> str:
        u = self.get("user.name") or ""
        if not u:
            return self.conf.get_trimmed("hadoop.http.staticuser.user", "dr.who") or "dr.who"
        if not USER_PATTERN.match(u):
            raise ParamError("user.name", f'Invalid value: "{u}" does not belong to the domain '
                                          f"{USER_PATTERN.pattern}")
        doas = self.get("doas")
        if doas and doas != u:
            raise AccessControlError(f"User: {u} is not allowed to impersonate {doas}")
        return u


def op_of(method: str, params: Params, known: set[str]) -> str:
    op = (params.get("op") or "").upper()
    if not op:
        raise HadoopIllegalArgumentError("NULL is not supported")
    if op not in known:
        raise ParamError("op", f"No enum constant org.apache.hadoop.hdfs.web.resources.{OP_CLASSES.get(method, 'GetOpParam')}"
                               f".Op.{op}")
    return op


def webhdfs_path(raw: str) -> str:
    from pyhdp.hdfs.namenode.namespace import is_valid_name

    path = "/" + raw.lstrip("/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if not is_valid_name(path):
        raise InvalidPathError(f"Invalid path name Invalid file name: {path}", path)
    return path


def quote_path(path: str) -> str:
    return quote(path, safe="/")
