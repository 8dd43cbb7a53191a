from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from leads.errors import ErrorCode

from .exceptions import raise_coded


def nul_path(data: Any) -> str | None:
    """Where the first text holding U+0000 is in parsed JSON (``customer.firstName``,
    ``[2].notes``), or None. Walked without recursion: the body may be nested deeply."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "request"
        elif isinstance(value, dict):
            items = list(value.items())
            # A key holding NUL is reported at its object (the key is no name to show).
            if any("\x00" in key for key, _ in items):
                return path or "request"
            stack.extend((f"{path}.{key}" if path else key, item) for key, item in reversed(items))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with Django's body size limit, a coded error for a body nested too
    deeply to parse, and no text holding U+0000.

    DRF reads the body from the raw stream, which skips the DATA_UPLOAD_MAX_MEMORY_SIZE check
    that ``request.body`` makes; without this a client could post a body of any size.
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestDataTooBig(f"Request body exceeded {limit} bytes")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json gives up on deep nesting (a few hundred levels) with RecursionError, which
            # is not the ValueError DRF turns into a parse error.
            raise ParseError("JSON parse error - nested too deeply") from None
        # JSON allows "\u0000" in text; PostgreSQL stores no NUL in text or jsonb, so it is
        # refused here, for every field and on every database alike.
        path = nul_path(data)
        if path is not None:
            raise_coded(ErrorCode.INVALID_FIELD, path, "text cannot contain NUL (U+0000)")
        return data
