"""Seeded synthetic units: ``synthetic_unit(seed)`` is one varied, internally consistent unit (the content
dict ``gen.workbook_write.write_workbook`` writes) that ``gen check`` passes without a finding; the layout
tests scale it (``layout_units``) and ``tools/bench.py`` times thousands of them.

5–200 项 rows over real-looking function codes, 0–60 projects split over economic classes, 表6 rows that add
up to the general-budget basic spending, control totals and prior-year figures that reconcile, text without
the things R09 flags.  ``write_catalog`` writes the code list these units need (the bundled one is partial).
The facts every generated unit has (单位信息, 其他事项, 整体绩效) are shared with ``units.py``.
"""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from gen.catalog import bundled

# 款 of 支出功能分类 with their names (2024 科目).  Each gets the usual 项: 行政运行, 一般行政管理事务,
# 机关服务, 事业运行, 其他…支出, unless listed in _ITEMS.
_KUAN = (
    ("20101", "人大事务"), ("20102", "政协事务"), ("20103", "政府办公厅（室）及相关机构事务"),
    ("20104", "发展与改革事务"), ("20105", "统计信息事务"), ("20106", "财政事务"), ("20107", "税收事务"),
    ("20108", "审计事务"), ("20111", "纪检监察事务"), ("20113", "商贸事务"), ("20126", "档案事务"),
    ("20129", "群众团体事务"), ("20131", "党委办公厅（室）及相关机构事务"), ("20132", "组织事务"),
    ("20133", "宣传事务"), ("20134", "统战事务"), ("20402", "公安"), ("20404", "检察"), ("20405", "法院"),
    ("20406", "司法"), ("20501", "教育管理事务"), ("20502", "普通教育"), ("20503", "职业教育"),
    ("20508", "进修及培训"), ("20601", "科学技术管理事务"), ("20701", "文化和旅游"), ("20708", "广播电视"),
    ("20801", "人力资源和社会保障管理事务"), ("20802", "民政管理事务"), ("20805", "行政事业单位养老支出"),
    ("20808", "抚恤"), ("20810", "社会福利"), ("20811", "残疾人事业"), ("21001", "卫生健康管理事务"),
    ("21003", "基层医疗卫生机构"), ("21004", "公共卫生"), ("21007", "计划生育事务"),
    ("21011", "行政事业单位医疗"), ("21101", "环境保护管理事务"), ("21201", "城乡社区管理事务"),
    ("21301", "农业农村"), ("21302", "林业和草原"), ("21303", "水利"), ("21307", "农村综合改革"),
    ("21401", "公路水路运输"), ("22102", "住房改革支出"), ("22401", "应急管理事务"),
)
_ITEMS = {
    "20502": (("01", "学前教育"), ("02", "小学教育"), ("03", "初中教育"), ("04", "高中教育"), ("99", "其他普通教育支出")),
    "20805": (("01", "行政单位离退休"), ("02", "事业单位离退休"), ("05", "机关事业单位基本养老保险缴费支出"),
              ("06", "机关事业单位职业年金缴费支出"), ("99", "其他行政事业单位养老支出")),
    "20808": (("01", "死亡抚恤"), ("02", "伤残抚恤"), ("99", "其他优抚支出")),
    "21003": (("01", "城市社区卫生机构"), ("02", "乡镇卫生院"), ("99", "其他基层医疗卫生机构支出")),
    "21004": (("01", "疾病预防控制机构"), ("08", "基本公共卫生服务"), ("09", "重大公共卫生服务")),
    "21007": (("16", "计划生育机构"), ("17", "计划生育服务"), ("99", "其他计划生育事务支出")),
    "21011": (("01", "行政单位医疗"), ("02", "事业单位医疗"), ("03", "公务员医疗补助"), ("99", "其他行政事业单位医疗支出")),
    "22102": (("01", "住房公积金"), ("02", "提租补贴"), ("03", "购房补贴")),
}
_GENERIC = (("01", "行政运行"), ("02", "一般行政管理事务"), ("03", "机关服务"), ("50", "事业运行"))

_PERSONNEL = ("30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199", "30302", "30305")
_PUBLIC = ("30201", "30202", "30205", "30206", "30207", "30209", "30211", "30213", "30215", "30216", "30217",
           "30218", "30228", "30229", "30231", "30239", "30299")
_PROJECT_ECON = ("c302", "c302", "c302", "c303", "c310", "c313", "c301", "c312", "c399", "c309")
_SOURCES = ("gpb", "gpb_transfer", "gf", "gf_transfer", "soe", "soe_transfer", "special", "unit_funds", "carryover")
_FUND_LABEL = {"gpb": "一般公共预算", "gpb_transfer": "上级一般公共预算转移支付", "gf": "政府性基金预算",
               "special": "财政专户核拨", "unit": "单位资金", "carry_gpb": "结转：一般公共预算"}
_TOPICS = ("信息化建设", "业务工作经费", "专项补助", "设备购置", "人才培养", "宣传教育", "安全生产", "维修改造",
           "服务保障", "数据采集", "监督检查", "课题研究", "应急保障", "办公场所租赁", "乡村振兴衔接")
_PLACES = ("阿克陶县", "乌恰县", "阿图什市", "阿合奇县", "疏附县", "伽师县", "莎车县", "巴楚县")
_ORGS = ("人力资源和社会保障局", "财政局", "教育局", "卫生健康委员会", "林业和草原局", "水利局", "司法局", "统计局",
         "档案馆", "融媒体中心", "应急管理局", "民政局", "审计局", "农业农村局", "社会保险中心", "疾病预防控制中心")


def function_items() -> list[tuple[str, str]]:
    """(7-digit code, name) of every 项 the generator uses; names agree with the bundled catalog."""
    known = bundled().function
    items = []
    for kuan, name in _KUAN:
        subs = _ITEMS.get(kuan) or _GENERIC + (("99", f"其他{name.removesuffix('事务')}支出"),)
        items += [(kuan + s, known.get(kuan + s, n)) for s, n in subs]
    if "2080109" not in {c for c, _ in items}:
        items.append(("2080109", known["2080109"]))
    return sorted(items)


def write_catalog(path: Path) -> Path:
    """The "full official catalog" of the bench (code,name): every 类, 款 and 项 it uses.  Production
    runs pass the real one with --catalog; the bundled list is deliberately partial."""
    rows = {c: n for c, n in bundled().function.items() if len(c) == 3}
    rows.update(dict(_KUAN))
    rows.update(function_items())
    lines = ["code,name"] + [f"{c},{n}" for c, n in sorted(rows.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _yuan(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` positive pieces (fewer if there are not enough cents)."""
    parts = max(1, min(parts, total))
    if total <= 0:
        return [0]
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _changed(rng: random.Random, cents: int) -> int:
    """Last year's figure: usually near this year's, sometimes zero or equal."""
    roll = rng.random()
    if roll < 0.08:
        return 0
    if roll < 0.2:
        return cents
    return max(0, int(cents * rng.uniform(0.7, 1.3)))


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    """Small units are common, big ones rare: log-uniform between low and high."""
    import math

    value = math.exp(rng.uniform(math.log(low + 1), math.log(high + 1))) - 1
    return max(low, min(high, int(round(value))))


def synthetic_unit(seed: int, year: int = 2024) -> dict:
    """One unit's workbook content (the shape of tests/data/akto2024.json), internally consistent."""
    rng = random.Random(seed)
    econ = bundled().economic
    place, org = rng.choice(_PLACES), rng.choice(_ORGS)
    name = f"{place}{org}第{seed:05d}号"
    kind = rng.choice(("行政单位", "参公事业单位", "事业单位"))

    # 收入明细: 5–200 项 rows, each with money from one or more funds.
    pool = function_items()
    n_items = min(len(pool), max(5, _log_uniform(rng, 5, 200)))
    codes = sorted(rng.sample(pool, n_items))
    income: dict[str, dict[str, int]] = {}
    for code, _ in codes:
        money = {"gpb": rng.randint(1_000, 3_000_000)} if rng.random() < 0.9 else {}
        if rng.random() < 0.25:
            money["gpb_transfer"] = rng.randint(1_000, 5_000_000)
        if rng.random() < 0.05:
            money["gf"] = rng.randint(1_000, 1_000_000)
        if rng.random() < 0.04:
            money["special"] = rng.randint(1_000, 500_000)
        if rng.random() < 0.08:
            money["unit"] = rng.randint(100, 200_000)
        if rng.random() < 0.03:
            money["carry_gpb"] = rng.randint(1_000, 300_000)
        income[code] = money  # a row without current money keeps only last year's figure
    names = dict(codes)

    # 项目: 0–60 projects, each charged to a (项, fund) with money, never more than that money.
    left = {(c, f): v for c, m in income.items() for f, v in m.items()}
    projects = []
    n_projects = _log_uniform(rng, 0, 60)
    for k in range(n_projects):
        candidates = [key for key, v in left.items() if v >= 200]
        if not candidates:
            break
        code, fund = rng.choice(candidates)
        amount = rng.randint(100, max(100, int(left[code, fund] * rng.uniform(0.1, 0.9))))
        left[code, fund] -= amount
        econ_keys = sorted(set(rng.sample(_PROJECT_ECON, rng.randint(1, 3))))
        p = {"name": f"{year}年{names[code][:12]}{rng.choice(_TOPICS)}项目（{k + 1:02d}）", "code": code,
             "fund": _FUND_LABEL[fund]}
        for key, cents in zip(econ_keys, _split(rng, amount, len(econ_keys))):
            p[key] = _yuan(cents)
        p.update(project_texts(rng, place, year, _yuan(amount), "c303" in econ_keys,
                               ("王芳", "李娜", "阿依古丽", "买买提", "张伟", "刘洋")))
        projects.append((p, fund, amount))

    def spent(fund_keys) -> int:
        return sum(a for _, f, a in projects if f in fund_keys)

    def column(fund: str) -> int:
        return sum(m.get(fund, 0) for m in income.values())

    gpb_income = column("gpb") + column("gpb_transfer")
    gpb_project = spent(("gpb", "gpb_transfer"))
    gpb_basic = gpb_income - gpb_project

    # 基本支出 (表6): the general-budget basic spending by economic 款, personnel ~85 %.
    basic_rows, by_code = [], {}
    if gpb_basic:
        personnel = gpb_basic * rng.randint(75, 95) // 100
        public = gpb_basic - personnel
        for cents, code in zip(_split(rng, personnel, rng.randint(2, 9)),
                               rng.sample(_PERSONNEL, 9)):
            by_code[code] = ("personnel", cents)
        for cents, code in zip(_split(rng, public, rng.randint(1, 10)) if public else [],
                               rng.sample(_PUBLIC, 10)):
            by_code[code] = ("public", cents)
        for code in sorted(by_code):
            column_key, cents = by_code[code]
            basic_rows.append({"code": code, "name": econ[code], column_key: _yuan(cents)})
    public_total = sum(c for k, c in by_code.values() if k == "public")

    # 三公经费: at least what 表6 has in the matching 款 (I24), plus some project money.
    def at_least(code: str) -> int:
        return by_code.get(code, ("", 0))[1] + (rng.randint(0, 50_000) if rng.random() < 0.3 else 0)

    sangong_rows, sangong_cur, sangong_prior = [], 0, 0
    for key, label, code in (("abroad", "因公出国（境）费", "30212"), ("reception", "公务接待费", "30217"),
                             ("car_purchase", "公务用车购置费", None), ("car_running", "公务用车运行费", "30231")):
        cur = at_least(code) if code else (rng.randint(50_000, 300_000) if rng.random() < 0.05 else 0)
        prior = _changed(rng, cur) if cur else (rng.randint(0, 50_000) if rng.random() < 0.2 else 0)
        sangong_rows.append(sangong_row(label, cur, prior, _yuan))
        sangong_cur, sangong_prior = sangong_cur + cur, sangong_prior + prior

    # 收入明细 rows with last year's general-budget figure and the reason where it changed.
    income_rows, prior_gpb_total = [], 0
    for code, money in income.items():
        cur = money.get("gpb", 0) + money.get("gpb_transfer", 0)
        prior = _changed(rng, cur) if cur else rng.randint(1_000, 300_000)
        prior_gpb_total += prior
        row = {"code": code, "name": names[code], "prior_gpb": _yuan(prior) if prior else None}
        for fund, cents in money.items():
            row[fund] = _yuan(cents)
        if cur != prior:
            row["reason"] = ("人员和业务量增加，相关经费增加" if cur > prior else "按照过紧日子要求压减一般性支出")
        income_rows.append(row)

    # 收支总额: control totals = the detail sheets; last year's figures reconcile among themselves.
    cur = {"gpb": column("gpb"), "gpb_transfer": column("gpb_transfer"), "gf": column("gf"), "gf_transfer": 0,
           "soe": 0, "soe_transfer": 0, "special": column("special"), "unit_funds": column("unit"),
           "carryover": column("carry_gpb")}
    grand = sum(cur.values())
    project_all = sum(a for _, _, a in projects)
    prior = {k: (_changed(rng, v) if v else 0) for k, v in cur.items()}
    prior_transfer = prior_gpb_total * rng.randint(0, 60) // 100 if cur["gpb_transfer"] else 0
    prior["gpb"], prior["gpb_transfer"] = prior_gpb_total - prior_transfer, prior_transfer
    prior_grand = sum(prior.values())
    prior_gpb_project = prior_gpb_total * rng.randint(0, 80) // 100
    prior_project = prior_gpb_project + (prior_grand - prior_gpb_total) * rng.randint(0, 50) // 100
    running_prior = _changed(rng, public_total)

    def compared(now: int, before: int, why: str) -> list:
        return compared_row(_yuan, now, before, why)

    totals = {
        **spending_totals(_yuan, (grand, prior_grand), (project_all, prior_project), (gpb_basic, gpb_project),
                          (prior_gpb_total, prior_gpb_project), (sangong_cur, sangong_prior), (public_total, running_prior)),
        "unit_other": _yuan(cur["unit_funds"]) if cur["unit_funds"] else None,
    }
    for key in _SOURCES:
        totals[key] = compared(cur[key], prior[key], "收入预算")

    uses = [{"code": c, "text": f"我单位{n}方面的支出"}
            for c, n in sorted(bundled().function.items())
            if len(c) == 3 and any(code.startswith(c) for code in income)]

    carryover = []
    if cur["carryover"]:
        parts = _split(rng, cur["carryover"], rng.randint(1, 3))
        carryover = [{"name": f"{year - 1}年结转{rng.choice(_TOPICS)}项目（{i + 1}）", "fiscal_project": _yuan(c)}
                     for i, c in enumerate(parts)]

    procurement = [rng.randint(0, 200_000) for _ in range(3)] if rng.random() < 0.7 else [0, 0, 0]
    sme = sum(procurement) * rng.randint(0, 100) // 100
    cars = [rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 1)]
    car_values = [n * rng.randint(50_000, 300_000) for n in cars]
    staff = [rng.randint(3, 200), rng.randint(0, 80), rng.randint(0, 3)]
    staff_prior = [max(0, n + rng.randint(-5, 5)) for n in staff]
    if not staff_prior[0]:
        staff_prior[0] = 1
    # 基金基本支出 (表8): each 项's 政府性基金 money not spent on projects, split into 人员/公用 at a random
    # cent; its own random stream, so every other figure of a seed stays as it was.
    split_rng, fund_basic = random.Random(f"{seed}-fund-basic"), []
    for code, m in sorted(income.items()):
        rest = m.get("gf", 0) - sum(a for p, f, a in projects if f == "gf" and p["code"] == code)
        if rest:
            personnel = split_rng.randint(0, rest)
            fund_basic.append({"code": code, "family": "政府性基金预算", "personnel": _yuan(personnel),
                               "public": _yuan(rest - personnel)})
    perf = []
    for p, _, _ in projects:
        for l2, l3, value in (("数量指标", "保障对象数量（个）", f"≥{rng.randint(1, 50)}个"),
                              ("质量指标", "资金使用合规率（%）", "=100%"),
                              ("满意度指标", "服务对象满意度（%）", "≥90%")):
            perf.append({"project": p["name"], "l1": "满意度指标" if l2 == "满意度指标" else "产出指标", "l2": l2,
                         "l3": l3, "value": value, "basis": "预算支出标准", "prior_value": value,
                         "weight": "10", "rule": "按照正常比例赋分", "evidence": "工作资料"})
    return {
        **unit_facts(rng, {"name": name, "year": year, "date": f"{year}-01-{rng.randint(10, 28)}", "kind": kind},
                     staff, staff_prior, departments=(2, 5), functions=(2, 8)),
        **sheets(totals, income_rows, uses, [p for p, _, _ in projects], basic_rows, fund_basic, sangong_rows, carryover),
        "other": other_facts(rng, _yuan, rng.randint, procurement, sme, cars, car_values),
        "overall_perf": overall_perf(_yuan(gpb_basic), staff[0]),
        "project_perf": perf,
    }


def unit_facts(rng: random.Random, unit: dict, staff: list[int], staff_prior: list[int], *,
               departments: tuple[int, int], functions: tuple[int, int]) -> dict:
    """单位信息 (``unit`` given: name, year, date, kind …) and 主要职能 of a generated unit; staff as
    [在职, 离退休, 其他] this year and last."""
    return {
        "unit": {
            **unit,
            "subordinates": "", "departments": "、".join(rng.sample(("办公室", "财务室", "业务科", "综合科", "法规科",
                                                                 "信息中心", "稽核科"), rng.randint(*departments))),
            "establishment": staff[0] + rng.randint(0, 10),
            "staff_total": [sum(staff), sum(staff_prior)], "staff_active": [staff[0], staff_prior[0]],
            "staff_retired": [staff[1], staff_prior[1]], "staff_veteran": [staff[2], staff_prior[2]],
            "contact": rng.choice(("王芳", "李娜", "张伟")), "phone": f"0998{rng.randint(1000000, 9999999)}",
            "overall_goal": "保障单位正常运转，按时足额发放人员工资，完成年度各项工作任务。",
        },
        "functions": [{"text": f"负责{rng.choice(_TOPICS)}相关工作。"} for _ in range(rng.randint(*functions))],
    }


def other_facts(rng: random.Random, yuan, draw, procurement: list[int], sme: int, cars: list[int],
                car_values: list[int]) -> dict:
    """其他事项 of a generated unit: ``yuan`` writes cents as an amount, ``draw(low, high)`` draws cents."""
    return {
        "procurement": yuan(sum(procurement)), "procurement_goods": yuan(procurement[0]),
        "procurement_works": yuan(procurement[1]), "procurement_services": yuan(procurement[2]),
        "procurement_sme": yuan(sme), "procurement_micro": yuan(sme * rng.randint(0, 100) // 100),
        "building_area": f"{rng.randint(0, 5000)}.00", "building_value": yuan(draw(0, 50_000_000)),
        "vehicles": sum(cars), "vehicles_value": yuan(sum(car_values)),
        "cars_general": cars[0], "cars_general_value": yuan(car_values[0]),
        "cars_law": cars[1], "cars_law_value": yuan(car_values[1]),
        "cars_other": cars[2], "cars_other_value": yuan(car_values[2]),
        "furniture_value": yuan(draw(0, 3_000_000)), "other_assets_value": yuan(draw(0, 9_000_000)),
        "devices_50": rng.randint(0, 2), "devices_100": 0, "plan_vehicles": 0, "plan_vehicles_value": "0",
        "plan_devices_50": 0, "plan_devices_100": 0,
    }


def overall_perf(personnel_limit: str, active: int) -> list[dict]:
    """The 单位整体绩效目标表 rows of a generated unit."""
    return [{"l1": "运行成本", "l2": "成本指标", "l3": "人员经费支出控制数（万元）",
             "value": f"≤{personnel_limit}万元", "basis": "预算批复", "weight": "10"},
            {"l1": "履职效能", "l2": "数量指标", "l3": "保障在职人员数（人）",
             "value": f"≥{active}人", "basis": "人员编制", "weight": "10"}]


def sangong_row(label: str, cur: int, prior: int, yuan) -> dict:
    """A “三公”经费 row of a generated unit (cents this year and last), with a reason where they differ."""
    row = {"item": label}
    if cur:
        row["gpb"] = yuan(cur)
    if prior:
        row["prior"] = yuan(prior)
    if cur != prior:
        row["reason"] = "公务活动安排调整，预算相应" + ("增加" if cur > prior else "减少")
    return row


def sheets(totals: dict, income: list, uses: list, projects: list, basic: list, fund_basic: list, sangong: list,
           carryover: list) -> dict:
    """The detail sheets of a generated unit's content, by their keys in the workbook contract."""
    return {"totals": totals, "income": income, "uses": uses, "projects": projects, "basic": basic,
            "fund_basic": fund_basic, "sangong": sangong, "carryover": carryover}


def compared_row(yuan, now: int, before: int, why: str) -> list:
    """A 收支总额 row [本年, 上年, 主要原因] from cents; the reason only where the figure moved."""
    return [yuan(now) if now else None, yuan(before) if before else None,
            "" if now == before else why + ("增加" if now > before else "减少")]


def spending_totals(yuan, grand: tuple[int, int], project: tuple[int, int], gpb: tuple[int, int],
                    prior_gpb: tuple[int, int], sangong: tuple[int, int], running: tuple[int, int]) -> dict:
    """The 收支总额 rows of spending from cents: (this year, last year) of the whole and of the projects, this
    year's 一般公共预算 基本/项目, last year's 一般公共预算 total/项目, “三公” and 运行经费."""
    return {
        "grand_total": [yuan(grand[0]), yuan(grand[1]), ""],
        "basic": compared_row(yuan, grand[0] - project[0], grand[1] - project[1], "人员和日常运转经费"),
        "project": compared_row(yuan, *project, "项目安排调整，项目支出"),
        "gpb_basic": compared_row(yuan, gpb[0], prior_gpb[0] - prior_gpb[1], "人员经费和公用经费"),
        "gpb_project": compared_row(yuan, gpb[1], prior_gpb[1], "项目安排调整，项目支出"),
        "sangong": compared_row(yuan, *sangong, "公务活动安排调整，“三公”经费"),
        "running": compared_row(yuan, *running, "日常公用经费"),
    }


def project_texts(rng: random.Random, place: str, year: int, amount: str, subsidy: bool, leaders) -> dict:
    """A generated project's texts (政策依据 … 总体目标), with the subsidy ones for 对个人和家庭的补助 (c303)."""
    texts = dict(basis=f"根据{place}财政局〔{year - 1}〕{rng.randint(1, 200)}号文件",
                 allocation=f"按项目实施方案分配{amount}万元", period=f"{year}年1月1日至{year}年12月31日",
                 leader=rng.choice(leaders), goal=f"保障{rng.choice(_TOPICS)}工作顺利开展，提升服务水平。")
    if subsidy:
        texts.update(subsidy_source="财政拨款", subsidy_people=f"{rng.randint(10, 5000)}人",
                     subsidy_standard=f"{rng.randint(50, 500)}元/月/人", subsidy_scope="符合条件的人员",
                     subsidy_method="个人打卡", subsidy_procedure="单位申请，财政审核，统一发放",
                     subsidy_beneficiaries="符合条件的人员，保障基本生活")
    return texts
