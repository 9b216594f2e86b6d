"""Generate a corpus of certificate photos with ground truth.

Usage::

    python -m samples.generate --out /tmp/corpus --count 60 --seed 7
    python -m samples.generate --out /tmp/serials --count 20 --seed 1 --variants serial_bad_format serial_missing
    python -m samples.generate --demo samples/photos
    python -m samples.generate --list

Writes ``<out>/<name>.jpg`` and ``<out>/<name>.json`` (the truth, see
``samples/generator/truth.py``) per sample and ``<out>/manifest.jsonl`` with
one line per sample. The same ``--seed`` gives the same corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from samples.generator.demo import write_demo
from samples.generator.designs import DESIGNS
from samples.generator.photo import CONDITIONS, DEFAULT_LONG_SIDE
from samples.generator.registry import UnknownNameError
from samples.generator.sample import SampleSpec, generate_sample, plan_corpus, write_sample
from samples.generator.variants import VARIANTS

__all__ = ["build_parser", "main", "write_corpus"]

MANIFEST = "manifest.jsonl"


def _names(values: Sequence[str] | None) -> list[str] | None:
    """Names given as separate arguments and/or comma-separated."""
    if not values:
        return None
    return [name for value in values for name in value.split(",") if name]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--count", type=int, default=60, help="number of photos (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--designs", nargs="+", metavar="NAME", help=f"designs to use: {', '.join(DESIGNS)}")
    parser.add_argument("--variants", nargs="+", metavar="NAME", help=f"variants to use: {', '.join(VARIANTS)}")
    parser.add_argument("--conditions", nargs="+", metavar="NAME", help=f"photo conditions: {', '.join(CONDITIONS)}")
    parser.add_argument("--long-side", type=int, default=DEFAULT_LONG_SIDE, help="photo long side in pixels")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--demo", type=Path, metavar="DIR", help="write the committed demo photos into DIR and stop")
    parser.add_argument("--list", action="store_true", help="list designs, variants and conditions and stop")
    return parser


def _listing() -> str:
    lines = ["designs:"]
    lines += [f"  {d.name:<20} {d.kind.value:<12} {d.description}" for d in DESIGNS.values()]
    lines.append("variants:")
    lines += [
        f"  {v.name:<20} {','.join(sorted(c.value for c in v.expected_codes)) or '-':<12} {v.description}"
        for v in VARIANTS.values()
    ]
    lines.append("conditions:")
    lines += [f"  {c.name:<20} {c.description}" for c in CONDITIONS.values()]
    return "\n".join(lines) + "\n"


def _generate_one(item: tuple[str, SampleSpec, Path]) -> dict[str, object]:
    name, spec, out = item
    sample = generate_sample(spec, name)
    image, truth_path = write_sample(sample, out)
    truth = sample.truth
    return {
        "name": name,
        "image": image.name,
        "truth": truth_path.name,
        "design": spec.design,
        "variant": spec.variant,
        "conditions": spec.conditions,
        "seed": spec.seed,
        "kind": truth.kind,
        "expected_codes": list(truth.expected_codes),
        "expected_risk": truth.expected_risk,
    }


def write_corpus(out: Path, plan: Sequence[tuple[str, SampleSpec]], jobs: int = 1) -> Path:
    """Generate every planned sample into ``out`` and write the manifest; returns the manifest's path."""
    out.mkdir(parents=True, exist_ok=True)
    items = [(name, spec, out) for name, spec in plan]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rows = list(pool.map(_generate_one, items))
    else:
        rows = [_generate_one(item) for item in items]
    manifest = out / MANIFEST
    manifest.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for unusable arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        sys.stdout.write(_listing())
        return 0
    if args.demo is not None:
        for path in write_demo(args.demo):
            sys.stdout.write(f"{path}\n")
        return 0
    if args.out is None:
        parser.error("--out is required (or --demo DIR, or --list)")
    try:
        plan = plan_corpus(
            args.count, args.seed, _names(args.designs), _names(args.variants), _names(args.conditions), args.long_side
        )
    except (UnknownNameError, ValueError) as error:
        parser.error(str(error))
    manifest = write_corpus(args.out, plan, args.jobs)
    sys.stdout.write(f"wrote {len(plan)} photos and {manifest}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
