"""Text algorithms, no pygame: grapheme segmentation, word wrap, CJK character classes."""
