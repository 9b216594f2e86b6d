"""Golden verdicts for the committed demo photos, end to end through the real pipeline.

Each ``tests/golden/<photo>.json`` stores the expected risk level, the set of
evidence codes, the fields read and each evidence box. Boxes are compared by
intersection over union and scores by band, never as exact floats, because
OCR geometry varies slightly between ONNX Runtime builds. Regenerate only on
purpose: ``pytest tests/test_golden.py --update-golden``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from certcheck.report import report_to_dict

REPO = Path(__file__).resolve().parents[1]
PHOTOS = sorted((REPO / "samples" / "photos").glob("*.jpg"))
GOLDEN = Path(__file__).resolve().parent / "golden"
MIN_BOX_IOU = 0.5
SCORE_BANDS = {"low": (0, 29), "medium": (30, 69), "high": (70, 100), "unknown": (None, None)}

pytestmark = [pytest.mark.ocr, pytest.mark.e2e]


def _iou(a: list[int], b: list[int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _golden_view(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "risk_level": report["risk_level"],
        "codes": sorted({e["code"] for e in report["evidence"]}),
        "certificate": report["certificate"],
        "template": report["template"]["id"] if report["template"] else None,
        "evidence_bboxes": {e["code"]: e["bbox"] for e in report["evidence"] if e["bbox"]},
    }


@pytest.mark.parametrize("photo", PHOTOS, ids=[p.stem for p in PHOTOS])
def test_golden_verdict(photo: Path, checker: Any, update_golden: bool) -> None:
    report = report_to_dict(checker.check_path(photo))
    low, high = SCORE_BANDS[report["risk_level"]]
    if low is None:
        assert report["risk_score"] is None
    else:
        assert low <= report["risk_score"] <= high
    # The verdict agrees with the generator's truth, not only with the last run.
    truth = json.loads(photo.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["risk_level"] == truth["expected_risk"]
    assert {e["code"] for e in report["evidence"] if e["severity"] != "low"} >= set(truth["expected_codes"])
    _assert_boxes_land_on_printed_fields(report, truth)
    view = _golden_view(report)
    path = GOLDEN / f"{photo.stem}.json"
    if update_golden or not path.is_file():
        if not update_golden:
            pytest.fail(f"no golden file {path.name}; run with --update-golden to create it")
        path.write_text(json.dumps(view, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert view["risk_level"] == expected["risk_level"]
    assert view["codes"] == expected["codes"]
    assert view["template"] == expected["template"]
    assert view["certificate"] == expected["certificate"]
    for code, box in expected["evidence_bboxes"].items():
        assert _iou(view["evidence_bboxes"][code], box) >= MIN_BOX_IOU, code



def _assert_boxes_land_on_printed_fields(report: dict[str, Any], truth: dict[str, Any]) -> None:
    """Evidence about a printed field points at that field in the uploaded photo's pixels."""
    by_value = {truth["fields"].get(key): box["bbox"] for key, box in truth["field_boxes"].items()
                if truth["fields"].get(key)}
    for item in report["evidence"]:
        if item["bbox"] and item["text"] in by_value:
            assert _iou(item["bbox"], by_value[item["text"]]) >= MIN_BOX_IOU, item["code"]
