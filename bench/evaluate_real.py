"""False alarms and out-of-scope recognition on real documents, and knock-off prints on real certificates.

Reads ``../shared/real-images/`` in place (its ``manifest.jsonl`` says what each
image is and what a checker should answer) and checks every image with the real
pipeline. Reports, per class of the manifest:

* **false alarms**: a genuine official, private legitimate or not-a-certificate
  image answered ``medium`` or ``high`` (target 0), with the codes that did it;
* **out of scope**: not-a-certificate images answered ``unknown`` with
  ``NOT_A_CERTIFICATE`` and kind ``not_certificate`` (target 100 %).

Then, as no real knock-off is public, prints knock-off content onto the real
certificates whose issuer is not a state body (``bench/real_truth.yaml``), at
run time and in memory only: the real emblem renders of
``../shared/reference-images/emblem/``, false claims, restricted titles and
added 联盟 lines, at several sizes, colours and places (printed text at least
2.5 % of the sheet's height). A print is detected when the verdict is medium or
high *and* the matching code is among the evidence (emblem → EMBLEM, claim →
FALSE_CLAIM, restricted title → FORBIDDEN_WORDING or TEMPLATE_MISMATCH,
联盟 line → ADDED_TEXT); target ≥ 98 %.

Keeps aggregates and file names only: no OCR text, no field values.

    python -m bench.evaluate_real                 # both parts
    python -m bench.evaluate_real --no-prints     # the real images only
    python -m bench.evaluate_real --only bl-ll-0000.jpg jl-zxnl-photoshop.jpg

Writes ``bench/results/evaluation_real.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFont, ImageOps

from certcheck.pipeline import Checker
from certcheck.report import report_to_dict
from certcheck.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real-images"
EMBLEMS = SHARED / "reference-images" / "emblem"
TRUTH = Path(__file__).resolve().parent / "real_truth.yaml"
RESULTS = Path(__file__).resolve().parent / "results"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
FONT_SANS = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

#: What a print puts on a certificate, and the codes that count as catching it.
EXPECTED_CODES: dict[str, frozenset[str]] = {
    "emblem": frozenset({"EMBLEM"}),
    "claim": frozenset({"FALSE_CLAIM"}),
    "restricted_title": frozenset({"FORBIDDEN_WORDING", "TEMPLATE_MISMATCH"}),
    "alliance": frozenset({"ADDED_TEXT"}),
}
#: The printed wording, by kind of print (typical knock-off wording, cert-facts §8 and 东人社函〔2022〕37号).
CLAIMS = ("全国通用 国家认可", "包过 终身有效", "国家认可 入库可查", "可凭此证评职称", "官方认证 权威证书")
RESTRICTED_TITLES = ("国家职业资格证书", "职业技能等级证书", "中华人民共和国职业资格证书", "专项职业能力证书")
ALLIANCES = ("中国职业技能人才联盟", "全国职业教育发展联盟 监制", "中华技能人才发展联盟认证")
COLOURS = {"black": (20, 20, 20), "red": (200, 20, 30), "blue": (30, 50, 160), "gold": (170, 130, 40)}


def _manifest() -> list[dict[str, Any]]:
    path = REAL / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _truth() -> dict[str, Any]:
    return yaml.safe_load(TRUTH.read_text(encoding="utf-8")) or {}


def _codes_at(report: dict[str, Any], least: str = "medium") -> list[str]:
    rank = {"info": 0, "low": 1, "medium": 2, "high": 3}
    return sorted({e["code"] for e in report["evidence"] if rank[e["severity"]] >= rank[least]})


def _is_out_of_scope(report: dict[str, Any]) -> bool:
    return (
        report["risk_level"] == "unknown"
        and report["certificate"]["kind"] == "not_certificate"
        and any(e["code"] == "NOT_A_CERTIFICATE" for e in report["evidence"])
    )


def _outcome(row: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    false_alarm = report["risk_level"] in ("medium", "high")
    out = {
        "file": row["file"],
        "class": row["class"],
        "risk_level": report["risk_level"],
        "kind": report["certificate"]["kind"],
        "template": (report["template"] or {}).get("id"),
        "codes_medium_up": _codes_at(report),
        "codes_low_up": _codes_at(report, "low"),
        "false_alarm": false_alarm,
    }
    if row["class"] == "not_certificate":
        out["recognised_out_of_scope"] = _is_out_of_scope(report)
    return out


def evaluate_real(checker: Checker, rows: list[dict[str, Any]]) -> dict[str, Any]:
    outcomes = []
    for row in rows:
        path = REAL / "images" / row["file"]
        try:
            report = report_to_dict(checker.check_path(path))
        except Exception as exc:  # an error is a finding of the evaluation, never hidden
            outcomes.append({"file": row["file"], "class": row["class"], "error": type(exc).__name__,
                             "false_alarm": True})
            print(f"  {row['file']}: ERROR {type(exc).__name__}", file=sys.stderr)
            continue
        outcome = _outcome(row, report)
        outcomes.append(outcome)
        flag = "FALSE ALARM" if outcome["false_alarm"] else "ok"
        print(f"  {row['file']}: {outcome['risk_level']} {outcome['kind']} {outcome['codes_medium_up']} {flag}",
              file=sys.stderr)
    per_class: dict[str, Any] = {}
    for cls in sorted({o["class"] for o in outcomes}):
        mine = [o for o in outcomes if o["class"] == cls]
        codes = Counter(c for o in mine for c in o.get("codes_medium_up", ()))
        entry: dict[str, Any] = {
            "n": len(mine),
            "false_alarms": sum(o["false_alarm"] for o in mine),
            "false_alarm_files": [o["file"] for o in mine if o["false_alarm"]],
            "codes_medium_up": dict(sorted(codes.items())),
            "risk_levels": dict(Counter(o.get("risk_level", "error") for o in mine)),
        }
        if cls == "not_certificate":
            entry["recognised_out_of_scope"] = sum(o.get("recognised_out_of_scope", False) for o in mine)
            entry["missed_out_of_scope"] = [o["file"] for o in mine if not o.get("recognised_out_of_scope")]
        per_class[cls] = entry
    return {"per_class": per_class, "outcomes": outcomes}


# --- knock-off prints ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Print:
    kind: str  # a key of EXPECTED_CODES
    text: str | None
    emblem: str | None
    colour: str
    place: str  # top | middle | bottom | left
    size: float  # text: line height as a share of the sheet's height; emblem: width as a share of the width


def _prints_for(seed: int, count: int) -> list[Print]:
    rng = random.Random(seed)
    emblems = sorted(p.name for p in EMBLEMS.glob("*.png"))
    kinds = list(EXPECTED_CODES)
    prints = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        colour = rng.choice(list(COLOURS))
        place = rng.choice(("top", "middle", "bottom", "left"))
        if kind == "emblem":
            prints.append(Print(kind, None, rng.choice(emblems), colour, place, rng.uniform(0.08, 0.22)))
            continue
        text = rng.choice({"claim": CLAIMS, "restricted_title": RESTRICTED_TITLES, "alliance": ALLIANCES}[kind])
        prints.append(Print(kind, text, None, colour, place, rng.uniform(0.03, 0.055)))
    return prints


def _emblem_rgba(name: str, colour: str) -> Image.Image:
    emblem = Image.open(EMBLEMS / name).convert("RGBA")
    if "mono" in name or colour in ("black",):
        # A one-colour print of the emblem (as knock-offs print it in red or black).
        alpha = np.asarray(emblem)[..., 3].astype(np.float32)
        grey = np.asarray(emblem.convert("L")).astype(np.float32)
        ink = np.clip((255.0 - grey) / 255.0 * 1.4, 0, 1) * (alpha / 255.0)
        rgb = COLOURS["red" if colour != "black" else "black"]
        out = np.zeros((*grey.shape, 4), np.uint8)
        out[..., :3] = rgb
        out[..., 3] = (np.maximum(ink, (alpha > 0) * 0.0) * 255).astype(np.uint8)
        return Image.fromarray(out, "RGBA")
    return emblem


def _place(sheet: tuple[int, int], item: tuple[int, int], place: str, rng: random.Random) -> tuple[int, int]:
    w, h = sheet
    iw, ih = item
    x_mid = (w - iw) // 2 + int(rng.uniform(-0.08, 0.08) * w)
    if place == "top":
        xy = (x_mid, int(h * rng.uniform(0.04, 0.12)))
    elif place == "middle":
        xy = (x_mid, int(h * rng.uniform(0.40, 0.55)))
    elif place == "bottom":
        xy = (x_mid, int(h * rng.uniform(0.80, 0.88)) - ih // 2)
    else:
        xy = (int(w * rng.uniform(0.04, 0.10)), int(h * rng.uniform(0.25, 0.65)))
    return max(0, min(w - iw, xy[0])), max(0, min(h - ih, xy[1]))


def apply_print(image: Image.Image, spec: Print, rng: random.Random) -> Image.Image:
    """The certificate with the knock-off content printed on (a copy)."""
    sheet = image.convert("RGB").copy()
    w, h = sheet.size
    if spec.emblem:
        emblem = _emblem_rgba(spec.emblem, spec.colour)
        side = max(24, int(spec.size * w))
        emblem = emblem.resize((side, max(1, int(side * emblem.height / emblem.width))), Image.LANCZOS)
        if rng.random() < 0.5:
            emblem = emblem.rotate(rng.uniform(-12, 12), expand=True, resample=Image.BICUBIC)
        sheet.paste(emblem, _place((w, h), emblem.size, spec.place, rng), emblem)
        return sheet
    px = max(12, int(spec.size * h))
    font = ImageFont.truetype(str(FONT if rng.random() < 0.5 else FONT_SANS), px)
    draw = ImageDraw.Draw(sheet)
    assert spec.text is not None
    x0, y0, x1, y1 = draw.textbbox((0, 0), spec.text, font=font)
    tw, th = x1 - x0, y1 - y0
    if tw > 0.9 * w:  # too long for the sheet at this size: smaller, never under 2.5 % of the height
        px = max(int(0.025 * h) + 1, int(px * 0.9 * w / tw))
        font = ImageFont.truetype(str(FONT), px)
        x0, y0, x1, y1 = draw.textbbox((0, 0), spec.text, font=font)
        tw, th = x1 - x0, y1 - y0
    x, y = _place((w, h), (tw, th), spec.place, rng)
    # A thin light outline keeps the line legible on a busy background, as designers print it.
    draw.text((x - x0, y - y0), spec.text, font=font, fill=COLOURS[spec.colour],
              stroke_width=max(1, px // 18), stroke_fill=(250, 248, 240))
    return sheet


def evaluate_prints(checker: Checker, rows: list[dict[str, Any]], count: int, seed: int) -> dict[str, Any]:
    truth = _truth().get("files", {})
    hosts = [r for r in rows if r["class"] != "not_certificate" and truth.get(r["file"], {}).get("issuer") == "private"]
    if not hosts:
        return {"n": 0, "note": "no real certificate of a non-state issuer in the truth file"}
    rng = random.Random(seed)
    prints = _prints_for(seed, count)
    outcomes = []
    for i, spec in enumerate(prints):
        host = hosts[i % len(hosts)]
        turn = int(truth[host["file"]].get("upright_cw", 0))
        with Image.open(REAL / "images" / host["file"]) as im:
            upright = ImageOps.exif_transpose(im).rotate(-turn, expand=True) if turn else ImageOps.exif_transpose(im)
            printed = apply_print(upright, spec, rng)
            if turn:  # back as the photo was taken: the checker must find the turn itself
                printed = printed.rotate(turn, expand=True)
        buf = io.BytesIO()
        printed.save(buf, "JPEG", quality=90)
        report = report_to_dict(checker.check_bytes(buf.getvalue(), host["file"]))
        codes = {e["code"] for e in report["evidence"] if e["severity"] in ("medium", "high")}
        hit = report["risk_level"] in ("medium", "high") and bool(codes & EXPECTED_CODES[spec.kind])
        outcomes.append({"host": host["file"], "print": spec.kind, "colour": spec.colour, "place": spec.place,
                         "size": round(spec.size, 3), "risk_level": report["risk_level"], "codes": sorted(codes),
                         "detected": hit})
        print(f"  print {i:02d} {spec.kind:16s} on {host['file']}: {report['risk_level']} {sorted(codes)}"
              f" {'ok' if hit else 'MISSED'}", file=sys.stderr)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        by_kind[o["print"]][0] += o["detected"]
        by_kind[o["print"]][1] += 1
    detected = sum(o["detected"] for o in outcomes)
    return {
        "n": len(outcomes),
        "detected": detected,
        "rate": round(detected / len(outcomes), 4),
        "by_kind": {k: {"detected": v[0], "n": v[1]} for k, v in sorted(by_kind.items())},
        "missed": [o for o in outcomes if not o["detected"]],
        "hosts": len(hosts),
    }


def evaluate_texts() -> dict[str, Any]:
    """The publicity rules on the real published texts of ``../shared/real-texts.jsonl`` (none is a claim)."""
    from rules.text_check import check_text

    path = SHARED / "real-texts.jsonl"
    if not path.is_file():
        return {"n": 0, "note": f"{path} is absent"}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    outcomes = []
    for i, row in enumerate(rows):
        result = check_text(row["text"])
        level = result.risk_level.value
        codes = sorted({f.evidence.code.value for f in result.findings if f.evidence.severity.rank >= 2})
        outcomes.append({"index": i, "kind": row.get("kind"), "risk_level": level, "codes": codes,
                         "false_alarm": level in ("medium", "high")})
    return {"n": len(rows), "false_alarms": sum(o["false_alarm"] for o in outcomes), "outcomes": outcomes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-prints", action="store_true", help="skip the knock-off prints")
    parser.add_argument("--prints-only", action="store_true", help="only the knock-off prints")
    parser.add_argument("--prints", type=int, default=64, help="how many knock-off prints (default 64)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", nargs="*", help="only these files of the manifest")
    parser.add_argument("--out", type=Path, default=RESULTS / "evaluation_real.json")
    args = parser.parse_args(argv)
    if not (REAL / "manifest.jsonl").is_file():
        print(f"skipped: {REAL} is absent (the real documents are read in place, never copied)")
        return 0
    rows = _manifest()
    if args.only:
        rows = [r for r in rows if r["file"] in set(args.only)]
    checker = Checker.from_settings(Settings())
    checker.warm_up()
    result: dict[str, Any] = {}
    if not args.prints_only:
        result["real"] = evaluate_real(checker, rows)
        for cls, entry in result["real"]["per_class"].items():
            line = f"{cls:16s} n={entry['n']:2d} false alarms {entry['false_alarms']}"
            if "recognised_out_of_scope" in entry:
                line += f"  recognised as not a certificate {entry['recognised_out_of_scope']}/{entry['n']}"
            print(line + f"  codes {entry['codes_medium_up']}")
    if not args.prints_only and not args.only:
        result["texts"] = evaluate_texts()
        t = result["texts"]
        print(f"real texts       n={t['n']:2d} false alarms {t.get('false_alarms', 0)}")
    if not args.no_prints and not args.only:
        result["prints"] = evaluate_prints(checker, _manifest(), args.prints, args.seed)
        p = result["prints"]
        if p["n"]:
            print(f"knock-off prints: {p['detected']}/{p['n']} detected ({p['rate']:.1%}) on {p['hosts']} real "
                  f"certificates; by kind {p['by_kind']}")
    if not args.only:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
