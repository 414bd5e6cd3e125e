"""Draw the demo's cover pictures: flat, friendly illustrations made only of Pillow shapes,
so the demo ships pictures that are our own (no photos, no fonts, no outside files).

    .venv/bin/python scripts/draw_demo_pictures.py

writes lifelong/site/demo/pictures/*.png. Each scene is drawn at twice its size and scaled
down (Pillow's shapes have no anti-aliasing of their own), then reduced to a small palette so
every file stays well under 60 KB. The demo loader (lifelong/site/demo/pictures.py) puts
them through the same upload pipeline staff use.
"""

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "lifelong" / "site" / "demo" / "pictures"
W, H = 960, 540
S = 2  # drawn at twice the size, then scaled down: smooth edges
COLOURS = 40  # palette size of the saved PNG

GREEN = (11, 93, 59)
LEAF = (74, 150, 92)
PALE_LEAF = (170, 212, 160)
SKY = (204, 230, 240)
DEEP_SKY = (120, 180, 210)
SUN = (246, 190, 80)
ORANGE = (179, 71, 0)
CREAM = (250, 244, 230)
PAPER = (255, 252, 244)
INK = (34, 38, 36)
GREY = (120, 128, 124)
RED = (200, 60, 50)
SKIN = (236, 190, 150)
BLUE = (52, 100, 160)
SEA = (60, 130, 170)
WHITE = (255, 255, 255)


class Canvas:
    """A drawing surface in final-size coordinates (scaled by S internally)."""

    def __init__(self, background):
        self.image = Image.new("RGB", (W * S, H * S), background)
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _box(box):
        return [round(v * S) for v in box]

    def rect(self, box, fill, radius=0):
        if radius:
            self.draw.rounded_rectangle(self._box(box), radius=radius * S, fill=fill)
        else:
            self.draw.rectangle(self._box(box), fill=fill)

    def ellipse(self, box, fill):
        self.draw.ellipse(self._box(box), fill=fill)

    def circle(self, x, y, r, fill):
        self.ellipse((x - r, y - r, x + r, y + r), fill)

    def polygon(self, points, fill):
        self.draw.polygon([(round(x * S), round(y * S)) for x, y in points], fill=fill)

    def line(self, points, fill, width):
        scaled = [(round(x * S), round(y * S)) for x, y in points]
        self.draw.line(scaled, fill=fill, width=round(width * S), joint="curve")
        for x, y in (points[0], points[-1]):  # round caps
            self.circle(x, y, width / 2, fill)

    def pieslice(self, box, start, end, fill):
        self.draw.pieslice(self._box(box), start, end, fill=fill)

    def arc(self, box, start, end, fill, width):
        self.draw.arc(self._box(box), start, end, fill=fill, width=round(width * S))

    def save(self, name: str) -> Path:
        image = self.image.resize((W, H), Image.Resampling.LANCZOS)
        image = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        path = OUT / f"{name}.png"
        image.save(path, format="PNG", optimize=True)
        return path


def hills(c: Canvas, base: float, colour, rng: random.Random, bumps=4):
    points = [(0, H)]
    for n in range(bumps * 8 + 1):
        x = n * W / (bumps * 8)
        points.append((x, base - 30 * math.sin(n / 8 * math.pi) - rng.uniform(0, 6)))
    points.append((W, H))
    c.polygon(points, colour)


def person(c: Canvas, x, y, scale=1.0, shirt=BLUE, hair=INK):
    """A simple seated or standing figure seen from the front: head, hair and shoulders."""
    r = 22 * scale
    c.rect((x - 38 * scale, y + r * 0.9, x + 38 * scale, y + r * 0.9 + 70 * scale), shirt, radius=int(26 * scale))
    c.circle(x, y, r, SKIN)
    c.pieslice((x - r, y - r, x + r, y + r), 180, 360, hair)


# --- The scenes ----------------------------------------------------------------------------------


def reading() -> Canvas:
    c = Canvas(CREAM)
    c.rect((0, 380, W, H), (222, 200, 170))  # table
    c.rect((560, 60, 900, 330), (190, 140, 100), radius=8)  # shelf
    rng = random.Random(1)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    for shelf_y in (80, 200):
        x = 580
        while x < 870:
            w = rng.choice((22, 26, 30, 34))
            h = rng.choice((90, 100, 105))
            colour = rng.choice((GREEN, ORANGE, BLUE, RED, LEAF, SUN))
            c.rect((x, shelf_y + 110 - h, x + w, shelf_y + 110), colour, radius=3)
            x += w + 4
        c.rect((570, shelf_y + 110, 890, shelf_y + 118), (150, 105, 70))
    # An open book on the table.
    c.polygon([(170, 330), (330, 300), (330, 440), (170, 470)], PAPER)
    c.polygon([(490, 330), (330, 300), (330, 440), (490, 470)], (245, 240, 228))
    c.polygon([(160, 470), (330, 440), (500, 470), (500, 482), (330, 452), (160, 482)], GREEN)
    for n in range(6):
        y = 330 + n * 18
        c.line([(190, y + 6 - n), (310, y - 18 - n)], (170, 170, 165), 3)
        c.line([(350, y - 18 - n), (470, y + 6 - n)], (170, 170, 165), 3)
    # A cup of tea with steam.
    c.rect((600, 380, 680, 450), WHITE, radius=14)
    c.arc((660, 395, 705, 435), 270, 90, WHITE, 8)
    c.rect((600, 380, 680, 392), (120, 170, 110), radius=6)
    for dx in (620, 650):
        c.arc((dx - 10, 320, dx + 10, 370), 90, 270, (200, 190, 180), 4)
    c.circle(120, 120, 50, SUN)
    return c


def tai_chi() -> Canvas:
    c = Canvas(SKY)
    rng = random.Random(2)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    c.circle(740, 150, 70, SUN)
    hills(c, 360, PALE_LEAF, rng)
    c.rect((0, 430, W, H), LEAF)
    # Trees.
    for x in (120, 860):
        c.rect((x - 10, 300, x + 10, 440), (120, 85, 60))
        c.circle(x, 270, 70, GREEN)
        c.circle(x - 40, 310, 45, LEAF)
    # The figure: a tai chi pose (one arm up, one forward, wide stance), in white clothes.
    x, y = 470, 230
    c.line([(x, y + 40), (x - 70, y + 220)], WHITE, 34)  # back leg
    c.line([(x, y + 40), (x + 80, y + 200), (x + 95, y + 225)], WHITE, 34)  # front leg
    c.rect((x - 35, y - 40, x + 35, y + 70), WHITE, radius=26)  # body
    c.line([(x - 20, y - 20), (x - 90, y - 70), (x - 110, y - 120)], WHITE, 20)  # raised arm
    c.line([(x + 20, y - 15), (x + 100, y + 10), (x + 150, y)], WHITE, 20)  # pushing arm
    c.circle(x - 112, y - 128, 13, SKIN)
    c.circle(x + 158, y - 2, 13, SKIN)
    c.circle(x, y - 75, 32, SKIN)
    c.pieslice((x - 32, y - 107, x + 32, y - 43), 180, 360, GREY)
    c.rect((x - 90, y + 222, x - 50, y + 236), INK, radius=6)
    c.rect((x + 80, y + 220, x + 125, y + 234), INK, radius=6)
    # A red fan in the raised hand.
    c.pieslice((x - 175, y - 190, x - 45, y - 60), 200, 290, RED)
    return c


def calligraphy() -> Canvas:
    c = Canvas((236, 226, 206))
    c.rect((120, 70, 700, 480), PAPER, radius=6)  # the sheet
    c.rect((120, 70, 700, 90), (200, 60, 50))
    # Brush strokes: a bold character-like composition (not a real character).
    c.line([(260, 170), (560, 160)], INK, 26)
    c.line([(410, 120), (400, 420)], INK, 28)
    c.line([(300, 260), (250, 380)], INK, 22)
    c.line([(500, 250), (600, 380)], INK, 24)
    c.line([(310, 300), (520, 290)], INK, 18)
    c.rect((600, 400, 660, 460), RED, radius=6)  # the seal
    c.rect((612, 412, 648, 448), (240, 140, 120), radius=3)
    # The brush lying diagonally, and the ink stone.
    c.line([(740, 120), (880, 420)], (150, 100, 60), 18)
    c.polygon([(870, 400), (896, 390), (920, 470), (900, 478)], INK)
    c.rect((730, 420, 900, 500), (70, 72, 74), radius=18)
    c.ellipse((750, 432, 880, 488), INK)
    return c


def smartphone_class() -> Canvas:
    c = Canvas((232, 240, 236))
    # A big phone held in two hands.
    c.rect((330, 40, 630, 520), INK, radius=40)
    c.rect((348, 80, 612, 480), WHITE, radius=14)
    colours = [GREEN, ORANGE, BLUE, RED, SUN, LEAF, SEA, (140, 90, 160), GREY]
    for n, colour in enumerate(colours):
        col, row = n % 3, n // 3
        x, y = 380 + col * 82, 110 + row * 82
        c.rect((x, y, x + 58, y + 58), colour, radius=14)
    c.rect((370, 370, 590, 420), (220, 240, 226), radius=22)  # a chat bubble
    c.rect((390, 388, 520, 402), GREEN, radius=7)
    c.circle(480, 500, 10, (80, 84, 82))
    for x, flip in ((330, 1), (630, -1)):
        c.ellipse((x - 60, 330, x + 60, 470), SKIN)
        c.rect((x - 50 * flip - 40, 400, x - 50 * flip + 40, H), (90, 120, 170))
    # Friendly helpers around: chat dots and a check mark.
    c.circle(170, 150, 60, WHITE)
    for dx in (-22, 0, 22):
        c.circle(170 + dx, 150, 8, GREEN)
    c.circle(790, 170, 62, GREEN)
    c.line([(760, 172), (782, 195), (822, 148)], WHITE, 14)
    return c


def paddy_fields() -> Canvas:
    c = Canvas(SKY)
    rng = random.Random(5)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    c.circle(160, 110, 60, SUN)
    hills(c, 230, (150, 196, 150), rng, bumps=3)
    colours = [(126, 184, 90), (96, 160, 80), (160, 200, 100), (110, 172, 96), (84, 140, 70)]
    top = 250
    for n, colour in enumerate(colours):
        bottom = top + 28 + n * 10
        c.polygon([(0, top), (W, top - 20 + n * 6), (W, bottom), (0, bottom + 12)], colour)
        for k in range(14):  # rows of seedlings
            x = 30 + k * 68 + (n % 2) * 30
            c.line([(x, bottom - 10), (x + 4, bottom - 26)], GREEN, 4)
        top = bottom
    c.rect((0, top, W, H), (84, 140, 70))
    # A farmer's hat and a water channel.
    c.polygon([(620, 420), (700, 370), (780, 420)], (230, 200, 120))
    c.rect((600, 418, 800, 430), (200, 160, 90), radius=6)
    c.polygon([(0, 500), (W, 470), (W, 490), (0, 525)], SEA)
    return c


def lecture_hall() -> Canvas:
    c = Canvas((240, 236, 228))
    c.rect((0, 0, W, 70), (214, 206, 192))
    c.rect((230, 60, 730, 300), WHITE, radius=8)  # the screen
    c.rect((230, 60, 730, 84), GREEN, radius=8)
    c.rect((270, 120, 480, 138), GREEN, radius=6)
    c.rect((270, 160, 560, 172), GREY, radius=6)
    c.rect((270, 190, 520, 202), GREY, radius=6)
    for k, h in enumerate((60, 100, 80, 130)):  # a small bar chart
        c.rect((580 + k * 30, 270 - h, 600 + k * 30, 270), (ORANGE if k == 3 else LEAF))
    person(c, 810, 190, 1.2, shirt=ORANGE)  # the speaker
    c.rect((770, 300, 860, 420), (150, 105, 70), radius=6)  # lectern
    # Rows of learners seen from behind.
    rng = random.Random(6)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    for row, y in enumerate((390, 460)):
        for k in range(7):
            x = 90 + k * 110 + (row * 50)
            hair = rng.choice((INK, GREY, (200, 200, 200), (90, 60, 40)))
            shirt = rng.choice((BLUE, GREEN, RED, LEAF, (140, 90, 160), SEA))
            c.rect((x - 42, y + 18, x + 42, y + 110), shirt, radius=28)
            c.circle(x, y, 26, hair)
    return c


def choir() -> Canvas:
    c = Canvas((255, 240, 220))
    c.rect((0, 360, W, H), (180, 60, 50))  # stage curtain base
    for x in range(0, W, 80):
        c.rect((x, 0, x + 40, 40), (200, 70, 55))
    # Music notes.
    for x, y, colour in ((150, 120, GREEN), (260, 70, ORANGE), (720, 90, GREEN), (830, 150, BLUE)):
        c.ellipse((x, y + 60, x + 40, y + 90), colour)
        c.line([(x + 37, y + 74), (x + 37, y)], colour, 7)
        c.line([(x + 37, y), (x + 62, y + 18)], colour, 7)
    # The choir: three rows of singers with open mouths.
    rng = random.Random(7)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    for row, (y, count, scale) in enumerate(((190, 5, 0.95), (250, 6, 1.0), (315, 7, 1.05))):
        width = (count - 1) * 110
        for k in range(count):
            x = W / 2 - width / 2 + k * 110
            shirt = (GREEN, ORANGE, WHITE)[row] if k % 2 == 0 else (LEAF, SUN, CREAM)[row]
            hair = rng.choice((INK, GREY, (210, 210, 210)))
            person(c, x, y, scale, shirt=shirt, hair=hair)
            c.ellipse((x - 6, y + 6, x + 6, y + 16), (150, 50, 50))
    return c


def seaside_science() -> Canvas:
    c = Canvas(SKY)
    c.circle(820, 110, 56, SUN)
    # The bay: sea, far shore hills, the seawall.
    rng = random.Random(8)  # noqa: S311 - fixed shapes for a drawing, nothing secret
    hills(c, 260, (150, 190, 170), rng, bumps=2)
    c.rect((0, 300, W, H), SEA)
    for k in range(9):
        y = 330 + k * 22
        x = (k * 137) % 700
        c.line([(x, y), (x + 120, y)], (150, 200, 220), 4)
    # The power station on the shore: two domes and a hall.
    c.rect((120, 210, 520, 305), (232, 236, 238))
    for x in (200, 400):
        c.rect((x - 70, 150, x + 70, 260), (245, 247, 248))
        c.pieslice((x - 70, 80, x + 70, 220), 180, 360, (245, 247, 248))
        c.rect((x - 70, 200, x + 70, 212), (200, 60, 50))
    c.rect((460, 120, 490, 240), (220, 224, 226))
    c.rect((110, 300, 540, 312), GREY)
    # The seawall and a walker with a kite.
    c.polygon([(560, 330), (W, 300), (W, 340), (560, 360)], (190, 180, 160))
    c.line([(760, 300), (720, 150)], INK, 2)
    c.polygon([(720, 120), (745, 150), (720, 180), (695, 150)], ORANGE)
    person(c, 770, 270, 0.55, shirt=GREEN)
    return c


SCENES: dict[str, Callable[[], Canvas]] = {
    "reading": reading,
    "tai-chi": tai_chi,
    "calligraphy": calligraphy,
    "smartphone-class": smartphone_class,
    "paddy-fields": paddy_fields,
    "lecture-hall": lecture_hall,
    "choir": choir,
    "seaside-science": seaside_science,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, scene in SCENES.items():
        path = scene().save(name)
        size = path.stat().st_size
        total += size
        print(f"{path.name}: {size / 1024:.1f} KB")
        if size > 60 * 1024:
            raise SystemExit(f"{path.name} is over 60 KB")
    print(f"total: {total / 1024:.1f} KB")
    if total > 400 * 1024:
        raise SystemExit("the pictures add up to over 400 KB")


if __name__ == "__main__":
    main()
