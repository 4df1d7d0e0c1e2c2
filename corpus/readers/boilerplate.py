"""Drop web boilerplate that survives main-text extraction: cookie/consent banners and share bars.

Works on paragraphs (blocks separated by blank lines) and whole lines only, and never drops a block
that looks like meeting content (an item number, "ที่ประชุม", "มติ", ...).
"""

from __future__ import annotations

import re

_COOKIE_WORD = re.compile(r"คุ[๊้]?กกี้|cookie|consent|gdpr", re.IGNORECASE)

# Phrases that only a consent banner or its settings dialog says.
_BANNER_PHRASE = re.compile(
    r"ยอมรับทั้งหมด|ปฏิเสธทั้งหมด|ยอมรับคุ[๊้]?กกี้|ตั้งค่าคุ[๊้]?กกี้|การตั้งค่าคุ[๊้]?กกี้|ตั้งค่าความเป็นส่วนตัว"
    r"|จัดการความเป็นส่วนตัว|บันทึกการตั้งค่า|เปิดใช้งานตลอด|เว็บไซต์นี้ใช้คุ[๊้]?กกี้|เราใช้คุ[๊้]?กกี้"
    r"|we use cookies|this (?:web)?site uses cookies|accept all|reject all|accept cookies|cookie settings"
    r"|manage (?:cookies|preferences|consent)|privacy settings|save (?:settings|preferences)",
    re.IGNORECASE,
)

# Short interface labels that make up a banner's remaining lines (buttons, toggles).
_UI_LABELS = {
    "ยอมรับ",
    "ยอมรับทั้งหมด",
    "ปฏิเสธ",
    "ปฏิเสธทั้งหมด",
    "ตกลง",
    "ปิด",
    "ตั้งค่า",
    "บันทึกการตั้งค่า",
    "จัดการความเป็นส่วนตัว",
    "ตั้งค่าความเป็นส่วนตัว",
    "เปิดใช้งานตลอด",
    "เปิด",
    "ปิดใช้งาน",
    "อ่านเพิ่มเติม",
    "รายละเอียดเพิ่มเติม",
    "accept",
    "accept all",
    "reject",
    "reject all",
    "ok",
    "close",
    "settings",
    "save settings",
    "save preferences",
    "always active",
    "learn more",
    "read more",
}

# Footer links that may stand alone on a line ("นโยบายความเป็นส่วนตัว | นโยบายคุ้กกี้").
_POLICY_LINK = re.compile(
    r"นโยบาย(?:ความเป็นส่วนตัว|คุ[๊้]?กกี้|การใช้คุ[๊้]?กกี้|การคุ้มครองข้อมูลส่วนบุคคล|เว็บไซต์"
    r"|การรักษาความมั่นคงปลอดภัย(?:เว็บไซต์)?)|privacy policy|cookies? policy|terms of use",
    re.IGNORECASE,
)

_SHARE_VERBS = {"แชร์", "แชร์หน้านี้", "แบ่งปัน", "share", "sharethis", "tweet", "พิมพ์หน้านี้"}
_SHARE_WORDS = _SHARE_VERBS | {
    "this",
    "page",
    "on",
    "to",
    "ไปยัง",
    "facebook",
    "twitter",
    "x",
    "line",
    "email",
    "e-mail",
    "print",
    "พิมพ์",
    "copy",
    "link",
    "คัดลอกลิงก์",
    "คัดลอกลิงค์",
    "messenger",
    "linkedin",
    "like",
}
_TOKEN_SPLIT = re.compile(r"[\s|•·,:/]+")

# Content never to drop: numbered items and the vocabulary of minutes.
_CONTENT = re.compile(
    r"^\s*(?:[\d๐-๙]{1,3}[.)]|\([\d๐-๙]{1,3}\)|ข้อ\s*[\d๐-๙])|ที่ประชุม|มติ|ระเบียบวาระ|มอบหมาย|เห็นชอบ|รับทราบ"
)

_BLOCK_SPLIT = re.compile(r"(\n[ \t]*\n\s*)")
_BULLET = re.compile(r"^[\s•·▪◦\-*–]+")


def _label(line: str) -> str:
    return _BULLET.sub("", line).strip().strip(":").strip().lower()


def _is_share_line(line: str) -> bool:
    tokens = [t for t in _TOKEN_SPLIT.split(_label(line)) if t]
    if not tokens or any(t not in _SHARE_WORDS for t in tokens):
        return False
    return any(t in _SHARE_VERBS for t in tokens) or len(tokens) >= 2


def _is_link_line(line: str) -> bool:
    rest = _POLICY_LINK.sub("", _label(line))
    return rest != _label(line) and not _TOKEN_SPLIT.sub("", rest)


def _protected(block: str) -> bool:
    return bool(_CONTENT.search(block))


def _cookieish(block: str) -> bool:
    """A block a consent banner could be made of: mentions cookies, or only buttons and policy links."""
    if _COOKIE_WORD.search(block) or _BANNER_PHRASE.search(block):
        return True
    lines = [ln for ln in block.splitlines() if ln.strip()]
    return bool(lines) and all(_label(ln) in _UI_LABELS or _is_link_line(ln) for ln in lines)


def _drop_lines(block: str) -> str:
    """Drop share bars and lone policy-link lines inside a block."""
    lines = block.split("\n")
    kept = [ln for ln in lines if not (ln.strip() and (_is_share_line(ln) or _is_link_line(ln)))]
    return "\n".join(kept) if len(kept) != len(lines) else block


def strip_boilerplate(text: str) -> str:
    """Remove cookie/consent banners, share bars and policy-link lines; keep every content paragraph.

    A run of consecutive cookie-ish blocks is dropped only when it contains a banner phrase
    (e.g. "ยอมรับทั้งหมด", "ตั้งค่าความเป็นส่วนตัว", "we use cookies"); a paragraph that merely
    mentions a policy or cookies is kept.
    """
    parts = _BLOCK_SPLIT.split(text)
    blocks, seps = parts[0::2], ["", *parts[1::2]]
    drop = [False] * len(blocks)
    i = 0
    while i < len(blocks):
        if not _cookieish(blocks[i]) or _protected(blocks[i]):
            i += 1
            continue
        j = i
        while j < len(blocks) and _cookieish(blocks[j]) and not _protected(blocks[j]):
            j += 1
        if any(_BANNER_PHRASE.search(b) for b in blocks[i:j]):
            drop[i:j] = [True] * (j - i)
        i = j
    out: list[str] = []
    for block, sep, dropped in zip(blocks, seps, drop, strict=True):
        if dropped:
            continue
        cleaned = _drop_lines(block)
        if not cleaned.strip():
            continue
        out.append((sep if out else "") + cleaned)
    return "".join(out)
