"""The CJK typefaces the certificates are set in, found on the system.

Real certificates mix a heavy serif (宋体/黑体) title with 仿宋 or 楷体 filled-in
values (人社鉴发〔2021〕1号 §三 asks for 小四号仿宋). Debian ships no 仿宋, so the
AR PL 楷 (UKai) and 明 (UMing) faces stand in for the hand-set body, and Noto
Serif/Sans CJK for the printed form. The fonts are looked up at their Debian
paths first, then through ``fc-list``; inside a ``.ttc`` collection the face is
picked by its family name (the simplified-Chinese ``SC``/``CN`` member), never
by a hard-coded index, because the index order differs between font releases.
"""

from __future__ import annotations

import enum
import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "FontFace",
    "FontRole",
    "MissingFontError",
    "fit_font_size",
    "fonts_available",
    "load_font",
    "resolve_face",
    "text_width",
]

_INSTALL_HINT = "apt-get install fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming"
#: The most faces a .ttc collection is searched for (Noto Sans CJK has 10).
_MAX_COLLECTION_FACES = 16


class MissingFontError(RuntimeError):
    """A CJK face the generator needs is not installed."""


class FontRole(enum.Enum):
    """What a typeface is used for on a certificate; the value is the family searched for."""

    TITLE = "Noto Serif CJK SC:Bold"
    SERIF = "Noto Serif CJK SC:Regular"
    SANS = "Noto Sans CJK SC:Regular"
    SANS_BOLD = "Noto Sans CJK SC:Bold"
    KAI = "AR PL UKai CN:Book"
    MING = "AR PL UMing CN:Light"

    @property
    def family(self) -> str:
        return self.value.split(":")[0]

    @property
    def style(self) -> str:
        return self.value.split(":")[1]


_DEBIAN_PATHS: dict[FontRole, tuple[str, ...]] = {
    FontRole.TITLE: ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",),
    FontRole.SERIF: ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",),
    FontRole.SANS: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",),
    FontRole.SANS_BOLD: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",),
    FontRole.KAI: ("/usr/share/fonts/truetype/arphic/ukai.ttc",),
    FontRole.MING: ("/usr/share/fonts/truetype/arphic/uming.ttc",),
}


@dataclass(frozen=True)
class FontFace:
    """One face inside a font file: the file and the face's index in its collection."""

    path: str
    index: int
    family: str


def _face_index(path: str, role: FontRole) -> int | None:
    """Index of ``role``'s family and style inside the font file at ``path``, if it holds one."""
    for index in range(_MAX_COLLECTION_FACES):
        try:
            family, style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            return None
        if family == role.family and style == role.style:
            return index
    return None


def _fc_list_paths(role: FontRole) -> tuple[str, ...]:
    """Font files that fontconfig knows for ``role``'s family (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    listing = subprocess.run(
        [fc_list, f":family={role.family}", "file"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    return tuple(sorted({line.split(":")[0].strip() for line in listing.splitlines() if line.strip()}))


@functools.cache
def resolve_face(role: FontRole) -> FontFace:
    """Find the installed face for ``role``.

    Raises:
        MissingFontError: neither the Debian path nor fontconfig has the face;
            the message says which packages to install.
    """
    for path in (*_DEBIAN_PATHS[role], *_fc_list_paths(role)):
        if not Path(path).is_file():
            continue
        index = _face_index(path, role)
        if index is not None:
            return FontFace(path=path, index=index, family=role.family)
    raise MissingFontError(f"CJK font '{role.family} {role.style}' not found; install it with: {_INSTALL_HINT}")


@functools.cache
def load_font(role: FontRole, size: int) -> ImageFont.FreeTypeFont:
    """The face for ``role`` at ``size`` pixels, cached (loading a .ttc costs milliseconds).

    Raises:
        MissingFontError: the face is not installed.
    """
    face = resolve_face(role)
    return ImageFont.truetype(face.path, size, index=face.index)


def fonts_available() -> bool:
    """Whether every face of :class:`FontRole` is installed (tests skip otherwise)."""
    try:
        for role in FontRole:
            resolve_face(role)
    except MissingFontError:
        return False
    return True


def text_width(text: str, role: FontRole, size: int, tracking: float = 0.0) -> float:
    """Advance width of ``text`` in pixels, with ``tracking`` em of extra space between glyphs."""
    font = load_font(role, size)
    return font.getlength(text) + tracking * size * max(0, len(text) - 1)


def fit_font_size(text: str, role: FontRole, size: int, max_width: float, tracking: float = 0.0) -> int:
    """The largest size up to ``size`` at which ``text`` fits in ``max_width`` pixels."""
    while size > 8 and text_width(text, role, size, tracking) > max_width:
        size -= 1
    return size
