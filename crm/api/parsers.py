from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with Django's body size limit.

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
        return super().parse(stream, media_type, parser_context)
