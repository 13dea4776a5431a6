"""Random VALID units across the whole input space, and the truth each one implies.

Why: the example unit passes because everything was tuned on it (issue 10).  This generator makes
units unlike it — every fund source present, absent, appearing and disappearing, carry-over money,
co-funded projects, 0–80 projects, many 功能类, years 2023–2027, long names, rounding edges — each
internally consistent, so ``gen check`` finds no error, and ``truth(content)`` says what the
document must print, computed here from the content alone (never through ``gen.compute``).

* ``units()``: a hypothesis strategy of content dicts (what ``gen.workbook_write.write_workbook``
  writes).  Hypothesis draws the *shape* (counts, which sources appear or disappear, which
  features are on) and a seed for the details, so a failure shrinks to fewer projects, fewer
  rows and fewer features.
* ``random_unit(seed)``: the same generator driven by one seed, for scripts
  (``tools/random_units.py``).
* ``truth(content)``: the expected figures (see ``Truth``).

Amounts are whole cents internally and written as 万元 strings with two decimals.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

from gen.catalog import bundled
from synthetic import (_KUAN, _TOPICS, _split, compared_row, function_items, other_facts, overall_perf,
                       project_texts, sangong_row, sheets, spending_totals, unit_facts)

# --- the domain, spelled out independently of gen.compute ----------------------------------------

FUNDS = ("gpb", "gpb_transfer", "gf", "gf_transfer", "soe", "soe_transfer", "special", "unit",
         "carry_gpb", "carry_gf", "carry_soe", "balance_special", "balance_unit")
FUND_LABEL = {
    "gpb": "一般公共预算", "gpb_transfer": "上级一般公共预算转移支付", "gf": "政府性基金预算",
    "gf_transfer": "上级政府性基金转移支付", "soe": "国有资本经营预算", "soe_transfer": "上级国有资本经营预算转移支付",
    "special": "财政专户核拨", "unit": "单位资金", "carry_gpb": "结转：一般公共预算", "carry_gf": "结转：政府性基金预算",
    "carry_soe": "结转：国有资本经营预算", "balance_special": "结余：财政专户核拨", "balance_unit": "结余：单位资金",
}
FUND_BY_LABEL = {v: k for k, v in FUND_LABEL.items()}
CURRENT_FISCAL = ("gpb", "gpb_transfer", "gf", "gf_transfer", "soe", "soe_transfer")
CARRY_FISCAL = ("carry_gpb", "carry_gf", "carry_soe")
FISCAL = CURRENT_FISCAL + CARRY_FISCAL  # 财政拨款 for a project: this year's or carried over
GPB_FAMILY = ("gpb", "gpb_transfer")
FAMILIES = (("一般公共预算", ("gpb", "gpb_transfer")), ("政府性基金预算", ("gf", "gf_transfer")),
            ("国有资本经营预算", ("soe", "soe_transfer")))

# 第三部分 二: narrative label, 收支总额 key, funds
SOURCES = (
    ("一般公共预算", "gpb", ("gpb",)),
    ("上级一般公共预算安排的转移支付资金", "gpb_transfer", ("gpb_transfer",)),
    ("政府性基金预算", "gf", ("gf",)),
    ("上级政府性基金安排的转移支付资金", "gf_transfer", ("gf_transfer",)),
    ("国有资本经营预算", "soe", ("soe",)),
    ("上级国有资本经营预算安排的转移支付资金", "soe_transfer", ("soe_transfer",)),
    ("财政专户核拨", "special", ("special",)),
    ("单位资金", "unit_funds", ("unit",)),
    ("上年结转结余", "carryover", ("carry_gpb", "carry_gf", "carry_soe", "balance_special", "balance_unit")),
)
SOURCE_FUNDS = {key: funds for _, key, funds in SOURCES}
UNIT_PARTS = ("unit_business", "unit_superior", "unit_affiliate", "unit_operating", "unit_other")
ECON = ("c301", "c302", "c303", "c307", "c309", "c310", "c311", "c312", "c313", "c399")
SANGONG = (("abroad", "因公出国（境）费", ("30212",)), ("reception", "公务接待费", ("30217",)),
           ("car_purchase", "公务用车购置费", ("30913", "31013")), ("car_running", "公务用车运行费", ("30231",)))
SANGONG_CODES = {c for _, _, codes in SANGONG for c in codes}
STATES = ("absent", "present", "new", "dropped")  # this year / last year: 0/0, x/y, x/0, 0/y

CENT = Decimal("0.01")


def yuan(cents: int) -> str:
    """Cents as a 万元 amount string with two decimals ("1234.50")."""
    return f"{Decimal(cents) / 100:.2f}"


def cents(value) -> int:
    return int((Decimal(str(value or 0)) * 100).to_integral_value()) if value not in (None, "") else 0


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> Decimal:
    """part/whole in %, its own ratio half-up to 0.01 (domain-standard §7, revised)."""
    return half_up(Decimal(part) * 100 / Decimal(whole)) if whole else Decimal("0.00")


# --- the shape: what hypothesis draws and shrinks -------------------------------------------------

@dataclass(frozen=True)
class Shape:
    seed: int
    year: int
    kind: str
    long_name: bool
    items: int  # 项 rows with money
    states: tuple[tuple[str, str], ...]  # (收支总额 source key, state)
    projects: int
    co_funded: int
    carry_projects: int
    sangong: str  # zero | some | new | normal
    edges: bool  # amounts whose shares and changes land on .xx5
    unchanged: bool  # sources and totals equal to last year
    no_projects_ever: bool  # 0 → 0 项目支出
    dropped_items: int  # 项 with money last year only
    yuan: bool = False  # the workbook in 元 (单位信息 金额单位), printed in 万元 rounded from exact sums


_SOURCE_WEIGHTS = {  # (absent, present, new, dropped) weights per source
    "gpb": (1, 14, 2, 2), "gpb_transfer": (6, 6, 3, 3), "gf": (9, 3, 3, 3), "gf_transfer": (10, 2, 2, 2),
    "soe": (10, 2, 2, 2), "soe_transfer": (11, 2, 2, 2), "special": (8, 3, 3, 3), "unit_funds": (6, 5, 3, 3),
    "carryover": (7, 4, 4, 3),
}


class _Seeded:
    """Choices from one random.Random (``random_unit``)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def weighted(self, options, weights):
        return self.rng.choices(options, weights)[0]


class _Drawn:
    """Choices drawn from hypothesis (``units()``): each shrinks towards the first option / the low end."""

    def __init__(self, draw):
        self.draw = draw

    def int(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def weighted(self, options, weights):
        # the most likely option first, so shrinking goes towards the common case
        order = sorted(range(len(options)), key=lambda i: -weights[i])
        ticket = self.draw(st.integers(0, sum(weights) - 1))
        for i in order:
            if ticket < weights[i]:
                return options[i]
            ticket -= weights[i]
        raise AssertionError("unreachable")


def _shape(c, seed: int) -> Shape:
    def chance(percent: int) -> bool:
        return c.weighted((False, True), (100 - percent, percent))

    states = tuple((key, c.weighted(STATES, _SOURCE_WEIGHTS[key])) for _, key, _ in SOURCES)
    if not any(s in ("present", "new") for _, s in states):
        states = (("gpb", "present"),) + states[1:]
    no_projects_ever = chance(6)
    projects = 0 if no_projects_ever else c.weighted((0, 1, 2, 3, 5, 8, 13, 20, 35, 80), (3, 5, 6, 6, 6, 5, 4, 3, 2, 1))
    return Shape(
        seed=seed, year=c.int(2023, 2027), kind=c.weighted(("行政单位", "参公事业单位", "事业单位"), (1, 1, 1)),
        long_name=chance(15), items=c.weighted((1, 2, 3, 5, 8, 12, 20, 30), (2, 3, 4, 5, 5, 4, 2, 1)),
        states=states, projects=projects, co_funded=min(projects, c.weighted((0, 1, 2, 3), (4, 3, 2, 1))),
        carry_projects=c.weighted((0, 1, 2), (3, 2, 1)),
        sangong=c.weighted(("normal", "zero", "some", "new"), (4, 2, 2, 2)),
        edges=chance(30), unchanged=chance(15), no_projects_ever=no_projects_ever,
        dropped_items=c.weighted((0, 1, 2), (5, 3, 1)), yuan=chance(25),
    )


@st.composite
def units(draw) -> dict:
    """Hypothesis strategy: a valid unit's workbook content."""
    seed = draw(st.integers(0, 2**32 - 1))
    return generate(_shape(_Drawn(draw), seed))


def random_unit(seed: int) -> dict:
    """The unit of ``seed`` (same generator as ``units()``), for scripts."""
    return generate(_shape(_Seeded(random.Random(seed)), seed))


# --- details -----------------------------------------------------------------------------------

_PLACES = ("阿克陶县", "乌恰县", "阿图什市", "阿合奇县", "疏附县", "伽师县", "莎车县", "巴楚县", "和静县", "若羌县")
_ORGS = ("人力资源和社会保障局", "财政局", "教育局", "卫生健康委员会", "林业和草原局", "水利局", "司法局", "档案馆",
         "融媒体中心", "应急管理局", "民政局", "农业农村局", "社会保险中心", "疾病预防控制中心", "第一中学")
_PERSONNEL = ("30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199", "30302",
              "30305")
_PUBLIC = ("30201", "30202", "30205", "30206", "30207", "30209", "30211", "30213", "30215", "30216", "30217",
           "30218", "30228", "30229", "30231", "30239", "30299")
_REASON = {True: "业务量增加，相关经费相应增加", False: "按照过紧日子要求压减一般性支出"}


# 项 beyond the bench's pool: 退役安置 (../shared/catalogs/function_codes_2023.csv) and 229 其他支出, whose 款
# the bundled catalog lacks, so the unit declares their names (name-only 收入明细 rows).
_EXTRA_KUAN = (("20809", "退役安置"), ("22999", "其他支出"))
_EXTRA_ITEMS = (("2080901", "退役士兵安置"), ("2080902", "军队移交政府的离退休人员安置"), ("2080905", "军队转业干部安置"),
                ("2080999", "其他退役安置支出"), ("2299999", "其他支出"))


def _kuan_names() -> dict[str, str]:
    return dict(_KUAN + _EXTRA_KUAN)  # the bench's 2024 款 names: reused, the catalog lacks most of them


def _pool() -> list[tuple[str, str]]:
    """Every (7-digit 项, name) the generator may use: the bench's, the bundled catalog's, a few more."""
    items = dict(function_items())
    items.update((c, n) for c, n in bundled().function.items() if len(c) == 7)
    items.update(_EXTRA_ITEMS)
    return sorted(items.items())


def _edge_prior(current: int) -> int:
    """A last-year figure whose change percentage lands exactly on .xx5: with prior = 20000·2^j cents and
    j the power of two in ``current``, (current − prior)·10000/prior is an odd number of halves."""
    j = (current & -current).bit_length() - 1 if current else 0
    return 20000 << j


def _near(rng: random.Random, value: int, shape: Shape, edge: bool = True) -> int:
    """Last year's figure for a figure present in both years."""
    if shape.unchanged:
        return value
    if shape.edges and edge and not shape.yuan and rng.random() < 0.6:
        return _edge_prior(value)
    return max(1, int(value * rng.uniform(0.6, 1.4)))


def generate(shape: Shape) -> dict:
    """One unit's content, internally consistent: every 收支总额 figure computed from the details."""
    rng = random.Random(shape.seed)
    year = shape.year
    scale = 100 if shape.yuan else 1  # internal unit: 0.01 万元, or 0.01 元 (分) for a workbook in 元

    def draw(lo: int, hi: int) -> int:
        """An amount between lo and hi hundredths of 万元; in 元 any 分 — and with ``edges`` sometimes
        exactly on half a printed cent (x.xx5 万元)."""
        if not shape.yuan:
            return rng.randint(lo, hi)
        value = rng.randint(lo, hi) * 100 + rng.randint(0, 99)
        return value - value % 10000 + 5000 if shape.edges and value > 10000 and rng.random() < 0.4 else value

    state = dict(shape.states)
    catalog = bundled().function
    kuan_names = _kuan_names()
    econ_names = bundled().economic

    place, org = rng.choice(_PLACES), rng.choice(_ORGS)
    name = f"{place}{org}"
    if shape.long_name:
        name = (name + "下属乡镇社会事务综合服务与保障管理中心办公室综合业务管理")[:38] + "分部"
    # 收入明细: 项 rows and which funds carry current money on them.
    pool = _pool()
    rows = sorted(rng.sample(pool, min(len(pool), shape.items + shape.dropped_items)))
    live, dropped_rows = rows[: shape.items], rows[shape.items:]
    live = sorted(live)
    money: dict[str, dict[str, int]] = {code: {} for code, _ in live}
    for key, s in shape.states:
        if s not in ("present", "new"):
            continue
        funds = SOURCE_FUNDS[key]
        chosen = [rng.choice(funds)] + [f for f in funds if rng.random() < 0.3]
        for fund in dict.fromkeys(chosen):
            for code, _ in rng.sample(live, rng.randint(1, min(3, len(live)))):
                money[code][fund] = money[code].get(fund, 0) + draw(50, 3_000_000 if fund == "gpb_transfer"
                                                                          else 800_000)
    if shape.edges and not shape.yuan:
        # a 收入 total of 200.00·2^j and one source with exactly j factors of two: its share lands on .xx5
        grand = sum(v for m in money.values() for v in m.values())
        target = 20000
        while target < grand + 100:
            target *= 2
        j = (target // 20000).bit_length() - 1
        others = [(c, f) for c, m in money.items() for f in m if f != "gpb"]
        if others:
            code, fund = rng.choice(others)
            v = money[code][fund]
            money[code][fund] = max(1 << j, v - v % (2 << j) + (1 << j))
        grand = sum(v for m in money.values() for v in m.values())
        while target < grand + 100:
            target *= 2
        gpb_rows = [c for c, m in money.items() if "gpb" in m]
        if gpb_rows:
            money[rng.choice(gpb_rows)]["gpb"] += target - grand
    names = dict(rows)

    # 项目: charged to a (项, fund) with money, never more than that money.
    left = {(c, f): v for c, m in money.items() for f, v in m.items()}
    projects: list[tuple[dict, str, int]] = []

    def add_project(pname: str, key: tuple[str, str]) -> None:
        code, fund = key
        low = 100 * scale  # at least 0.01 万元 printed
        amount = rng.randint(low, max(low, int(left[key] * rng.uniform(0.2, 0.9))))
        left[key] -= amount
        classes = sorted(set(rng.sample(ECON, rng.randint(1, 3))))
        p = {"name": pname, "code": code, "fund": FUND_LABEL[fund]}
        for econ, part in zip(classes, _split(rng, amount, len(classes))):
            p[econ] = yuan(part)
        p.update(project_texts(rng, place, year, yuan(amount), "c303" in classes, ("王芳", "李娜", "阿依古丽", "买买提", "张伟")))
        projects.append((p, fund, amount))

    def free(funds) -> list[tuple[str, str]]:
        return [k for k, v in left.items() if v >= 200 * scale and k[1] in funds]

    carry_funds = SOURCE_FUNDS["carryover"]
    for k in range(shape.projects if not shape.no_projects_ever else 0):
        carry = k < shape.carry_projects
        candidates = free(carry_funds) if carry else [k2 for k2 in free(FUNDS) if k2[1] not in carry_funds]
        if not candidates:
            candidates = free(FUNDS)
        if not candidates:
            break
        # 一般公共预算 projects most often: weight them
        weighted = candidates + [c for c in candidates if c[1] in GPB_FAMILY] * 3
        key = rng.choice(weighted)
        label = f"{year - 1}年结转" if key[1] in carry_funds else f"{year}年"
        pname = f"{label}{names[key[0]][:10]}{rng.choice(_TOPICS)}项目（{k + 1:02d}）"
        add_project(pname, key)
        if k < shape.co_funded:  # the same project on a second fund, maybe another 项
            mixed = rng.random() < 0.3  # one 财政拨款 row and one that is not: counted in both (十二（四）)
            fiscal = (key[1] in FISCAL) != mixed
            second = [k2 for k2 in free(FUNDS) if k2[1] != key[1] and (k2[1] in FISCAL) == fiscal]
            if second:
                add_project(pname, rng.choice(second))

    def spent(funds) -> int:
        return sum(a for _, f, a in projects if f in funds)

    def column(funds) -> int:
        return sum(m.get(f, 0) for m in money.values() for f in funds)

    gpb_income, gpb_project = column(GPB_FAMILY), spent(GPB_FAMILY)
    gpb_basic = gpb_income - gpb_project

    # 基本支出 (表6)
    avoid = SANGONG_CODES if shape.sangong == "zero" else set()
    basic_rows, by_code = [], {}
    if gpb_basic:
        personnel = gpb_basic * rng.randint(70, 100) // 100
        public = gpb_basic - personnel
        for part, code in zip(_split(rng, personnel, rng.randint(1, 8)), rng.sample(_PERSONNEL, 8)):
            by_code[code] = ("personnel", part)
        pubs = [c for c in _PUBLIC if c not in avoid]
        for part, code in zip(_split(rng, public, rng.randint(1, 8)) if public else [], rng.sample(pubs, 8)):
            by_code[code] = ("public", part)
        for code in sorted(by_code):
            col, part = by_code[code]
            basic_rows.append({"code": code, "name": econ_names[code], col: yuan(part)})
    public_total = sum(v for k, v in by_code.values() if k == "public")

    # 三公经费 (表10): at least what 表6 has in the matching 款 (I24)
    # and never more than the 一般公共预算 money there is, carry-over included (I24b).
    room = column(GPB_FAMILY + ("carry_gpb",)) - sum(by_code.get(c, ("", 0))[1] for c in SANGONG_CODES)
    sangong_rows, sg_cur, sg_prior = [], 0, 0
    for key, label, codes in SANGONG:
        floor = sum(by_code.get(c, ("", 0))[1] for c in codes)
        if shape.sangong == "zero":
            cur = prior = 0
        else:
            extra = min(room, draw(0, 60_000)) if (shape.sangong == "new" or rng.random() < 0.5) else 0
            room -= extra
            cur = floor + extra
            if shape.sangong == "some" and not floor and rng.random() < 0.5:
                cur = 0
            if shape.sangong == "new":
                prior = 0
            elif cur:
                prior = _near(rng, cur, shape) if rng.random() < 0.8 else 0
            else:
                prior = draw(1, 40_000) if rng.random() < 0.3 else 0
        sangong_rows.append(sangong_row(label, cur, prior, yuan))
        sg_cur, sg_prior = sg_cur + cur, sg_prior + prior

    # Last year's 一般公共预算 by 项 (收入明细), then the source priors that must add up to them.
    row_prior: dict[str, int] = {}
    gpb_prior_needed = any(state[k] in ("present", "dropped") for k in GPB_FAMILY)
    for code, m in money.items():
        cur = m.get("gpb", 0) + m.get("gpb_transfer", 0)
        row_prior[code] = _near(rng, cur, shape) if cur and gpb_prior_needed and rng.random() < 0.85 else 0
    for code, _ in dropped_rows:
        row_prior[code] = draw(100, 200_000) if gpb_prior_needed else 0
    if gpb_prior_needed and not sum(row_prior.values()):
        row_prior[rng.choice(list(row_prior))] = draw(100, 200_000)
    prior_gpb_total = sum(row_prior.values())

    prior: dict[str, int] = {}
    holders = [k for k in GPB_FAMILY if state[k] in ("present", "dropped")]
    if len(holders) == 2:
        first = rng.randint(1, prior_gpb_total - 1) if prior_gpb_total > 1 else prior_gpb_total
        prior.update(zip(holders, (first, prior_gpb_total - first)))
    elif holders:
        prior[holders[0]] = prior_gpb_total
    for _, key, funds in SOURCES:
        if key in GPB_FAMILY:
            prior.setdefault(key, 0)
            continue
        cur = column(funds)
        prior[key] = {"absent": 0, "new": 0, "present": _near(rng, cur, shape) if cur else 0,
                      "dropped": draw(100, 500_000)}[state[key]]
    cur_source = {key: column(funds) for _, key, funds in SOURCES}
    grand, prior_grand = sum(cur_source.values()), sum(prior.values())
    project_all = spent(FUNDS)
    if shape.no_projects_ever:
        prior_gpb_project = prior_project = 0
    else:
        prior_gpb_project = prior_gpb_total * rng.randint(0, 80) // 100
        prior_project = prior_gpb_project + (prior_grand - prior_gpb_total) * rng.randint(0, 60) // 100
    running_prior = _near(rng, public_total, shape) if public_total else (draw(1, 5000) if rng.random() < 0.2 else 0)

    def compared(now: int, before: int, why: str) -> list:
        return compared_row(yuan, now, before, why)

    unit_money = cur_source["unit_funds"]
    weights = [5, 1, 1, 3, 2] if shape.kind == "事业单位" else [0, 1, 1, 0, 3]
    parts_keys = [k for k, w in zip(UNIT_PARTS, weights) for _ in range(w)]
    unit_parts: dict[str, int] = defaultdict(int)
    if unit_money:
        for part in _split(rng, unit_money, rng.randint(1, 5)):
            unit_parts[rng.choice(parts_keys)] += part

    totals = spending_totals(yuan, (grand, prior_grand), (project_all, prior_project), (gpb_basic, gpb_project),
                             (prior_gpb_total, prior_gpb_project), (sg_cur, sg_prior), (public_total, running_prior))
    for label, key, _ in SOURCES:
        totals[key] = compared(cur_source[key], prior[key], f"{label}收入预算")
    for key in UNIT_PARTS:
        totals[key] = yuan(unit_parts[key]) if unit_parts[key] else None

    # 收入明细 rows; 款 the catalog lacks are declared by name-only rows.
    income_rows = []
    for code, nm in rows:
        m = money.get(code, {})
        if not m and not row_prior[code]:
            continue
        cur = m.get("gpb", 0) + m.get("gpb_transfer", 0)
        row = {"code": code, "name": nm, "prior_gpb": yuan(row_prior[code]) if row_prior[code] else None}
        for fund, v in m.items():
            row[fund] = yuan(v)
        if cur != row_prior[code]:
            row["reason"] = _REASON[cur > row_prior[code]]
        income_rows.append(row)
    for kuan in sorted({code[:5] for code, _ in rows if money.get(code) or row_prior[code]}):
        if kuan not in catalog:
            income_rows.append({"code": kuan, "name": kuan_names[kuan]})

    # 支出用途: one row per 类 and fund family with 财政拨款 there (一般公共预算 always, the others mostly),
    # each text written for that family's spending only.
    uses = []
    for lei in sorted({code[:3] for code in money}):
        for family, funds in FAMILIES:
            if any(m.get(f) for c, m in money.items() if c.startswith(lei) for f in funds):
                if family == "一般公共预算" or rng.random() < 0.7:
                    blank = family == "一般公共预算" and rng.random() < 0.5  # 资金性质 left blank: 一般公共预算
                    uses.append({"code": lei, "family": "" if blank else family,
                                 "text": f"{family}安排的{catalog[lei]}方面的{rng.choice(_TOPICS)}支出"})

    # 上年结转 (表11): the carry-over projects, then what is left of the carry-over as basic spending.
    carryover = []
    for p, fund, amount in projects:
        if fund in carry_funds:
            col = "fiscal_project" if fund in CARRY_FISCAL else "other_project"
            carryover.append({"name": p["name"], col: yuan(amount)})
    for fund in carry_funds:
        rest = column((fund,)) - spent((fund,))
        if rest:
            side = "fiscal" if fund in CARRY_FISCAL else "other"
            personnel = rest * rng.randint(0, 100) // 100
            row = {"name": f"{year - 1}年结转{FUND_LABEL[fund].split('：')[1]}基本支出"}
            if personnel:
                row[f"{side}_personnel"] = yuan(personnel)
            if rest - personnel:
                row[f"{side}_public"] = yuan(rest - personnel)
            carryover.append(row)

    # 基金基本支出 (表8/表9): each 项's 政府性基金 / 国有资本经营 money not spent on projects, split into 人员经费
    # and 公用经费 at a random cent.  Its own random stream, so the rest of a seed's unit stays as it was.
    split_rng = random.Random(f"{shape.seed}-fund-basic")
    fund_basic = []
    for code in sorted(money):
        for family, funds in FAMILIES[1:]:
            rest = sum(money[code].get(f, 0) for f in funds) - sum(a for p, f, a in projects
                                                                    if f in funds and p["code"] == code)
            if rest:
                personnel = split_rng.choice((0, rest, split_rng.randint(0, rest), split_rng.randint(0, rest)))
                row = {"code": code, "family": family}
                if personnel:
                    row["personnel"] = yuan(personnel)
                if rest - personnel:
                    row["public"] = yuan(rest - personnel)
                fund_basic.append(row)

    # 绩效: every co-funded and carry-over project, and some others, get a 项目支出绩效目标表.
    names_by_count = defaultdict(int)
    for p, _, _ in projects:
        names_by_count[p["name"]] += 1
    perf = []
    for pname in dict.fromkeys(p["name"] for p, f, _ in projects):
        funds = {f for p, f, _ in projects if p["name"] == pname}
        if names_by_count[pname] > 1 or funds & set(carry_funds) or rng.random() < 0.4:
            for l1, l2, l3, value in (("产出指标", "数量指标", "保障对象数量（个）", f"≥{rng.randint(1, 50)}个"),
                                      ("产出指标", "质量指标", "资金使用合规率（%）", "=100%"),
                                      ("满意度指标", "满意度指标", "服务对象满意度（%）", "≥90%")):
                perf.append({"project": pname, "l1": l1, "l2": l2, "l3": l3, "value": value, "basis": "预算支出标准",
                             "prior_value": value, "weight": "10", "rule": "按照正常比例赋分", "evidence": "工作资料"})

    procurement = [draw(0, 200_000) for _ in range(3)] if rng.random() < 0.7 else [0, 0, 0]
    sme = sum(procurement) * rng.randint(0, 100) // 100
    cars = [rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 1)]
    car_values = [n * draw(50_000, 300_000) for n in cars]
    staff = [rng.randint(1, 200), rng.randint(0, 80), rng.randint(0, 3)]
    staff_prior = [max(1, staff[0] + rng.randint(-5, 5)), max(0, staff[1] + rng.randint(-3, 3)), staff[2]]
    return {
        **unit_facts(rng, {"name": name, "year": year, "amount_unit": "元" if shape.yuan else "万元",
                           "date": f"{year}-0{rng.randint(1, 2)}-{rng.randint(10, 28)}", "kind": shape.kind},
                     staff, staff_prior, departments=(1, 5), functions=(1, 6)),
        **sheets(totals, income_rows, uses, [p for p, _, _ in projects], basic_rows, fund_basic, sangong_rows, carryover),
        "other": other_facts(rng, yuan, draw, procurement, sme, cars, car_values),
        "overall_perf": overall_perf(yuan(gpb_basic // scale), staff[0]),
        "project_perf": perf,
    }


# --- the truth --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A compared figure in cents: this year, last year, the clerk's reason."""

    current: int
    prior: int
    reason: str = ""
    nil: bool = False  # no money at all in either year (in 元, under 50 元 still prints 0.00 but is not nil)


@dataclass
class ProjectTruth:
    name: str
    total: int = 0  # over all its rows
    fiscal: int = 0  # rows funded by 财政拨款, this year's or carried over (财政拨款结转)
    gpb: int = 0  # its 一般公共预算 rows: listed in 表7 and 第三部分 七 when not zero
    perf: bool = False  # has a 项目支出绩效目标表


@dataclass
class Truth:
    """What the document must say, computed from the content alone (cents)."""

    unit: str
    year: int
    grand: int
    sources: list[tuple[str, str, Figure]]  # (label, key, figure) for all nine sources
    basic: Figure
    project: Figure
    gpb_total: int
    gpb_basic: Figure
    gpb_project: Figure
    sangong: Figure
    sangong_items: dict[str, Figure]  # 第三部分 十, by item label
    gpb_items: dict[tuple[str, str, str], Figure]  # 五（三）: (类, 款, 项) names -> 一般公共预算 of that 项
    projects: dict[str, ProjectTruth]
    family_classes: dict[str, dict[str, int]]  # 第三部分 四: family -> 类 name -> amount
    uses_for: dict[tuple[str, str], str]  # (family or "" when left blank, 类 name) -> the use text
    table_totals: dict[str, list[int]]  # 表N -> its 合计 row's amount columns
    groups: list[tuple[str, int, int]]  # 十二（四）: (财政拨款 / 非财政拨款, count, amount)
    in_yuan: bool  # amounts typed in 元: a printed total may differ from its printed parts by rounding
    empty: set[str] = field(default_factory=set)  # tables that must carry a 备注

    def project_groups(self) -> list[tuple[str, int, int]]:
        """十二（四）: (label, count, amount) of 财政拨款 and 非财政拨款 projects; a project with both kinds of
        money counts in each, with the money of that kind (lead's decision, 17:30)."""
        return self.groups


def truth(content: dict) -> Truth:
    """The figures the document must print for ``content`` (a generated or regression unit).

    With amounts in 元 every printed figure is its exact sum rounded half-up to 0.01 万元, and shares
    and changes are computed from the printed figures (what a reader can recompute)."""
    in_yuan = content["unit"].get("amount_unit") == "元"

    def P(exact: int) -> int:  # noqa: N802 - the printed figure, in hundredths of 万元
        return int((Decimal(exact) / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if in_yuan else exact

    def _figure(row) -> Figure:
        return Figure(P(cents(row[0])), P(cents(row[1])), (row[2] or "") if len(row) > 2 else "",
                      nil=not cents(row[0]) and not cents(row[1]))

    catalog = bundled().function
    totals = content["totals"]
    by_fund: dict[str, int] = defaultdict(int)
    by_lei_fund: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in content["income"]:
        if len(row["code"]) != 7:
            continue
        for fund in FUNDS:
            by_fund[fund] += cents(row.get(fund))
            by_lei_fund[row["code"][:3]][fund] += cents(row.get(fund))
    sources = []
    for label, key, funds in SOURCES:
        fig = _figure(totals[key])
        assert cents(totals[key][0]) == sum(by_fund[f] for f in funds), f"generator: {key} total ≠ 收入明细"
        sources.append((label, key, fig))
    exact_grand = sum(by_fund.values())
    grand = P(exact_grand)

    projects: dict[str, ProjectTruth] = {}
    by_project_fund: dict[str, int] = defaultdict(int)
    gpb_econ = [0] * len(ECON)
    for p in content["projects"]:
        fund = FUND_BY_LABEL[p["fund"]]
        amount = sum(cents(p.get(e)) for e in ECON)
        t = projects.setdefault(p["name"], ProjectTruth(p["name"]))
        t.total += amount
        t.fiscal += amount if fund in FISCAL else 0
        t.gpb += amount if fund in GPB_FAMILY else 0
        by_project_fund[fund] += amount
        if fund in GPB_FAMILY:
            gpb_econ = [a + cents(p.get(e)) for a, e in zip(gpb_econ, ECON)]
    for ind in content["project_perf"]:
        projects[ind["project"]].perf = True
    fiscal = [p.fiscal for p in projects.values() if p.fiscal]
    other = [p.total - p.fiscal for p in projects.values() if p.total - p.fiscal]
    groups = [("财政拨款", len(fiscal), P(sum(fiscal))), ("非财政拨款", len(other), P(sum(other)))]
    for p in projects.values():  # printed from here on
        p.total, p.fiscal, p.gpb = P(p.total), P(p.fiscal), P(p.gpb)
    project_all = sum(by_project_fund.values())
    gpb_total = by_fund["gpb"] + by_fund["gpb_transfer"]
    gpb_project = by_project_fund["gpb"] + by_project_fund["gpb_transfer"]

    family_classes: dict[str, dict[str, int]] = {}
    for label, funds in FAMILIES:
        family_classes[label] = {catalog[lei]: P(sum(m[f] for f in funds)) for lei, m in sorted(by_lei_fund.items())
                                 if sum(m[f] for f in funds)}
    uses_for = {}
    for use in content["uses"]:
        uses_for[(use.get("family") or "", catalog[use["code"]])] = use["text"]  # "": 资金性质 left blank

    personnel = sum(cents(r.get("personnel")) for r in content["basic"])
    public = sum(cents(r.get("public")) for r in content["basic"])
    sg = {r["item"]: r for r in content["sangong"]}
    sangong_items = {}
    for _, label, _ in SANGONG:
        row = sg.get(label, {})
        cur, prior = sum(cents(row.get(c)) for c in ("gpb", "gf", "soe")), cents(row.get("prior"))
        sangong_items[label] = Figure(P(cur), P(prior), row.get("reason") or "", nil=not cur and not prior)
    names = dict(catalog)
    names.update((r["code"], r["name"]) for r in content["income"] if len(r["code"]) in (3, 5))
    gpb_items = {}
    for row in content["income"]:
        if len(row["code"]) == 7:
            fig = Figure(P(cents(row.get("gpb")) + cents(row.get("gpb_transfer"))), P(cents(row.get("prior_gpb"))),
                         row.get("reason") or "")
            if fig.current or fig.prior:
                gpb_items[(names[row["code"][:3]], names[row["code"][:5]], row["name"])] = fig
    sg_cols = [sum(cents(r.get(c)) for r in sg.values()) for c in ("gpb", "gf", "soe")]
    t11 = [sum(cents(r.get(c)) for r in content["carryover"]) for c in
           ("fiscal_personnel", "fiscal_public", "fiscal_project", "other_personnel", "other_public", "other_project")]

    def family(label, funds):
        """表8/表9 合计 [合计, 基本支出, 人员经费, 公用经费, 项目支出]; 人员/公用 None (printed blank, no 八/九
        sentence) when a 项 with such 基本支出 has no 基金基本支出 row: never guessed."""
        total = sum(by_fund[f] for f in funds)
        proj = sum(by_project_fund[f] for f in funds)
        rows = [r for r in content.get("fund_basic", []) if r["family"] == label]
        split = [sum(cents(r.get(c)) for r in rows) for c in ("personnel", "public")]
        basic_codes = {r["code"] for r in content["income"] if len(r["code"]) == 7
                       and sum(cents(r.get(f)) for f in funds) != sum(cents(p.get(e)) for p in content["projects"]
                                                                    if p["code"] == r["code"] and FUND_BY_LABEL[p["fund"]] in funds
                                                                    for e in ECON)}
        if not basic_codes <= {r["code"] for r in rows}:
            split = [None, None]
        return [total, total - proj, *split, proj]

    fiscal_cur = sum(by_fund[f] for f in CURRENT_FISCAL)
    carry_fiscal = sum(by_fund[f] for f in CARRY_FISCAL)
    table_totals = {name: [None if v is None else P(v) for v in values] for name, values in {
        "表1": [exact_grand, exact_grand],
        "表2": [exact_grand, fiscal_cur, by_fund["gpb"], by_fund["gpb_transfer"], by_fund["gf"], by_fund["gf_transfer"],
               by_fund["soe"] + by_fund["soe_transfer"], by_fund["special"], by_fund["unit"], carry_fiscal,
               by_fund["balance_special"] + by_fund["balance_unit"]],
        "表3": [exact_grand, exact_grand - project_all, project_all],
        "表4": [fiscal_cur, fiscal_cur],
        "表5": [sum(by_fund[f] for f in GPB_FAMILY), sum(by_fund[f] for f in GPB_FAMILY) - gpb_project, gpb_project],
        "表6": [personnel + public, personnel, public],
        "表7": [gpb_project] + gpb_econ,
        "表8": family(*FAMILIES[1]),
        "表9": family(*FAMILIES[2]),
        "表10": [sum(sg_cols)] + sg_cols,
        "表11": [sum(t11), sum(t11[:3])] + t11[:3] + [sum(t11[3:])] + t11[3:],
    }.items()}
    empty = {name for name, v in table_totals.items() if not any(v)}  # every empty table gets its 备注
    return Truth(
        unit=content["unit"]["name"], year=int(content["unit"]["year"]), grand=grand, sources=sources,
        basic=Figure(P(exact_grand - project_all), P(cents(totals["basic"][1])), totals["basic"][2] or "",
                     nil=not exact_grand - project_all and not cents(totals["basic"][1])),
        project=Figure(P(project_all), P(cents(totals["project"][1])), totals["project"][2] or "",
                       nil=not project_all and not cents(totals["project"][1])),
        gpb_total=P(gpb_total), gpb_basic=_figure(totals["gpb_basic"]), gpb_project=_figure(totals["gpb_project"]),
        sangong=_figure(totals["sangong"]), sangong_items=sangong_items, gpb_items=gpb_items, projects=projects, family_classes=family_classes, uses_for=uses_for,
        table_totals=table_totals, groups=groups, in_yuan=in_yuan, empty=empty,
    )
