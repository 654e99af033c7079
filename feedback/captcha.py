"""R4.4 the public board's math captcha, sealed in its own token (issue 13: a lean post path).

Opening the board writes nothing: the sum and its answer travel in the form, encrypted and signed (Fernet
under a key derived from ``SECRET_KEY``, time-stamped), so a reader of the page learns neither. Posting
decrypts the token (refused once older than ``CAPTCHA_TIMEOUT`` minutes, or if altered), then *spends* it —
one row in ``SpentCaptcha``, whose primary key refuses a second use — before comparing the answer: a wrong
answer spends the sum too, so an answer cannot be guessed by trying again. A spent row is kept only while
its token could still be answered: beat deletes the expired ones hourly (``feedback.captchas_purge``).

The picture of the sum is drawn from the token by ``image_png`` (the vendored WenQuanYi font, rotated
characters, noise dots), as django-simple-captcha drew it from its table.
"""
from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import io
import random
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "dudao.feedback.captcha"
OPERATORS = ("+", "-", "×")


def timeout_minutes() -> int:
    """How long a sum can be answered (the setting ``CAPTCHA_TIMEOUT``, 30 minutes)."""
    return settings.CAPTCHA_TIMEOUT


@functools.lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    return Fernet(sealing_key(secret))


def sealing_key(secret: str | None = None) -> str:
    """The Fernet key the tokens are sealed with, derived from ``SECRET_KEY`` (``make bench`` hands it to its
    load generator, which reads the sums as a person reads the picture)."""
    digest = salted_hmac(SALT, "board-captcha", secret=secret or settings.SECRET_KEY, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()


def new_token() -> str:
    """A fresh sum sealed in a token: two numbers from 1 to 10 added, subtracted (never below zero) or
    multiplied."""
    a, b, op = random.randint(1, 10), random.randint(1, 10), random.choice(OPERATORS)  # noqa: S311 — not secrets
    if op == "-" and a < b:
        a, b = b, a
    answer = a + b if op == "+" else a - b if op == "-" else a * b
    # the random tail makes two tokens of the same sum unrelated even within Fernet's one-second stamp
    plain = f"{a}{op}{b}|{answer}|{secrets.token_hex(4)}"
    return _fernet(settings.SECRET_KEY).encrypt(plain.encode()).decode()


def unseal(fernet: Fernet, token: str, ttl: int | None = None) -> tuple[str, str] | None:
    """(question, answer) of a token sealed by ``fernet`` (no older than ``ttl`` seconds), else None. Also
    what ``make bench``'s citizens read the sums with, given the key."""
    try:
        question, answer, _tail = fernet.decrypt(token.encode("ascii"), ttl=ttl).decode().split("|")
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None
    return question, answer


def _open(token: str) -> tuple[str, str] | None:
    """(question, answer) of a token sealed here and still answerable, else None."""
    return unseal(_fernet(settings.SECRET_KEY), token, ttl=timeout_minutes() * 60)


def question_of(token: str) -> str | None:
    """The sum a token asks, e.g. ``"7×8"`` (None when expired or not ours)."""
    opened = _open(token)
    return opened[0] if opened else None


def answer_of(token: str) -> str | None:
    """The answer a token expects (None when expired or not ours). For tests and the benchmark's citizens."""
    opened = _open(token)
    return opened[1] if opened else None


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def spend(token: str) -> bool:
    """Record the token as used; False when it was used before. One statement, inside the caller's
    transaction when there is one (the board's post: the same commit as the message)."""
    from .models import SpentCaptcha

    expires = timezone.now() + datetime.timedelta(minutes=timeout_minutes())
    table = connection.ops.quote_name(SpentCaptcha._meta.db_table)
    with connection.cursor() as cursor:
        # the table's name is the model's, quoted; the values are parameters
        cursor.execute(f"INSERT INTO {table} (token_hash, expires_at) VALUES (%s, %s) "  # nosec B608
                       "ON CONFLICT DO NOTHING", [_token_key(token), expires])
        return cursor.rowcount == 1


def verify(token: str, response: str) -> bool:
    """Whether ``response`` answers the token's sum. A token that opens is spent first, right or wrong."""
    opened = _open(token or "")
    if opened is None:
        return False
    if not spend(token):
        return False
    return response.strip() == opened[1]


def purge() -> int:
    """Delete the spent tokens that have expired anyway (beat, hourly)."""
    from .models import SpentCaptcha

    deleted, _by_model = SpentCaptcha.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- the picture

FONT_SIZE = 34
ROTATION = (-8, 8)


@functools.lru_cache(maxsize=1)
def _font():
    from PIL import ImageFont

    from reports.fonts import cjk_font_path

    return ImageFont.truetype(str(cjk_font_path()), FONT_SIZE)


def image_png(question: str) -> bytes:
    """The sum drawn as a PNG: each character rotated a little, dark on white, sprinkled with dots."""
    from PIL import Image, ImageDraw

    font = _font()
    text = f"{question}="
    glyphs = []
    for char in text:
        _left, _top, right, bottom = font.getbbox(f" {char} ")
        glyph = Image.new("L", (right, bottom), 0)
        ImageDraw.Draw(glyph).text((0, 0), f" {char} ", font=font, fill=255)
        glyph = glyph.rotate(random.randrange(*ROTATION), expand=False, resample=Image.BICUBIC)  # noqa: S311
        inked = glyph.getbbox()
        glyphs.append(glyph.crop(inked) if inked else glyph)
    width = sum(g.size[0] + 4 for g in glyphs) + 8
    height = max(g.size[1] for g in glyphs) + 14
    image = Image.new("RGB", (width, height), "#ffffff")
    x = 6
    for glyph in glyphs:
        image.paste(Image.new("RGB", glyph.size, "#001100"), (x, (height - glyph.size[1]) // 2), glyph)
        x += glyph.size[0] + 4
    draw = ImageDraw.Draw(image)
    for _dot in range(int(width * height * 0.08)):
        draw.point((random.randrange(width), random.randrange(height)), fill="#001100")  # noqa: S311
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
