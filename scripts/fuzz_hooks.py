"""Schemathesis hooks for scripts/api-fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

`POST /intake/email` takes a raw e-mail (message/rfc822), which schemathesis has no serializer for; without one it
reports "Serialization not possible" instead of testing the operation. Generated values are sent as UTF-8 bytes.
"""
import json

import schemathesis


@schemathesis.serializer("message/rfc822")
def rfc822(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "replace")
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")
