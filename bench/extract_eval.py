"""How well the extractor reads real texts it was not written for, and what it costs per page.

    python bench/extract_eval.py            # the real corpus, the seeds, the CPU per page
    python bench/extract_eval.py --misses   # also print every text it gets wrong

Measured on tests/extract/corpus (real texts others wrote, labelled as LABELLING.md says) and
the five seeds of shared/seeds; the synthetic cases in tests/extract/cases are counted apart.
CPU: `extract()` on realistic 50 KB government pages (navigation, ~450 links, a history table,
footer) made by bench/gen_pages.py (the team's bench-kit generator), median of 200 calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.extract import extract  # noqa: E402

FIELDS = ("dtn", "level", "level_name", "change_from", "change_to", "published")
CORPUS = ROOT / "tests" / "extract" / "corpus"
# the sets gathered and labelled apart from the corpus: (folder, label in the table, short name in --misses)
APART = [("holdout", "real held-out set", "held-out"), ("unseen", "real unseen set", "unseen"),
         ("unseen2", "real second unseen set", "unseen2"), ("unseen3", "real third unseen set", "unseen3"),
         ("unseen4", "real fourth unseen set", "unseen4"), ("unseen5", "real fifth unseen set", "unseen5"),
         ("unseen6", "real sixth unseen set", "unseen6")]
CASES = ROOT / "tests" / "extract" / "cases"
SEEDS = [ROOT.parent / "shared" / "seeds", ROOT / "tests" / "extract" / "seeds"]


def corpus(folder: Path = CORPUS, *, seeds: bool = True) -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for answer in sorted(folder.glob("*.json")):
        data = json.loads(answer.read_text(encoding="utf-8"))
        out.append((answer.stem, answer.with_suffix(".txt").read_text(encoding="utf-8"), data["expected"]))
    found = next((d for d in SEEDS if (d / "expected.json").exists()), None) if seeds else None
    if found is not None:
        for case in json.loads((found / "expected.json").read_text(encoding="utf-8"))["cases"]:
            out.append((f"seed/{case['file']}", (found / case["file"]).read_text(encoding="utf-8"), case["expected"]))
    return out


def synthetic() -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for answer in sorted(CASES.glob("*.json")):
        text_file = next(p for p in (answer.with_suffix(".txt"), answer.with_suffix(".html")) if p.exists())
        out.append((answer.stem, text_file.read_text(encoding="utf-8"), json.loads(answer.read_text(encoding="utf-8"))))
    return out


def score(cases: list[tuple[str, str, dict[str, object]]]) -> dict[str, object]:
    per_field = dict.fromkeys(FIELDS, 0)
    all_right = invented = missed = wrong = no_level_texts = 0
    misses = []
    for name, text, expected in cases:
        got = extract(text).as_dict()
        ok = True
        for f in FIELDS:
            if got[f] == expected[f]:
                per_field[f] += 1
            else:
                ok = False
        all_right += ok
        if expected["level"] is None:
            no_level_texts += 1
            invented += got["level"] is not None
        elif got["level"] is None:
            missed += 1
        elif got["level"] != expected["level"]:
            wrong += 1
        if not ok:
            diff = {f: (expected[f], got[f]) for f in FIELDS if got[f] != expected[f]}
            misses.append((name, diff, got["evidence"]))
    n = len(cases) or 1
    return {"n": len(cases), "per_field": {f: per_field[f] / n for f in FIELDS}, "all_right": all_right / n,
            "all_right_count": all_right, "invented": invented, "no_level_texts": no_level_texts, "missed": missed,
            "wrong": wrong, "misses": misses}


def realistic_pages(count: int = 5) -> list[str]:
    import importlib.util

    kit = ROOT / "bench" / "gen_pages.py"  # the team's bench-kit generator, copied into the repository
    spec = importlib.util.spec_from_file_location("gen_pages", kit)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [module.render(i, 0) for i in range(1, count + 1)]


def cpu_per_page(repeats: int = 200) -> tuple[float, float, int]:
    pages = realistic_pages()
    for page in pages:
        extract(page)  # warm up (compiled patterns, caches)
    times = []
    for i in range(repeats):
        page = pages[i % len(pages)]
        started = time.process_time_ns()
        extract(page)
        times.append((time.process_time_ns() - started) / 1e6)
    return statistics.median(times), max(times), len(pages[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every text that is not read right")
    args = parser.parse_args()
    sets = [("real corpus + seeds", "real", score(corpus()))]
    sets += [(label, short, score(corpus(ROOT / "tests" / "extract" / folder, seeds=False))) for folder, label, short in APART]
    sets.append(("synthetic cases", "synthetic", score(synthetic())))
    print("| texts | all fields right | dtn | level | level_name | change_from | change_to | published "
          "| invented levels | missed levels | wrong levels |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, _short, s in sets:
        if not s["n"]:
            continue
        pf = s["per_field"]
        assert isinstance(pf, dict)
        print(f"| {label} ({s['n']}) | {s['all_right']:.1%} ({s['all_right_count']}) | "
              + " | ".join(f"{pf[f]:.1%}" for f in FIELDS)
              + f" | {s['invented']} of {s['no_level_texts']} | {s['missed']} | {s['wrong']} |")
    median, worst, size = cpu_per_page()
    print(f"\nCPU per realistic {size // 1000} KB page: median {median:.2f} ms, max {worst:.2f} ms (200 calls)")
    if args.misses:
        for _label, short, s in sets:
            misses = s["misses"]
            assert isinstance(misses, list)
            for name, diff, evidence in misses:
                print(f"\n[{short}] {name}: {diff}\n    evidence: {evidence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
