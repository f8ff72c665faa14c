#!/usr/bin/env python3
r"""Compare Herald's sentiment scorer with VADER on human-labelled sentences.

Datasets (any number, positional):
  * a TSV with header `label<TAB>rating<TAB>text` (label in negative/neutral/positive,
    rating in [-1, 1]), e.g. tests/data/workplace_comments.tsv;
  * one of VADER's human-rated `*_GroundTruth.txt` files (`id<TAB>mean<TAB>text`, mean on
    -4..4), or the vaderSentiment *sdist* tarball itself (`pip download vaderSentiment==3.3.2
    --no-binary :all: --no-deps`), which bundles four such files in
    additional_resources/hutto_ICWSM_2014.tar.gz; they are read straight from the archive.
    Ratings are divided by 4; a mean >= 0.5 is labelled positive, <= -0.5 negative, else neutral.

Herald is run as `<herald-cmd> sentiment`: one text per line on stdin, one JSON object
`{"compound": f, "label": "..."}` per line on stdout. Speeds are texts per second over the
median of --repeat runs; Herald's include starting the process, and it scores on every core
unless --herald-threads says otherwise (VADER is single-threaded Python).

Herald's labels come from Herald itself (its thresholds are +-0.15); VADER's use VADER's
documented +-0.05 unless --vader-threshold says otherwise.

Usage:
  python compare.py --herald "target/release/herald" tests/data/workplace_comments.tsv \
      vaderSentiment-3.3.2.tar.gz [--split all|dev|test] [--no-vader] [--vader-threshold T]
      [--repeat N] [--herald-threads N]
"""
import argparse
import io
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tarfile
import time

LABELS = ("negative", "neutral", "positive")
VADER_SETS = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")


def label_from_mean(mean4):
    if mean4 >= 0.5:
        return "positive"
    if mean4 <= -0.5:
        return "negative"
    return "neutral"


def clean(text):
    # One text per line for the subprocess protocol: fold any embedded newlines/tabs.
    return " ".join(text.replace("\t", " ").splitlines()).strip()


def parse_groundtruth(raw):
    rows = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        parts = line.rstrip("\r").split("\t", 2)
        if len(parts) != 3 or not parts[2].strip():
            continue
        try:
            mean = float(parts[1])
        except ValueError:
            continue
        rows.append((label_from_mean(mean), mean / 4.0, clean(parts[2])))
    return rows


def parse_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:3] != ["label", "rating", "text"]:
            sys.exit(f"{path}: expected header label<TAB>rating<TAB>text, got {header}")
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line:
                continue
            label, rating, text = line.split("\t", 2)
            if label not in LABELS:
                sys.exit(f"{path}:{n}: bad label {label!r}")
            rows.append((label, float(rating), clean(text)))
    return rows


def load(path):
    """Yield (name, rows) pairs for one dataset argument."""
    base = os.path.basename(path)
    if path.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as outer:
            inner_member = next(
                (m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz")), None)
            if inner_member is None:
                sys.exit(f"{path}: no hutto_ICWSM_2014.tar.gz inside; is this the vaderSentiment sdist?")
            inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(inner_member).read()))
            found = {}
            for m in inner.getmembers():
                for s in VADER_SETS:
                    if m.name.endswith(f"/{s}_GroundTruth.txt"):
                        found[s] = parse_groundtruth(inner.extractfile(m).read())
            for s in VADER_SETS:
                if s in found:
                    yield f"vader:{s}", found[s]
            if len(found) > 1:
                # Interleave so that the dev/test split stays balanced across the sets.
                pooled = [r for s in VADER_SETS if s in found for r in found[s]]
                yield "vader:all four sets", pooled
    elif base.endswith("_GroundTruth.txt"):
        with open(path, "rb") as f:
            yield base.replace("_GroundTruth.txt", ""), parse_groundtruth(f.read())
    else:
        yield base, parse_tsv(path)


def split_rows(rows, split):
    # Deterministic split by position: even rows = dev (used while developing), odd = held-out test.
    if split == "dev":
        return rows[0::2]
    if split == "test":
        return rows[1::2]
    return rows


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def macro_f1(gold, pred):
    f1s = []
    for lab in LABELS:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def vader_label(c, pos=0.05, neg=-0.05):
    return "positive" if c >= pos else "negative" if c <= neg else "neutral"


def timed(run, repeat):
    """Runs `run` `repeat` times; returns its last result and the median wall time."""
    times = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return result, statistics.median(times)


def score_vader(texts, threshold=0.05, repeat=1):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()  # construction (lexicon load) is not timed
    comps, dt = timed(lambda: [analyzer.polarity_scores(t)["compound"] for t in texts], repeat)
    return comps, [vader_label(c, threshold, -threshold) for c in comps], dt


def score_herald(cmd, texts, threads=None, repeat=1):
    # Timed as a user runs it: process start-up, lexicon load, scoring and output.
    argv = shlex.split(cmd) + ["sentiment"] + (["--threads", str(threads)] if threads else [])
    data = ("\n".join(texts) + "\n").encode("utf-8")
    try:
        proc, dt = timed(lambda: subprocess.run(argv, input=data, capture_output=True, check=False), repeat)
    except FileNotFoundError:
        sys.exit(f"cannot run {argv[0]!r}: build Herald first (cargo build --release)")
    if proc.returncode != 0:
        sys.exit(f"herald failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    out = [json.loads(l) for l in proc.stdout.decode("utf-8").splitlines() if l.strip()]
    if len(out) != len(texts):
        sys.exit(f"herald returned {len(out)} lines for {len(texts)} texts")
    return [o["compound"] for o in out], [o["label"] for o in out], dt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+")
    ap.add_argument("--herald", help="command that runs Herald's binary (\"sentiment\" is appended)")
    ap.add_argument("--no-vader", action="store_true")
    ap.add_argument("--herald-threads", type=int, metavar="N",
                    help="passed to `herald sentiment --threads` (default: one thread per core)")
    ap.add_argument("--repeat", type=int, default=5, metavar="N",
                    help="time each scorer N times on each set and report the median (default 5)")
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all")
    ap.add_argument("--vader-threshold", type=float, default=0.05, metavar="T",
                    help="VADER labels: compound >= T positive, <= -T negative (default: VADER's own 0.05)")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print the N texts Herald mislabels with the largest error (dev split only)")
    args = ap.parse_args()
    if not args.herald and args.no_vader:
        sys.exit("nothing to compare")
    if args.errors and args.split != "dev":
        sys.exit("--errors is only allowed with --split dev, to keep the test split unseen")

    table = []
    for path in args.datasets:
        for name, rows in load(path):
            rows = split_rows(rows, args.split)
            gold = [r[0] for r in rows]
            ratings = [r[1] for r in rows]
            texts = [r[2] for r in rows]
            scorers = []
            if not args.no_vader:
                scorers.append(("VADER 3.3.2", score_vader(texts, args.vader_threshold, args.repeat)))
            if args.herald:
                scorers.append(("Herald", score_herald(args.herald, texts, args.herald_threads, args.repeat)))
            for sname, (comps, labels, dt) in scorers:
                acc = sum(g == p for g, p in zip(gold, labels)) / len(gold)
                table.append((name, len(rows), sname, pearson(comps, ratings), macro_f1(gold, labels),
                              acc, len(texts) / dt if dt > 0 else float("inf")))
                if sname == "Herald" and args.errors:
                    errs = sorted(zip(comps, ratings, gold, labels, texts), key=lambda e: -abs(e[0] - e[1]))
                    for c, r, g, p, t in errs[: args.errors]:
                        print(f"  {g[:3]}->{p[:3]} human={r:+.2f} herald={c:+.2f}  {t[:150]}", file=sys.stderr)

    print(f"\nsplit: {args.split}\n")
    print("| dataset | n | scorer | Pearson r | macro-F1 | accuracy | texts/s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, n, sname, r, f1, acc, tps in table:
        print(f"| {name} | {n} | {sname} | {r:.3f} | {f1:.3f} | {acc:.3f} | {tps:,.0f} |")


if __name__ == "__main__":
    main()
