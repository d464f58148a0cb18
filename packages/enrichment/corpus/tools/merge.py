"""Merge collected passages (raw/*.jsonl) into the corpus: validate, drop duplicates, and file each
passage by its site into train.jsonl or test.jsonl. The split is a hash of the site (see
splitOfSite in src/classifier/corpus.ts, which a test holds the files to), so a site added later
lands in the same split on every machine and the test split never leaks into training.

Usage: python3 merge.py  (from any directory)
"""
import glob, hashlib, json, os, re, sys
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
TEST_SHARE = 0.45
LANGS = {"ru", "kk", "ky", "uz", "uk", "en"}
NARRATIVES = {"mercenary_recruitment", "kazakhstan_blame"}


def site_of(url):
    # As siteOf in src/classifier/corpus.ts: a Telegram post's site is its channel.
    u = urlparse(url)
    host = u.hostname.lower().removeprefix("www.")
    if host != "t.me":
        return host
    parts = [p for p in u.path.split("/") if p]
    if parts and parts[0] == "s":
        parts.pop(0)
    channel = f"c/{parts[1] if len(parts) > 1 else ''}" if parts and parts[0] == "c" else (parts[0] if parts else "")
    return f"t.me/{channel.lower()}"


def split_of(site):
    return "test" if int(hashlib.sha256(site.encode()).hexdigest()[:8], 16) / 2**32 < TEST_SHARE else "train"


def key(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def main():
    out = {"train": [], "test": []}
    seen = set()
    problems = 0
    files = sorted(glob.glob(os.path.join(CORPUS, "raw", "*.jsonl")))
    for existing in ("train", "test"):
        path = os.path.join(CORPUS, f"{existing}.jsonl")
        if os.path.exists(path):
            files.insert(0, path)
    for path in files:
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            d = json.loads(line)
            item = {k: d.get(k) for k in ("text", "lang", "narratives", "url", "note")}
            # hard_negative: same topics, no narrative; negative: an ordinary post.
            item["kind"] = "positive" if d.get("narratives") else (d.get("kind") if d.get("kind") == "negative" else "hard_negative")
            bad = (
                not isinstance(item["text"], str) or len(item["text"].strip()) < 20
                or item["lang"] not in LANGS
                or not isinstance(item["narratives"], list) or not set(item["narratives"]) <= NARRATIVES
                or not str(item["url"]).startswith("http") or not item["note"]
            )
            if bad:
                problems += 1
                print(f"{path}:{n}: skipped, malformed", file=sys.stderr)
                continue
            k = key(item["text"])
            if k in seen:
                continue
            seen.add(k)
            item["narratives"] = sorted(item["narratives"])
            out[split_of(site_of(item["url"]))].append(item)
    for split, items in out.items():
        with open(os.path.join(CORPUS, f"{split}.jsonl"), "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    for split, items in out.items():
        pos = {n: sum(n in i["narratives"] for i in items) for n in sorted(NARRATIVES)}
        hard = sum(i["kind"] == "hard_negative" for i in items)
        ordinary = sum(i["kind"] == "negative" for i in items)
        print(f"{split}: {len(items)} passages, positives {pos}, hard negatives {hard}, ordinary {ordinary}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
