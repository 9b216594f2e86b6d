"""New certificate designs the built-in templates are not drawn from (issue 12 item 4).

Each design is one module with its own drawing (``layout``) and a
:class:`~samples.generator.designs.new._kit.NewDesign` record naming its
title, labels, registered serial format and issuers. ``bench.evaluate_designs``
registers each from one rendered sample through the CLI and checks photos of
genuine certificates and knock-offs against it.
"""

from __future__ import annotations

from samples.generator.designs.new import (
    burgundy_table,
    gold_completion,
    green_special,
    navy_training,
    slate_twocolumn,
    teal_bilingual,
)
from samples.generator.designs.new._kit import NewDesign

__all__ = ["NEW_DESIGNS", "NewDesign", "new_design"]

#: Every new design, by name.
NEW_DESIGNS: dict[str, NewDesign] = {
    module.DESIGN.name: module.DESIGN
    for module in (teal_bilingual, burgundy_table, green_special, navy_training, gold_completion, slate_twocolumn)
}


def new_design(name: str) -> NewDesign:
    """The new design called ``name``.

    Raises:
        KeyError: no such design; the message lists the known ones.
    """
    try:
        return NEW_DESIGNS[name]
    except KeyError:
        raise KeyError(f"unknown new design {name!r}; known: {', '.join(sorted(NEW_DESIGNS))}") from None
