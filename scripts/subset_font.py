"""Make the bundled font: Noto Sans CJK SC Regular cut down to what the game shows.

Reproduce (Debian/Ubuntu; dev-time tools only, the game does not need them)::

    apt-get install -y fonts-noto-cjk          # SIL Open Font License 1.1
    .venv/bin/pip install fonttools
    .venv/bin/python scripts/subset_font.py

Input: face 2 ("Noto Sans CJK SC") of
``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`` (Debian package
fonts-noto-cjk 1:20220127, font version 2.004). Output:
``assets/fonts/NotoSansCJKsc-Subset.otf`` plus ``assets/fonts/OFL.txt``.

Kept characters:

* Basic Latin, Latin-1 Supplement, Latin Extended-A (names like Łukasz, Dvořák),
* General Punctuation, CJK Symbols and Punctuation, Half/Full-width Forms,
  arrows, geometric shapes (the □ replacement box) and box drawing,
* every character of GB 2312 (bytes 0xA1A1..0xF7FE decoded with the gb2312
  codec: 6,763 hanzi, a superset of the 3,500 common characters, plus its
  symbols, Greek, Cyrillic, pinyin and kana),
* every character used in ``assets/dialogue/*.toml``.

Layout features are kept as the subsetter's defaults (kerning, ligatures,
vertical forms dropped); hinting is dropped (FreeType autohints CFF well).
Rerun after adding dialogue that uses a character outside the sets above;
``tests/test_fonts.py`` fails until you do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
LICENCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUTPUT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-Subset.otf"

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation
    (0x2190, 0x21FF),  # Arrows
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0xFFFD, 0xFFFD),  # replacement character, if the font has it
]


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1..0xF7, columns 0xA1..0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, col)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # an unassigned cell
    return chars


def dialogue_characters() -> set[str]:
    """Every character in the dialogue files (comments included: harmless and simpler)."""
    chars: set[str] = set()
    for path in sorted((ROOT / "assets" / "dialogue").glob("*.toml")):
        chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if (c.isprintable() and not c.isspace()) or c == " "}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    collection = TTCollection(str(args.source))
    faces = [f for f in collection.fonts if f["name"].getDebugName(4) == SOURCE_FACE]
    if not faces:
        print(f"{args.source}: no face named {SOURCE_FACE!r}", file=sys.stderr)
        return 1
    font = faces[0]
    cmap = font.getBestCmap()

    wanted = {chr(c) for lo, hi in RANGES for c in range(lo, hi + 1)}
    hanzi = {c for c in gb2312_characters() if "\u4e00" <= c <= "\u9fff"}
    wanted |= gb2312_characters() | dialogue_characters()
    missing = sorted(c for c in dialogue_characters() if ord(c) not in cmap)
    if missing:
        print(f"the source font lacks dialogue characters: {''.join(missing)!r}", file=sys.stderr)
        return 1
    unicodes = sorted(ord(c) for c in wanted if ord(c) in cmap)

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True  # missing glyphs draw as a visible box
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.recalcTimestamp = False  # keep the source's date: the same input gives the same bytes
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))

    licence = args.output.parent / "OFL.txt"
    licence.write_text(_licence_text(font), encoding="utf-8")
    size = args.output.stat().st_size
    print(
        f"{args.output.relative_to(ROOT)}: {len(unicodes)} characters "
        f"({len(hanzi)} GB 2312 hanzi), {size / 1e6:.2f} MB; licence in {licence.name}"
    )
    return 0


def _licence_text(font: object) -> str:
    names = font["name"]  # type: ignore[index]
    copyright_line = names.getDebugName(0)
    body = LICENCE.read_text(encoding="utf-8")
    # The licence text is the stand-alone "License: SIL-1.1" paragraph before the GPL one.
    end = body.rindex("License: GPL-3+")
    start = body.rindex("License: SIL-1.1", 0, end)
    ofl = "\n".join(
        "" if line.strip() == "." else line[1:] for line in body[start:end].splitlines()[1:]
    ).strip()
    return (
        "The file NotoSansCJKsc-Subset.otf in this folder is a subset of\n"
        "Noto Sans CJK SC Regular (version 2.004), made by scripts/subset_font.py.\n\n"
        f"{copyright_line}\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
        f"{ofl}\n"
    )


if __name__ == "__main__":
    sys.exit(main())
