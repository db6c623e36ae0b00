"""The village: where things stand (as data) and how the still parts look (drawn once).

The layout is plain rectangles and points, so the scene can turn each solid
into a collider and the tests can reason about it without pygame. The
painting is procedural: no image files to license.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pygame

from game.scene import HEIGHT, WIDTH, DrawLayer, Mechanic, SceneContext
from game.widgets.fonts import load_font
from game.widgets.text import render_text

__all__ = ["LAYOUT", "House", "Layout", "Village", "paint_village"]

Rect = tuple[int, int, int, int]
Point = tuple[float, float]


GRASS = (104, 158, 88)
GRASS_LIGHT = (116, 170, 96)
GRASS_DARK = (92, 144, 78)
PATH = (205, 178, 128)
PATH_EDGE = (184, 156, 108)
WATER = (82, 148, 196)
WATER_LIGHT = (132, 188, 224)
FENCE = (150, 104, 62)
FENCE_DARK = (108, 72, 40)
TRUNK = (110, 76, 46)
LEAVES = (62, 122, 70)
LEAVES_LIGHT = (84, 146, 84)
WALL = (236, 222, 196)
WALL_SHADE = (212, 196, 168)
DOOR = (122, 82, 52)
SIGN = (244, 226, 170)  # a painted board
WINDOW = (148, 196, 222)
OUTLINE = (58, 46, 40)


@dataclass(frozen=True, slots=True)
class House:
    """A house: ``body`` is its solid footprint, ``roof`` its colour."""

    body: Rect
    roof: tuple[int, int, int]
    #: A board over the door naming the house (quests send the player to "the bakery").
    sign: str | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything that stands somewhere in the village."""

    houses: tuple[House, ...]
    fences: tuple[Rect, ...]
    trees: tuple[Point, ...]  # centres; the trunk is solid, the crown is not
    pond: Rect
    paths: tuple[Rect, ...]
    coin_spots: tuple[Point, ...]
    npc_spots: dict[str, Point]
    hazard_route: tuple[Point, ...]
    player_start: Point

    def solids(self) -> list[Rect]:
        """Every rectangle the player cannot walk through."""
        trunks = [(round(x) - 9, round(y) + 4, 18, 16) for x, y in self.trees]
        x, y, w, h = self.pond
        # Two overlapping boxes follow the oval water closer than one would.
        water = [(x + 24, y + 8, w - 48, h - 16), (x + 8, y + 24, w - 16, h - 48)]
        return [h.body for h in self.houses] + list(self.fences) + trunks + water


TREE_RADIUS = 22

LAYOUT = Layout(
    houses=(
        House((70, 60, 150, 96), (176, 74, 64)),
        House((300, 40, 120, 86), (74, 104, 170)),
        House((730, 56, 160, 100), (92, 140, 84), sign="Bakery · 面包店"),
        House((80, 380, 140, 92), (160, 112, 64)),
        House((740, 392, 150, 90), (126, 82, 146)),
    ),
    fences=(
        (560, 110, 120, 8),  # garden fence by the bakery
        (560, 110, 8, 90),
        (250, 470, 140, 8),  # fence along the south meadow
        (600, 470, 110, 8),
    ),
    # None north of the garden fence: the way from the plate to the gate stays clear.
    trees=((250, 170), (604, 160), (40, 180), (920, 330), (360, 400), (880, 20)),
    pond=(420, 380, 160, 92),
    paths=(
        (0, 232, WIDTH, 64),  # the main road, west to east
        (448, 0, 64, HEIGHT),  # the north-south lane
        (380, 190, 200, 150),  # the plaza where they cross
        (130, 156, 36, 80),  # to the inn's door
        (790, 156, 36, 80),  # to the bakery's door
        (135, 292, 32, 90),
        (800, 292, 32, 102),
    ),
    coin_spots=(
        (60, 262),
        (200, 262),
        (330, 270),
        (620, 258),
        (760, 270),
        (900, 262),
        (478, 60),
        (478, 150),
        (300, 330),
        (660, 340),
        (520, 500),
        (180, 500),
        (860, 500),
        (640, 180),
    ),
    npc_spots={"guide": (560, 212), "baker": (850, 190)},
    # The west road, back and forth, stopping short of the square (the bell, Ada).
    hazard_route=((96, 264), (330, 264)),
    player_start=(466, 300),
)


def paint_village(layout: Layout = LAYOUT, seed: int = 7) -> pygame.Surface:
    """Paint the still parts of the village once; each frame then costs one blit.

    ``seed`` only places grass tufts and flowers: decoration, never state.
    """
    surface = pygame.Surface((WIDTH, HEIGHT))
    rng = random.Random(seed)
    surface.fill(GRASS)
    for _ in range(900):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        shade = GRASS_LIGHT if rng.random() < 0.5 else GRASS_DARK
        pygame.draw.line(surface, shade, (x, y), (x + rng.choice((-1, 1)), y - 3))

    paths = [pygame.Rect(rect) for rect in layout.paths]
    for path in paths:
        pygame.draw.rect(surface, PATH_EDGE, path.inflate(6, 6), border_radius=10)
    for path in paths:
        pygame.draw.rect(surface, PATH, path, border_radius=8)
    for _ in range(260):  # pebbles
        path = rng.choice(paths)
        x = rng.randrange(path.left + 4, path.right - 4)
        y = rng.randrange(path.top + 4, path.bottom - 4)
        pygame.draw.circle(surface, PATH_EDGE, (x, y), rng.choice((1, 1, 2)))

    _paint_pond(surface, layout.pond)
    for _ in range(70):  # flowers, away from the paths
        x, y = rng.randrange(8, WIDTH - 8), rng.randrange(8, HEIGHT - 8)
        if any(path.inflate(12, 12).collidepoint(x, y) for path in paths):
            continue
        color = rng.choice(((240, 240, 220), (238, 150, 170), (246, 206, 90), (170, 160, 236)))
        for dx, dy in ((-2, 0), (2, 0), (0, -2), (0, 2)):
            pygame.draw.circle(surface, color, (x + dx, y + dy), 2)
        pygame.draw.circle(surface, (240, 190, 60), (x, y), 1)

    for fence in layout.fences:
        _paint_fence(surface, pygame.Rect(fence))
    for house in layout.houses:
        _paint_house(surface, house)
    for tree_x, tree_y in layout.trees:
        _paint_tree(surface, round(tree_x), round(tree_y))
    return surface


def _paint_pond(surface: pygame.Surface, rect: Rect) -> None:
    bank = pygame.Rect(rect)
    pygame.draw.ellipse(surface, PATH_EDGE, bank)
    pygame.draw.ellipse(surface, WATER, bank.inflate(-10, -10))
    pygame.draw.ellipse(surface, WATER_LIGHT, bank.inflate(-70, -60).move(-18, -10), width=2)
    pygame.draw.ellipse(surface, WATER_LIGHT, bank.inflate(-110, -70).move(30, 14), width=2)


def _paint_fence(surface: pygame.Surface, rect: pygame.Rect) -> None:
    horizontal = rect.width >= rect.height
    rail = rect.inflate(0, -4) if horizontal else rect.inflate(-4, 0)
    pygame.draw.rect(surface, FENCE, rail)
    length = rect.width if horizontal else rect.height
    for offset in range(0, length, 16):
        post = (
            pygame.Rect(rect.left + offset, rect.top - 6, 6, rect.height + 8)
            if horizontal
            else pygame.Rect(rect.left - 1, rect.top + offset, rect.width + 2, 8)
        )
        pygame.draw.rect(surface, FENCE, post, border_radius=2)
        pygame.draw.rect(surface, FENCE_DARK, post, width=1, border_radius=2)


def _paint_house(surface: pygame.Surface, house: House) -> None:
    body = pygame.Rect(house.body)
    # A soft shadow to the south-east grounds the house.
    shadow = pygame.Surface(body.size, pygame.SRCALPHA)
    shadow.fill((0, 0, 0, 50))
    surface.blit(shadow, body.move(6, 6))
    roof_height = body.height * 45 // 100
    wall = pygame.Rect(
        body.left + 6, body.top + roof_height, body.width - 12, body.height - roof_height
    )
    pygame.draw.rect(surface, WALL, wall)
    pygame.draw.rect(surface, WALL_SHADE, (wall.left, wall.bottom - 6, wall.width, 6))
    pygame.draw.rect(surface, OUTLINE, wall, width=2)
    roof = [
        (body.left, body.top + roof_height + 4),
        (body.left + 16, body.top),
        (body.right - 16, body.top),
        (body.right, body.top + roof_height + 4),
    ]
    pygame.draw.polygon(surface, house.roof, roof)
    darker = tuple(max(c - 40, 0) for c in house.roof)
    for row in range(body.top + 10, body.top + roof_height, 10):
        pygame.draw.line(surface, darker, (body.left + 8, row), (body.right - 8, row), 2)
    pygame.draw.polygon(surface, OUTLINE, roof, width=2)
    door = pygame.Rect(0, 0, 20, 30)
    door.midbottom = (wall.centerx, wall.bottom)
    pygame.draw.rect(surface, DOOR, door, border_top_left_radius=8, border_top_right_radius=8)
    pygame.draw.rect(
        surface, OUTLINE, door, width=2, border_top_left_radius=8, border_top_right_radius=8
    )
    for side in (-1, 1):
        window = pygame.Rect(0, 0, 20, 16)
        window.center = (wall.centerx + side * wall.width // 3, wall.centery - 2)
        pygame.draw.rect(surface, WINDOW, window)
        pygame.draw.rect(surface, OUTLINE, window, width=2)
        pygame.draw.line(surface, OUTLINE, window.midtop, window.midbottom, 1)
    if house.sign:
        label = render_text(load_font(12), house.sign, OUTLINE)
        board = label.get_rect().inflate(10, 4)
        board.midbottom = (wall.centerx, wall.top + 14)  # over the door, under the eaves
        pygame.draw.rect(surface, SIGN, board, border_radius=3)
        pygame.draw.rect(surface, OUTLINE, board, width=1, border_radius=3)
        surface.blit(label, label.get_rect(center=board.center))


def _paint_tree(surface: pygame.Surface, x: int, y: int) -> None:
    shadow = pygame.Surface((TREE_RADIUS * 2 + 8, 16), pygame.SRCALPHA)
    pygame.draw.ellipse(shadow, (0, 0, 0, 60), shadow.get_rect())
    surface.blit(shadow, (x - TREE_RADIUS - 4, y + 12))
    pygame.draw.rect(surface, TRUNK, (x - 5, y + 2, 10, 18), border_radius=3)
    pygame.draw.circle(surface, LEAVES, (x, y - 6), TREE_RADIUS)
    pygame.draw.circle(surface, LEAVES_LIGHT, (x - 7, y - 13), TREE_RADIUS // 2)
    pygame.draw.circle(surface, OUTLINE, (x, y - 6), TREE_RADIUS, width=2)


class Village(Mechanic):
    """The still parts: a solid collider for each wall, the map's edges, the painted ground.

    Reacts to nothing; other mechanics bump into its colliders.
    """

    def __init__(self, context: SceneContext, layout: Layout = LAYOUT) -> None:
        super().__init__(context)
        self.layout = layout
        for rect in layout.solids():
            self.add_collider(rect, layer="wall")
        width, height = context.size
        self.add_collider((-40, -40, width + 80, 40), layer="wall")  # the village's edges
        self.add_collider((-40, height, width + 80, 40), layer="wall")
        self.add_collider((-40, 0, 40, height), layer="wall")
        self.add_collider((width, 0, 40, height), layer="wall")
        self._background: pygame.Surface | None = None
        self.draws(DrawLayer.GROUND, self.draw)

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """The village, painted once and then blitted."""
        if self._background is None:
            self._background = paint_village(self.layout).convert()
        surface.blit(self._background, (0, 0))
