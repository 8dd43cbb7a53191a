"""JSON written by orjson: the bytes DRF's JSONRenderer writes (compact, UTF-8, U+2028 and
U+2029 escaped for pages that embed it), several times faster on a page of leads."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_DRF_ENCODER = JSONEncoder()


class FastJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if (renderer_context or {}).get("indent") or self.get_indent(
            accepted_media_type or "", renderer_context or {}
        ):
            # An indented answer was asked for (Accept: ...; indent=4): DRF's own.
            return super().render(data, accepted_media_type, renderer_context)
        try:
            # Values orjson does not know (Decimal, lazy text ...) as DRF's encoder writes them.
            text = orjson.dumps(data, default=_DRF_ENCODER.default)
        except orjson.JSONEncodeError:
            # What orjson cannot write at all (an integer past 64 bits, echoed from a query).
            return super().render(data, accepted_media_type, renderer_context)
        return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
