"""Make the bundled emoji font: Noto Emoji (monochrome outlines) at its Regular weight.

Reproduce (dev-time tools only, the game does not need them)::

    .venv/bin/pip install fonttools
    .venv/bin/pip download --no-deps -d /tmp/emoji "manimgx-fonts==2026.9.26.post1"
    unzip -o /tmp/emoji/manimgx_fonts-*.whl -d /tmp/emoji
    .venv/bin/python scripts/subset_emoji_font.py \
        --source "/tmp/emoji/manimgx_fonts/NotoEmoji[wght].ttf" \
        --licence /tmp/emoji/manimgx_fonts-2026.9.26.post1.dist-info/licenses/LICENSE

Input: ``NotoEmoji[wght].ttf`` (Noto Emoji 3.002, Copyright 2013 Google LLC, SIL Open
Font License 1.1), as Noto publishes it, taken from the PyPI package ``manimgx-fonts``
(a registry the project's machines reach). Output:
``assets/fonts/NotoEmoji-Regular.ttf`` plus ``assets/fonts/NotoEmoji-OFL.txt``.

What is cut: the variable ``wght`` axis is pinned at 400 (a static Regular: half the
size, and SDL_ttf draws the default instance anyway), and the vertical-layout and
style tables (``vhea``, ``vmtx``, ``STAT``) go. Every character and every ligature
(skin tones, ZWJ sequences, flags, keycaps, which HarfBuzz in SDL_ttf shapes into one
glyph) is kept: players type any emoji.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "assets" / "fonts" / "NotoEmoji-Regular.ttf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--licence", type=Path, required=True, help="the package's LICENSE")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    font = TTFont(str(args.source))
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, {"wght": 400})
    unicodes = sorted(font.getBestCmap())

    options = subset.Options()
    options.layout_features = ["*"]  # the ligatures are the emoji sequences
    options.drop_tables += ["vhea", "vmtx", "STAT"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.recalcTimestamp = False  # the same input gives the same bytes
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))

    licence = args.output.with_name("NotoEmoji-OFL.txt")
    ofl = args.licence.read_text(encoding="utf-8")
    licence.write_text(_licence_text(font["name"].getDebugName(0), ofl), encoding="utf-8")
    size = args.output.stat().st_size
    print(
        f"{args.output.relative_to(ROOT)}: {len(unicodes)} characters, "
        f"{size / 1e6:.2f} MB; licence in {licence.name}"
    )
    return 0


def _licence_text(copyright_line: str, ofl: str) -> str:
    body = ofl[ofl.index("-----") :]  # the licence itself, after the package's preamble
    return (
        "The file NotoEmoji-Regular.ttf in this folder is Noto Emoji (version 3.002),\n"
        "its weight axis pinned at Regular (400), made by scripts/subset_emoji_font.py.\n\n"
        f"{copyright_line}\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
        f"{body}"
    )


if __name__ == "__main__":
    sys.exit(main())
