"""Rules between parameters that OpenAPI cannot state, for schemathesis' positive cases.

A request whose every parameter matches the document can still be refused with 400 by a rule
that ties two of them together; such cases are dropped from the positive ones (which must get
2xx), so the rest of the document is held to exactly. Negative cases keep everything. Mirrors
services/api/src/window.ts, routes/terms.ts and search-text.ts.
"""

import os
import re
from datetime import datetime, timedelta, timezone

import schemathesis

NOW = datetime.fromisoformat(os.environ["CW_CONTRACT_NOW"].replace("Z", "+00:00"))
MAX_RANGE = timedelta(days=int(os.environ["CW_CONTRACT_MAX_RANGE_DAYS"]))
MAX_BUCKETS = int(os.environ["CW_CONTRACT_MAX_BUCKETS"])
DEFAULT_DAYS = {
    "/v1/trends": 7,
    "/v1/posts": 30,
    "/v1/channels/top": 7,
    "/v1/terms/emerging": 1,
    "/v1/clusters": 7,
}
INTERVAL = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}
ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$"
)
# JavaScript's \s, which the service splits words on.
JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def instant(value):
    m = ISO.match(str(value))
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    millis = int((m[7] or "0").ljust(3, "0")[:3])
    offset = timedelta(0)
    if m[9]:
        offset = (1 if m[9] == "+" else -1) * timedelta(hours=int(m[10]), minutes=int(m[11]))
    local = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=timezone.utc)
    return local - offset


def one(query, name):
    value = query.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def acceptable(path, query):
    if query.get("cursor") is not None:
        return False  # only a nextCursor from a previous page is one
    q = one(query, "q")
    if q is not None and len([w for w in JS_SPACE.split(str(q)) if w]) > 32:
        return False
    window = path in DEFAULT_DAYS or (path == "/v1/alerts" and ("from" in query or "to" in query))
    if not window:
        return True
    minute = NOW.replace(second=0, microsecond=0)
    to = instant(one(query, "to")) if one(query, "to") is not None else minute
    default = timedelta(days=DEFAULT_DAYS.get(path, MAX_RANGE.days))
    start = instant(one(query, "from")) if one(query, "from") is not None else to - default
    if start is None or to is None:
        return True
    span = to - start
    if span <= timedelta(0) or span > MAX_RANGE:
        return False
    if path == "/v1/trends" and span / INTERVAL[one(query, "interval") or "day"] > MAX_BUCKETS:
        return False
    if path == "/v1/terms/emerging":
        background = one(query, "backgroundFrom")
        bg = instant(background) if background is not None else start - timedelta(days=30)
        if bg is None or bg >= start or to - bg > MAX_RANGE:
            return False
    return True


@schemathesis.hook
def filter_case(ctx, case):
    meta = case.meta

    if meta is None or not meta.generation.mode.is_positive:
        return True
    return acceptable(case.operation.path, case.query or {})
