"""The demo photos committed in ``samples/photos/`` (README demo, tests), reproducible by seed."""

from __future__ import annotations

from pathlib import Path

from samples.generator.sample import SampleSpec, generate_sample, write_sample

__all__ = ["DEMO_SAMPLES", "write_demo"]

#: File stem -> what it shows. Seeds were picked for photos that look typical.
DEMO_SAMPLES: tuple[tuple[str, SampleSpec], ...] = (
    ("genuine-skill-level", SampleSpec("skill_level_2021", "genuine", "phone", 11)),
    ("genuine-skill-level-sideways", SampleSpec("skill_level_2021", "genuine", "sideways", 23)),
    ("knockoff-serial", SampleSpec("skill_level_2021", "serial_bad_format", "phone", 31)),
    ("company-training", SampleSpec("company_internal", "genuine", "phone", 41)),
    ("unreadable-blurred", SampleSpec("skill_level_2021", "genuine", "unreadable_blur", 51)),
    ("knockoff-wording", SampleSpec("skill_level_2021", "added_wording_national", "phone", 88)),
)


def write_demo(out_dir: Path) -> list[Path]:
    """Write every demo photo and its truth into ``out_dir``; returns the image paths."""
    return [write_sample(generate_sample(spec, name), out_dir)[0] for name, spec in DEMO_SAMPLES]
