"""Turning one cell's raw value into a typed value, the way a careful clerk would read it.

Each parser returns ``Parsed(value, error, note)``: ``error`` rejects the cell (the clerk must fix
it), ``note`` accepts it with a 提示 saying how it was read.  Numbers arrive as float from the
reader (Excel stores doubles); ``repr`` gives the shortest decimal that round-trips, which is what
the clerk typed.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_UNIT_SUFFIX = re.compile(r"(万元|万|元)$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class Parsed:
    value: object = None
    error: str = ""
    note: str = ""


def clean_text(raw: object) -> Parsed:
    """Text as typed, trimmed; control characters removed with a note."""
    if raw is None:
        return Parsed("")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    cleaned = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if cleaned != text.strip().replace("\r\n", "\n").replace("\r", "\n"):
        return Parsed(cleaned, note="已删除文字中的不可见控制字符")
    return Parsed(cleaned)


def _number_text(text: str) -> tuple[str, str]:
    """Normalise a number typed as text; returns (digits, note)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    notes = []
    if folded != text.strip():
        notes.append("全角字符已转为半角")
    unit = _UNIT_SUFFIX.search(folded)
    if unit:
        if unit.group(1) == "元" and not folded.endswith("万元"):
            return "", "金额单位应为万元，不能写“元”"
        folded = folded[: unit.start()].strip()
        notes.append("已去掉单位“万元”")
    if "," in folded:
        if not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", folded):
            return "", "千分位逗号位置不对"
        folded = folded.replace(",", "")
        notes.append("已去掉千分位逗号")
    return folded, "，".join(notes)


def parse_decimal(raw: object, places: int = 2) -> Parsed:
    """An amount (万元) or area: >= 0, at most ``places`` decimals. Blank is zero."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(error="应填数字，不能是“是/否”（TRUE/FALSE）")
    note = ""
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return Parsed(error="不是有效数字")
        text = repr(raw) if isinstance(raw, float) else str(raw)
    elif isinstance(raw, (dt.date, dt.datetime)):
        return Parsed(error="应填数字，这里是日期（检查单元格格式）")
    else:
        text, note = _number_text(str(raw))
        if not text:
            return Parsed(error=note or "应填数字")
        note = ("数字以文本形式填写，已按数字读取" + ("：" + note if note else ""))
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Parsed(error=f"“{str(raw).strip()[:20]}”不是数字，请填写金额（万元，最多两位小数）")
    if not value.is_finite():
        return Parsed(error="不是有效数字")
    if value < 0:
        return Parsed(error="不能为负数")
    step = Decimal(1).scaleb(-places)
    if value != value.quantize(step):
        return Parsed(error=f"最多{places}位小数（金额以万元为单位，保留两位小数）")
    return Parsed(value.quantize(step), note=note)


def parse_count(raw: object) -> Parsed:
    """A whole number >= 0 (people, vehicles, devices). Blank is zero."""
    parsed = parse_decimal(raw, places=6)
    if parsed.error or parsed.value is None:
        return parsed
    if parsed.value != parsed.value.to_integral_value():
        return Parsed(error="应为整数")
    return Parsed(int(parsed.value), note=parsed.note)


def parse_code(raw: object) -> Parsed:
    """A classification code: digits only; a number cell keeps its digits."""
    if raw is None:
        return Parsed("")
    if isinstance(raw, float):
        if not raw.is_integer():
            return Parsed(error="编码只能是数字，不能有小数点")
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    if not text:
        return Parsed("")
    if not text.isdigit():
        return Parsed(error=f"编码“{text[:20]}”只能由数字组成")
    return Parsed(text)


def parse_date(raw: object) -> Parsed:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None)
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return Parsed(dt.date(*map(int, match.groups())), note="日期以文本形式填写，已按日期读取")
        except ValueError:
            pass
    return Parsed(error=f"“{text[:20]}”不是有效日期，请填写如 2024-01-26")


def parse_year(raw: object) -> Parsed:
    parsed = parse_count(raw)
    if parsed.error or parsed.value is None:
        return parsed
    if not 2000 <= parsed.value <= 2100:
        return Parsed(error="年度应为四位年份，如 2024")
    return parsed
