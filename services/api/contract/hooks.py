"""Rules between parameters that OpenAPI cannot state, for schemathesis' positive cases.

A request whose every parameter matches the document can still be refused with 400 by a rule
that ties two of them together; such cases are dropped from the positive ones (which must get
2xx), so the rest of the document is held to exactly. A rule that ties a parameter to stored data
(a verdict must fit the post's narratives) is met by adjusting the case instead. Negative cases
keep everything. Mirrors services/api/src/window.ts, routes/terms.ts, routes/feedback.ts and
search-text.ts.
"""

import ast
import json
import os
import re
import threading
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
    "/v1/channels/forward-sources": 30,
    "/v1/clusters/posts": 7,
}
# The loaded data (written by api-contract.test.ts): each post's narratives by id, the window of
# the posts, and the fingerprints of the copy-paste campaign.
with open(os.environ["CW_CONTRACT_SEED"], encoding="utf-8") as f:
    SEED = json.load(f)
TAGS = SEED["tags"]
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


def parse_one_at_a_time():
    """CPython 3.11 fails when two threads parse source at once ("SystemError: AST constructor
    recursion depth mismatch"), and Hypothesis parses schemathesis' coverage module to name its
    lambdas, in each of the run's worker threads: a crash of the tool, not a finding. One lock
    around ast.parse, in this process only, makes those parses take turns."""
    parse = ast.parse
    lock = threading.Lock()

    def locked(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    ast.parse = locked


parse_one_at_a_time()


@schemathesis.hook
def before_add_examples(context, examples):
    """Requests naming real posts and a real cluster: generated ids and fingerprints almost never
    exist, so without these the answers for found posts (200 bodies) would go unchecked."""
    operation = context.operation
    tagged = next(i for i, n in TAGS.items() if n)
    untagged = next(i for i, n in TAGS.items() if not n)
    narrative = TAGS[tagged][0]
    key = (operation.method.upper(), operation.path)
    if key == ("GET", "/v1/posts/{id}"):
        examples.append(operation.Case(path_parameters={"id": tagged}))
    elif key == ("PUT", "/v1/feedback"):
        for body in (
            {"postId": tagged, "narrative": narrative, "verdict": "confirm", "note": "seen in the contract test"},
            {"postId": untagged, "narrative": narrative, "verdict": "add"},
        ):
            examples.append(operation.Case(body=body, media_type="application/json"))
    elif key == ("GET", "/v1/feedback"):
        examples.append(operation.Case(query={"postId": [tagged, untagged]}))
    elif key == ("GET", "/v1/clusters/posts"):
        query = {"fingerprint": SEED["campaign"], "from": SEED["from"], "to": SEED["to"]}
        examples.append(operation.Case(query=query))


@schemathesis.hook
def filter_case(ctx, case):
    meta = case.meta

    if meta is None or not meta.generation.mode.is_positive:
        return True
    return acceptable(case.operation.path, case.query or {})


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """A valid verdict on a loaded post is made to fit it (confirm a narrative it carries, add one it
    lacks): in the stateful phase the post id comes from an earlier answer, after filter_case."""
    if case.operation.method.upper() != "PUT" or case.operation.path != "/v1/feedback":
        return
    meta = case.meta
    body = case.body
    if meta is None or not meta.generation.mode.is_positive or not isinstance(body, dict):
        return
    narratives = TAGS.get(body.get("postId"))
    if narratives is None or not isinstance(body.get("verdict"), str):
        return  # no such post: 404, which a valid request may get
    tagged = body.get("narrative") in narratives
    if tagged and body["verdict"] == "add":
        body["verdict"] = "confirm"
    elif not tagged and body["verdict"] != "add":
        body["verdict"] = "add"
