import math
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from crm.core.errors import ErrorCode

from .exceptions import raise_coded

# Text a database cannot hold: NUL (PostgreSQL stores none) and unpaired surrogates (JSON's
# "\ud800" parses to one, and no UTF-8 encoder takes it).
_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
TEXT_REASON = "text cannot contain U+0000 or unpaired surrogates"


def unstorable(data: Any) -> tuple[str, str] | None:
    """(path, why) of the first value in parsed JSON that no database column can hold, such
    as ``("customer.firstName", ...)``, or None. Walked without recursion: the body may be
    nested as deeply as the JSON parser allows."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE_TEXT.search(value):
                return path or "request", TEXT_REASON
        elif isinstance(value, float):
            # 1e400 is valid JSON but no float (it parses to infinity).
            if not math.isfinite(value):
                return path or "request", "number out of range"
        elif isinstance(value, dict):
            items = list(value.items())
            # A bad key is reported at its object (the key is no name to show).
            if any(_UNSTORABLE_TEXT.search(key) for key, _ in items):
                return path or "request", TEXT_REASON
            stack.extend((f"{path}.{key}" if path else key, item) for key, item in reversed(items))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with Django's body size limit, a coded error for a body nested too
    deeply to parse, and no value a database cannot store (see unstorable()).

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
        # Refused here, for every field and on every database alike, rather than by whichever
        # query meets the value first.
        problem = unstorable(data)
        if problem is not None:
            raise_coded(ErrorCode.INVALID_FIELD, *problem)
        return data
