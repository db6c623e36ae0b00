"""Placing every piece of text on screen so that none hides another: a small layout solver.

Each frame the scene hands :meth:`TextLayout.solve` a list of :class:`Claim`: what
wants to be shown, how big it is, where it belongs and how much it matters. Fixed
claims (the HUD strip, an open chat box or log panel) stay where they are and are
obstacles; movable claims (speech bubbles, name labels, floating numbers, the hint) are placed in
priority order, highest first, each at the first free spot among:

1. its *home*: the preferred side of the anchor (above the speaker's head, say),
   unshifted, so a label displaced for a moment goes back under its owner as soon
   as that spot is free again;
2. where it stood last frame, if that spot is still free (so a displaced claim does
   not jitter between the other spots);
3. its preferred side, then the other vertical side, then left, then right, each
   shifted along its side in steps of :attr:`TextLayout.step` pixels (0, +1, −1,
   +2, −2 … steps), kept inside the screen. Left and right sit beside the owner's
   sprite (``Claim.body_width``), never on it.

"Free" means inside the screen margin, intersecting no claim placed before it and
none of the sprites passed to :meth:`TextLayout.solve` (the player, the NPC being
talked to: they stay visible). Only when no spot is free of the sprites does a claim
with ``over_sprites=True`` (a name label, a floating number) settle for one over a
sprite; a bubble (``over_sprites=False``) does not.
A claim that finds no free spot *yields*: it gets no place this frame (the caller
does not draw it; it keeps its own timers and comes back when there is room). The
highest claim never yields: with no free spot it takes its preferred one.

The order is deterministic: priority, then the claim's key. The solver keeps only
each key's last spot between frames. No pygame drawing here; ``pygame.Rect`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pygame

__all__ = ["KINDS", "Claim", "TextLayout"]

#: What a piece of text on screen is (the ``kind`` of ``App.visible_text()``).
KINDS = ("bubble", "hint", "label", "hud", "log", "chatbox", "float")

_SIDES = ("above", "below", "left", "right")


@dataclass(frozen=True, slots=True)
class Claim:
    """A piece of text that wants room on screen.

    ``key`` names it from frame to frame (``"bubble:guide"``); ``kind`` is one of
    :data:`KINDS`; ``owner`` the speaker's display name or ``None``; ``text`` what
    it shows. ``size`` is its box in pixels. For a fixed claim ``at`` is its
    top-left corner; for a movable one it is the point it belongs to above
    (e.g. the speaker's head) and ``below_at`` the point below (the feet; default
    ``at``). ``gap`` keeps that many pixels between the box and its point (a
    bubble's tail). Higher ``priority`` is placed first. ``body_width`` is the
    width in pixels of the owner's sprite, centred on ``at``: the left and right
    sides keep clear of it. Every claim prefers a spot off the sprites given to
    :meth:`TextLayout.solve`; ``over_sprites=False`` keeps it off them always.
    """

    key: str
    kind: str
    owner: str | None
    text: str
    size: tuple[int, int]
    at: tuple[float, float]
    priority: float
    fixed: bool = False
    prefer: str = "above"
    below_at: tuple[float, float] | None = None
    gap: int = 0
    body_width: float = 0.0
    over_sprites: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.prefer not in _SIDES:
            raise ValueError(f"prefer must be one of {_SIDES}, not {self.prefer!r}")
        if self.size[0] < 0 or self.size[1] < 0:
            raise ValueError(f"size must not be negative, not {self.size!r}")


class TextLayout:
    """Places claims on a screen of ``screen`` pixels, ``margin`` pixels from its edges."""

    def __init__(self, screen: pygame.Rect, *, margin: int = 4, step: int = 24) -> None:
        if step < 1:
            raise ValueError(f"step must be at least 1 pixel, not {step!r}")
        self.screen = pygame.Rect(screen)
        self.margin = margin
        self.step = step
        self._last: dict[str, tuple[str, int]] = {}  # key → (side, shift) last frame

    def solve(
        self, claims: Iterable[Claim], sprites: Sequence[pygame.Rect] = ()
    ) -> dict[str, pygame.Rect | None]:
        """Where each claim goes this frame (``None``: it yields), by key.

        ``sprites`` are screen rects that claims with ``over_sprites=False`` keep off.
        Raises ``ValueError`` if two claims share a key.
        """
        ordered = sorted(claims, key=lambda c: (not c.fixed, -c.priority, c.key))
        keys = [c.key for c in ordered]
        if len(set(keys)) != len(keys):
            raise ValueError(f"claim keys must be unique: {sorted(keys)}")
        taken: list[pygame.Rect] = []
        placed: dict[str, pygame.Rect | None] = {}
        first_movable = True
        for claim in ordered:
            rect: pygame.Rect | None
            if claim.fixed:
                rect = pygame.Rect((round(claim.at[0]), round(claim.at[1])), claim.size)
            else:
                rect = None
                if sprites:  # every claim looks for a spot that leaves the sprites visible first
                    rect = self._place(claim, [*taken, *sprites], must=False)
                if rect is None and (claim.over_sprites or not sprites or first_movable):
                    # The highest claim may cover a sprite rather than another text.
                    rect = self._place(claim, taken, must=first_movable)
                first_movable = False
            placed[claim.key] = rect
            if rect is not None and rect.width and rect.height:
                taken.append(rect)
        for key in list(self._last):
            if key not in placed:
                del self._last[key]  # gone: it starts afresh when it comes back
        return placed

    def _place(
        self, claim: Claim, taken: Sequence[pygame.Rect], *, must: bool
    ) -> pygame.Rect | None:
        inner = self.screen.inflate(-2 * self.margin, -2 * self.margin)
        candidates = self._candidates(claim)
        last = self._last.get(claim.key)
        if last is not None and last != candidates[0]:
            candidates.insert(1, last)  # home first: a displaced claim goes back when it can
        for side, shift in candidates:
            rect = self._rect(claim, side, shift, inner)
            if rect.collidelist(taken) == -1 and inner.contains(rect):
                self._last[claim.key] = (side, shift)
                return rect
        if must:  # the most important text is shown even if something is in the way
            fits = [c for c in candidates if inner.contains(self._rect(claim, *c, inner))]
            side, shift = (fits or candidates)[0]
            self._last[claim.key] = (side, shift)
            return self._rect(claim, side, shift, inner).clamp(inner)
        self._last.pop(claim.key, None)
        return None

    def _candidates(self, claim: Claim) -> list[tuple[str, int]]:
        vertical = ("above", "below") if claim.prefer != "below" else ("below", "above")
        order = [claim.prefer] + [s for s in (*vertical, "left", "right") if s != claim.prefer]
        w, h = claim.size
        candidates = []
        for side in order:
            reach = w if side in ("above", "below") else h
            steps = max(1, reach // self.step + 1)
            shifts = [0]
            for n in range(1, steps + 1):
                shifts += [n * self.step, -n * self.step]
            candidates += [(side, shift) for shift in shifts]
        return candidates

    def _rect(self, claim: Claim, side: str, shift: int, inner: pygame.Rect) -> pygame.Rect:
        w, h = claim.size
        ax, ay = claim.at
        bx, by = claim.below_at if claim.below_at is not None else claim.at
        gap = claim.gap
        half = claim.body_width / 2
        if side == "above":
            x, y = ax - w / 2 + shift, ay - gap - h
        elif side == "below":
            x, y = bx - w / 2 + shift, by + gap
        elif side == "left":
            x, y = min(ax, bx) - half - gap - w, (ay + by) / 2 - h / 2 + shift
        else:
            x, y = max(ax, bx) + half + gap, (ay + by) / 2 - h / 2 + shift
        rect = pygame.Rect(round(x), round(y), w, h)
        # Slide along the side into the screen, never across it: a side with no room
        # is no candidate (the box would land on its own speaker).
        if side in ("above", "below"):
            rect.x = max(inner.left, min(rect.x, inner.right - w))
        else:
            rect.y = max(inner.top, min(rect.y, inner.bottom - h))
        return rect
