"""Turning one cell's raw value into a typed value, the way a careful clerk would read it.

Each parser returns ``Parsed(value, error, note)``: ``error`` rejects the cell (the clerk must fix
it), ``note`` accepts it with a 提示 saying how it was read.  The reader puts both after the field's
label (“一般公共预算”…), so they are phrases, not sentences.

Rules (issue 7):

* A value is accepted only when there is one reasonable reading of it: "1,234.56", "１２３.４５",
  "12万元", " 12.3 " are amounts (with a 提示 saying how they were read); "12元", "12%", "1e3",
  "(12.00)", negative numbers, three decimals, dates and TRUE/FALSE in an amount cell are errors
  naming what was found.
* Numbers arrive as float from the reader (Excel stores doubles).  A double is first rounded to
  the 15 significant digits Excel itself shows, so 1234.5600000000002 (a pasted calculation) is
  1234.56, and a typed 3547.87 is exactly what the clerk typed.
* Cells the reader marks (``workbook_file``) are never read as numbers: a formula (gen never uses
  a formula's cached result), an error value (#REF!, #DIV/0!), a number in a merged area.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Removed from text, with a 提示: C0/C1 controls (but tab and line breaks), DEL, lone surrogates and
# non-characters (not allowed in a Word document), the byte-order mark and zero-width space (left
# by copy-and-paste from web pages) and the bidirectional overrides that make text display in an
# order other than the one it is stored in.  Zero-width joiners stay: emoji sequences need them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff"
                      "\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DASHES = {"-", "--", "—", "——", "－", "/", "／", "–"}  # a clerk's "nothing here"
MAX_AMOUNT = Decimal("1e12")  # 万元: far above any budget; beyond it Decimal arithmetic loses digits
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = (dt.date(2000, 1, 1) - _EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days


@dataclass(frozen=True)
class Parsed:
    value: object = None
    error: str = ""
    note: str = ""


# --- cells the reader marks ----------------------------------------------------------------------

@dataclass(frozen=True)
class Formula:
    """A cell holding a formula. ``cached`` is the value the file stored with it (None when the file
    was never calculated, e.g. written by a program), ``error`` its cached error (#REF!, …)."""

    text: str | bytes  # bytes: still XML-escaped as found in the sheet, decoded only when shown
    cached: object = None
    error: str = ""

    def __str__(self) -> str:
        return self.error or ("" if self.cached is None else str(self.cached))

    def shown(self) -> str:
        raw = self.text if isinstance(self.text, str) else html.unescape(self.text.decode("utf-8", "replace"))
        text = " ".join(raw.split())
        return "=" + (text if len(text) <= 40 else text[:40] + "…") if text else ""


@dataclass(frozen=True)
class CellError:
    """An error value without a formula (typed or pasted as a value): #N/A, #REF!, …"""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Merged:
    """The value of the first cell of a merged area ``ref`` (e.g. "B5:C6") spanning ``rows`` rows."""

    value: object
    ref: str
    rows: int = 1
    covered: bool = False  # not the area's first cell: its content is hidden under the merge

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


_WHAT = {"amount": "数值（金额，万元）", "count": "整数", "area": "数值（面积，平方米）", "code": "编码", "date": "日期",
         "year": "年份", "text": "文字"}


def _marked(raw: object, what: str) -> Parsed | None:
    """A Parsed for a marked cell (formula, error value, merged number), or None for an ordinary one."""
    wanted = _WHAT[what]
    if isinstance(raw, Formula):
        shown = f"（{raw.shown()}）" if raw.shown() else ""
        hint = "；如果要填的文字本身以“=”开头，请在前面加英文单引号，如 '=100%" if what == "text" else ""
        if raw.error:
            return Parsed(error=f"公式出错：该单元格是公式{shown}，结果是错误值 {raw.error}。请改正，直接填写{wanted}"
                                f"（gen 不使用公式结果）")
        return Parsed(error=f"该单元格是公式{shown}，请直接填写{wanted}（gen 不使用公式结果）{hint}")
    if isinstance(raw, CellError):
        return Parsed(error=f"公式出错：该单元格是错误值 {raw.code}（公式出错后留下的结果），请直接填写{wanted}")
    if isinstance(raw, Merged) and what != "text":
        return Parsed(error=f"该单元格属于合并单元格 {raw.ref}，一个{wanted}占了几格，分不清属于哪一格。"
                            "请取消合并，每格填写自己的数")
    return None


# --- text ----------------------------------------------------------------------------------------

def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: object) -> Parsed:
    """Text as typed, trimmed; invisible control characters removed with a note.

    A number in a text cell keeps its digits (a phone number, "2024"); a date Excel made of
    "2024-01-01" is written back the way it was typed, with a note; TRUE/FALSE is written as Excel
    shows it, with a note.
    """
    marked = _marked(raw, "text")
    if marked:
        return marked
    notes = []
    if isinstance(raw, Merged):
        if raw.covered:
            notes.append(f"被合并单元格 {raw.ref} 遮住，屏幕上看不到，但仍按填写的内容读取；不需要的话请取消合并后删除")
        elif raw.rows > 1:
            notes.append(f"在合并单元格 {raw.ref} 中，只算作其第一格，合并的其他行按空白读取")
        raw = raw.value
    if raw is None:
        return Parsed("", note="，".join(notes))
    if isinstance(raw, bool):
        raw = "TRUE" if raw else "FALSE"
        notes.append(f"是逻辑值，已按文字“{raw}”读取")
    elif isinstance(raw, float):
        raw = _float_text(raw)
    elif isinstance(raw, dt.datetime):
        raw = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ", timespec="minutes")
        notes.append(f"被 Excel 当作日期，已按“{raw}”读取")
    elif isinstance(raw, dt.date):
        raw = raw.isoformat()
        notes.append(f"被 Excel 当作日期，已按“{raw}”读取")
    elif isinstance(raw, dt.time):
        raw = raw.isoformat(timespec="minutes")
        notes.append(f"被 Excel 当作时间，已按“{raw}”读取")
    text = _newlines(str(raw))
    cleaned = _CONTROL.sub("", text).strip()
    if cleaned != text.strip():
        notes.append("已删除文字中的不可见控制字符")
    return Parsed(cleaned, note="，".join(notes))


# --- numbers -------------------------------------------------------------------------------------

def _float_text(raw: float) -> str:
    """A double as the decimal Excel shows: 15 significant digits (1234.5600000000002 -> "1234.56")."""
    return f"{raw:.15g}"


@dataclass(frozen=True)
class _Units:
    """Units a clerk may type after a number: stripped with a note, or rejected with an error."""

    accepted: tuple[str, ...]  # suffixes stripped (longest first), with a note
    rejected: dict  # suffix -> error


_AMOUNT_UNITS = _Units(("万元", "万"), {"元": "金额单位应为万元：请换算成万元后只填数字（如 12.34），不要写“元”",
                                      "%": "金额不能是百分数", "亿元": "金额单位应为万元，请换算成万元后填写"})
_YUAN_UNITS = _Units(("元",), {"万元": "金额单位是元（见“单位信息”的金额单位）：请换算成元后只填数字，不要写“万元”",
                                "万": "金额单位是元（见“单位信息”的金额单位）：请换算成元后填写",
                                "%": "金额不能是百分数", "亿元": "金额单位是元，请换算成元后填写"})
_AREA_UNITS = _Units(("平方米", "平米", "㎡", "m2", "m²"), {"%": "面积不能是百分数"})
_COUNT_UNITS = _Units(("人", "辆", "台", "套", "个", "名"), {"万": "应填整数本身，不能写“万”", "%": "应填整数，不能是百分数"})
_YEAR_UNITS = _Units(("年度", "年"), {})


def _number_text(text: str, units: _Units) -> tuple[str, list[str], str]:
    """Normalise a number typed as text; returns (digits, notes, error)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    notes = []
    if folded != text.strip():
        notes.append("全角字符已转为半角")
    folded = folded.replace("\u2212", "-")  # the minus sign of some input methods
    folded = re.sub(r"\s+", "", folded)
    for suffix in sorted(units.rejected, key=len, reverse=True):
        if folded.endswith(suffix) and not any(folded.endswith(a) for a in units.accepted if len(a) > len(suffix)):
            return "", notes, units.rejected[suffix]
    for suffix in units.accepted:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)]
            notes.append(f"已去掉单位“{suffix}”")
            break
    if folded.startswith(("¥", "￥", "$")):
        return "", notes, "不要写货币符号，只填数字（金额以万元为单位）"
    if folded.startswith("(") and folded.endswith(")"):
        return "", notes, "不能为负数（括号表示负数）"
    if "," in folded:
        if not _GROUPED.fullmatch(folded):
            return "", notes, f"“{text.strip()[:20]}”的千分位逗号位置不对，请只填数字，如 1234.56"
        folded = folded.replace(",", "")
        notes.append("已去掉千分位逗号")
    if not _NUMBER.fullmatch(folded):
        return "", notes, ""
    return folded, notes, ""


def _decimal(raw: object, places: int, what: str, units: _Units) -> Parsed:
    """Shared by amounts, areas and counts: a Decimal >= 0 with at most ``places`` decimals."""
    marked = _marked(raw, what)
    if marked:
        return marked
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(error=f"应填{_WHAT[what]}，这里是逻辑值 {'TRUE' if raw else 'FALSE'}（是/否）")
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return Parsed(error=f"应填{_WHAT[what]}，这里是日期或时间（{raw}）。请检查单元格格式，改为数字")
    if isinstance(raw, dt.timedelta):
        return Parsed(error=f"应填{_WHAT[what]}，这里是时长（{raw}）。请检查单元格格式，改为数字")
    note = ""
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return Parsed(error="不是有效数字")
        text = _float_text(raw) if isinstance(raw, float) else str(raw)
    else:
        shown = str(raw).strip()
        if unicodedata.normalize("NFKC", shown) in _DASHES:
            return Parsed(None, note=f"填的是“{shown}”，已按空白（0）读取")
        text, notes, error = _number_text(str(raw), units)
        if error:
            return Parsed(error=error)
        if not text:
            return Parsed(error=f"“{shown[:20]}”不是数字，请填写{_WHAT[what]}")
        note = "数字以文本形式填写，已按数字读取" + ("：" + "，".join(notes) if notes else "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Parsed(error=f"“{str(raw).strip()[:20]}”不是数字，请填写{_WHAT[what]}")
    if not value.is_finite():
        return Parsed(error="不是有效数字")
    if value < 0:
        return Parsed(error=f"不能为负数（填的是 {text}）")
    if value >= MAX_AMOUNT:
        return Parsed(error=f"数字过大（{text}），请检查单位和小数点")
    step = Decimal(1).scaleb(-places)
    if value != value.quantize(step):
        unit = "金额以万元为单位，" if what == "amount" else ""
        if places == 0:
            return Parsed(error=f"应为整数（填的是 {text}）")
        return Parsed(error=f"最多{places}位小数（填的是 {text}；{unit}请保留两位小数，gen 不替您舍入）")
    return Parsed(value.quantize(step), note=note)


def parse_decimal(raw: object, places: int = 2) -> Parsed:
    """An amount (万元): >= 0, at most ``places`` decimals. Blank is None (zero)."""
    return _decimal(raw, places, "amount", _AMOUNT_UNITS)


def parse_yuan(raw: object) -> Parsed:
    """An amount typed in 元 (a workbook whose 金额单位 is 元, as the budget system holds it): >= 0, at
    most two decimals (分), returned in 万元 exactly — 1,234.56 元 is 0.123456 万元.  Nothing is rounded
    here: compute rounds each printed figure from its exact sum."""
    parsed = _decimal(raw, 2, "amount", _YUAN_UNITS)
    if parsed.error or parsed.value is None:
        return parsed
    return Parsed(parsed.value / YUAN_PER_WAN, note=parsed.note)


YUAN_PER_WAN = Decimal(10000)


def parse_area(raw: object) -> Parsed:
    """An area (平方米): >= 0, at most two decimals. Blank is None (zero)."""
    return _decimal(raw, 2, "area", _AREA_UNITS)


def parse_count(raw: object) -> Parsed:
    """A whole number >= 0 (people, vehicles, devices). Blank is None (zero)."""
    parsed = _decimal(raw, 0, "count", _COUNT_UNITS)
    if parsed.error or parsed.value is None:
        return parsed
    return Parsed(int(parsed.value), note=parsed.note)


def parse_code(raw: object) -> Parsed:
    """A classification code: digits only; a number cell keeps its digits."""
    marked = _marked(raw, "code")
    if marked:
        return marked
    if raw is None:
        return Parsed("")
    if isinstance(raw, bool):
        return Parsed(error=f"编码只能由数字组成，这里是逻辑值 {'TRUE' if raw else 'FALSE'}")
    if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return Parsed(error=f"编码只能由数字组成，这里是日期或时间（{raw}）。请把单元格格式设为文本后重新填写")
    if isinstance(raw, float):
        if not raw.is_integer() or abs(raw) >= 1e15:
            return Parsed(error=f"编码只能由数字组成（填的是 {_float_text(raw)}）")
        raw = int(raw)
    original = _CONTROL.sub("", str(raw))
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", original))
    if not text:
        return Parsed("")
    if not (text.isascii() and text.isdigit()):
        return Parsed(error=f"编码“{text[:20]}”只能由数字组成")
    note = "全角数字已转为半角" if re.sub(r"\s+", "", original) != text else ""
    return Parsed(text, note=note)


# --- dates ---------------------------------------------------------------------------------------

def parse_date(raw: object) -> Parsed:
    """A date: a date cell, or text like 2024-01-26 / 2024年1月26日 / 2024/1/26 (with a note)."""
    marked = _marked(raw, "date")
    if marked:
        return marked
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None)
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    if isinstance(raw, bool):
        return Parsed(error="应填日期，如 2024-01-26，这里是逻辑值")
    if isinstance(raw, (int, float)):
        if float(raw).is_integer() and _SERIAL_MIN <= raw <= _SERIAL_MAX:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(raw))
            return Parsed(day, note=f"是数字 {int(raw)}，已按 Excel 日期序号读作 {day.isoformat()}；"
                                    "请把单元格格式设为日期")
        return Parsed(error=f"应填日期，如 2024-01-26（填的是数字 {_float_text(float(raw))}）")
    text = unicodedata.normalize("NFKC", _CONTROL.sub("", str(raw))).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        try:
            return Parsed(dt.date(*map(int, match.groups())), note="日期以文本形式填写，已按日期读取")
        except ValueError:
            pass
    return Parsed(error=f"“{text[:20]}”不是有效日期，请填写如 2024-01-26")


def parse_year(raw: object) -> Parsed:
    """A four-digit budget year 2000–2100 ("2024年" is read with a note)."""
    marked = _marked(raw, "year")
    if marked:
        return marked
    if isinstance(raw, (dt.date, dt.datetime)):
        return Parsed(error=f"应填四位年份，如 2024，这里是日期（{raw}）")
    parsed = _decimal(raw, 0, "year", _YEAR_UNITS)
    if parsed.error or parsed.value is None:
        return Parsed(error=parsed.error.replace("应为整数", "应为四位年份")) if parsed.error else parsed
    if not 2000 <= parsed.value <= 2100:
        return Parsed(error=f"年度应为四位年份，如 2024（填的是 {parsed.value}）")
    return Parsed(int(parsed.value), note=parsed.note)
