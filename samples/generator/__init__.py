"""The certificate-photo generator: designs, variants, printing, photographing, ground truth.

Pipeline of one sample (:func:`~samples.generator.sample.generate_sample`)::

    design.draft(rng) -> CertificateContent      what a genuine certificate says
    variant.apply(content, rng) -> content        what the knock-off changes
    design.layout(content, rng) -> SheetLayout    where everything is printed
    render_layout(layout) -> RenderedSheet         the flat sheet (render space)
    photograph(sheet, conditions, rng) -> Photo    the phone photo (photo pixels)
    -> SampleTruth                                 fields, boxes, corners, expected codes
"""

from __future__ import annotations

from samples.generator.designs import DESIGNS, Design
from samples.generator.photo import CONDITIONS, PhotoConditions
from samples.generator.sample import Sample, SampleSpec, generate_sample, plan_corpus, write_sample
from samples.generator.truth import SampleTruth, load_truth
from samples.generator.variants import VARIANTS, Variant, register_variant

__all__ = [
    "CONDITIONS",
    "DESIGNS",
    "VARIANTS",
    "Design",
    "PhotoConditions",
    "Sample",
    "SampleSpec",
    "SampleTruth",
    "Variant",
    "generate_sample",
    "load_truth",
    "plan_corpus",
    "register_variant",
    "write_sample",
]
