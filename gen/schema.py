"""The workbook contract (v1): every sheet, column and labelled row the clerk fills.

This module is the single source of truth shared by the reader (workbook -> model), the template
writer (``gen template``) and the checks, so a label renamed here is renamed everywhere.  The reader
finds columns by their header text and keyed rows by their label, never by position, so a clerk who
inserts a blank row or moves a column does not break the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


HEADER_ROW = 3  # table sheets: row 1 purpose, row 2 automatic totals, row 3 header, data from row 4


class Kind(Enum):
    """How a cell is parsed."""

    AMOUNT = "amount"  # 万元, Decimal, >= 0, at most 2 decimals
    COUNT = "count"  # whole number >= 0 (people, vehicles, devices)
    AREA = "area"  # 平方米, Decimal >= 0, at most 2 decimals
    TEXT = "text"
    CODE = "code"  # classification code, digits only
    DATE = "date"
    YEAR = "year"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind
    width: int = 14
    help: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSheet:
    """A sheet with one header row and one record per row below it."""

    key: str
    name: str
    purpose: str
    columns: tuple[Column, ...]
    example: tuple = ()
    added: bool = False  # a sheet added after contract v1: a workbook made before it reads it as empty

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    help: str = ""
    required: bool = False
    has_prior: bool = False  # a 上年 value sits beside the current one
    has_reason: bool = False  # a 主要原因 sits beside it
    choices: tuple[str, ...] = ()
    added: bool = False  # a row added after contract v1: a workbook made before it reads it as blank


@dataclass(frozen=True)
class KeyedSheet:
    """A sheet of labelled rows: label in column A, the current value in B, then 上年 and 主要原因."""

    key: str
    name: str
    purpose: str
    fields: tuple[Field, ...]
    value_header: str = "本年数"
    prior_header: str = "上年数"
    reason_header: str = "主要原因（与上年不同时必填）"

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


class Fund(Enum):
    """Fund sources, in the order of 表2's columns. ``value`` is the workbook column label."""

    GPB = "一般公共预算"
    GPB_TRANSFER = "上级一般公共预算转移支付"
    GF = "政府性基金预算"
    GF_TRANSFER = "上级政府性基金转移支付"
    SOE = "国有资本经营预算"
    SOE_TRANSFER = "上级国有资本经营预算转移支付"
    SPECIAL = "财政专户核拨"
    UNIT = "单位资金"
    CARRY_GPB = "结转：一般公共预算"
    CARRY_GF = "结转：政府性基金预算"
    CARRY_SOE = "结转：国有资本经营预算"
    BALANCE_SPECIAL = "结余：财政专户核拨"
    BALANCE_UNIT = "结余：单位资金"

    @property
    def is_general_budget(self) -> bool:
        """一般公共预算当年拨款: the money of 表5, 表6 and 表7."""
        return self in (Fund.GPB, Fund.GPB_TRANSFER)

    @property
    def is_fiscal(self) -> bool:
        """财政拨款（补助）: the current-year appropriations of 表4."""
        return self in (Fund.GPB, Fund.GPB_TRANSFER, Fund.GF, Fund.GF_TRANSFER, Fund.SOE, Fund.SOE_TRANSFER)

    @property
    def is_fiscal_money(self) -> bool:
        """财政拨款 in the wider sense of 第三部分 十二 and the 绩效目标表: this year's appropriations and
        财政拨款结转 (last year's appropriations carried over) alike; 结余 of 财政专户/单位资金 is not."""
        return self.is_fiscal or self in (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE)

    @property
    def is_transfer(self) -> bool:
        return self in (Fund.GPB_TRANSFER, Fund.GF_TRANSFER, Fund.SOE_TRANSFER)


FUND_LABELS = tuple(f.value for f in Fund)


class EconClass(Enum):
    """The ten 部门预算支出经济分类 类 used as 表7's columns."""

    C301 = ("301", "工资福利支出")
    C302 = ("302", "商品和服务支出")
    C303 = ("303", "对个人和家庭的补助")
    C307 = ("307", "债务利息及费用支出")
    C309 = ("309", "资本性支出（基本建设）")
    C310 = ("310", "资本性支出")
    C311 = ("311", "对企业补助（基本建设）")
    C312 = ("312", "对企业补助")
    C313 = ("313", "对社会保障基金补助")
    C399 = ("399", "其他支出")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


A, C, T, N = Kind.AMOUNT, Kind.CODE, Kind.TEXT, Kind.COUNT
AMOUNT_UNITS = ("万元", "元")  # 单位信息 金额单位: how every amount of the workbook is typed

UNIT_INFO = KeyedSheet(
    key="unit",
    name="单位信息",
    purpose="单位名称、年度、机构人员等基本情况（第一部分 单位概况）。",
    value_header="本年",
    prior_header="上年",
    reason_header="说明",
    fields=(
        Field("name", "单位名称", T, "与批复文件一致的全称，如：阿克陶县社会保险中心", required=True),
        Field("year", "预算年度", Kind.YEAR, "四位年份，如 2024", required=True),
        Field("date", "公开日期", Kind.DATE, "文末落款日期，如 2024-01-26", required=True),
        Field("kind", "单位类型", T, "行政单位、参公事业单位或事业单位", required=True,
              choices=("行政单位", "参公事业单位", "事业单位")),
        Field("subordinates", "下属预算单位", T, "无下属预算单位的留空；有的用“、”分隔列出"),
        Field("departments", "内设科室", T, "用“、”分隔，如：办公室、财务室", required=True),
        Field("establishment", "编制数", N, "核定编制人数", required=True),
        Field("staff_total", "实有人数", N, "= 在职 + 退休 + 离休", required=True, has_prior=True),
        Field("staff_active", "在职人数", N, required=True, has_prior=True),
        Field("staff_retired", "退休人数", N, required=True, has_prior=True),
        Field("staff_veteran", "离休人数", N, required=True, has_prior=True),
        Field("contact", "单位联系人", T, "单位整体绩效目标表的联系人"),
        Field("phone", "联系电话", T),
        Field("overall_goal", "年度绩效目标", T, "单位整体绩效目标表的“年度绩效目标”"),
        Field("amount_unit", "金额单位", T, "工作簿中全部金额的单位：万元（默认，最多两位小数）或元（与预算管理一体化"
              "系统一致，最多两位小数；文档仍以万元公布，合计由精确数四舍五入）", choices=AMOUNT_UNITS, added=True),
    ),
)

FUNCTIONS = TableSheet(
    key="functions",
    name="主要职能",
    purpose="单位的主要职能，一行一条，按顺序编号（第一部分 一）。",
    columns=(Column("text", "职能", T, 100, "一条职能，不必写序号", required=True),),
)

TOTALS = KeyedSheet(
    key="totals",
    name="收支总额",
    purpose="批复的控制数（本年批复数）和上年预算数：明细表各项必须与之相符，叙述中的增减由此计算。",
    value_header="本年批复数（万元）",
    prior_header="上年预算数（万元）",
    fields=(
        Field("grand_total", "收支总计", A, "批复的收入总计 = 支出总计", required=True, has_prior=True),
        Field("gpb", "一般公共预算", A, "本级一般公共预算拨款（一般财力）", has_prior=True, has_reason=True),
        Field("gpb_transfer", "上级一般公共预算安排的转移支付", A, has_prior=True, has_reason=True),
        Field("gf", "政府性基金预算", A, "本级政府性基金预算拨款", has_prior=True, has_reason=True),
        Field("gf_transfer", "上级政府性基金安排的转移支付", A, has_prior=True, has_reason=True),
        Field("soe", "国有资本经营预算", A, "本级国有资本经营预算拨款", has_prior=True, has_reason=True),
        Field("soe_transfer", "上级国有资本经营预算安排的转移支付", A, has_prior=True, has_reason=True),
        Field("special", "财政专户核拨", A, has_prior=True, has_reason=True),
        Field("unit_funds", "单位资金", A, "= 下面五个“其中”之和", has_prior=True, has_reason=True),
        Field("unit_business", "其中：事业收入", A),
        Field("unit_superior", "其中：上级补助收入", A),
        Field("unit_affiliate", "其中：附属单位上缴收入", A),
        Field("unit_operating", "其中：事业单位经营收入", A),
        Field("unit_other", "其中：其他收入", A),
        Field("carryover", "上年结转结余", A, has_prior=True, has_reason=True),
        Field("basic", "基本支出", A, "全部资金的基本支出", has_prior=True, has_reason=True),
        Field("project", "项目支出", A, "全部资金的项目支出", has_prior=True, has_reason=True),
        Field("gpb_basic", "一般公共预算基本支出", A, "一般公共预算当年拨款（含上级转移支付）安排的基本支出",
              has_prior=True, has_reason=True),
        Field("gpb_project", "一般公共预算项目支出", A, "一般公共预算当年拨款（含上级转移支付）安排的项目支出",
              has_prior=True, has_reason=True),
        Field("sangong", "“三公”经费", A, "财政拨款“三公”经费合计", has_prior=True, has_reason=True),
        Field("running", "机关运行经费", A, "行政单位和参公事业单位的公用经费（财政拨款）", has_prior=True,
              has_reason=True),
    ),
)

_INCOME_HELP = "功能分类项级（7位）编码，如 2080109；只写名称不填金额的5位或3位编码行用于补充目录中没有的款/类名称"
INCOME = TableSheet(
    key="income",
    name="收入明细",
    purpose="按功能分类项级（7位）和资金来源填写的全部收入，即表2；表1、3、4、5由此和“项目”表推算。"
            "上年一般公共预算数用于说明中逐项的增减（本年为零而上年有数的项也要填一行）。",
    columns=(
        Column("code", "功能科目编码", C, 14, _INCOME_HELP, required=True),
        Column("name", "功能科目名称", T, 30, "与《政府收支分类科目》一致", required=True),
        *(Column(f.name.lower(), f.value, A, 13) for f in Fund),
        Column("prior_gpb", "上年一般公共预算数", A, 13, "上年一般公共预算（含上级转移支付）预算数"),
        Column("reason", "增减主要原因", T, 40, "与上年不同时必填，如：在职人员减少6人，相关人员经费减少。"),
    ),
)

USE_FAMILIES = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
USES = TableSheet(
    key="uses",
    name="支出用途",
    purpose="每个有财政拨款支出的功能分类类（3位）的主要用途，用于第三部分 四；同一类有几种财政拨款的，"
            "每种各写一行（资金性质留空为一般公共预算）。",
    columns=(
        Column("code", "功能类编码", C, 12, "3位，如 208", required=True),
        Column("text", "主要用途", T, 80, "如：我单位职工医疗保险缴费支出", required=True),
        Column("family", "资金性质", T, 18, "这一类的哪种财政拨款的用途；留空为一般公共预算",
               choices=USE_FAMILIES),
    ),
)

SUBSIDY_FIELDS = (
    ("subsidy_source", "补贴资金来源"),
    ("subsidy_people", "补贴人数"),
    ("subsidy_standard", "补贴标准"),
    ("subsidy_scope", "补贴范围"),
    ("subsidy_method", "补贴方式"),
    ("subsidy_procedure", "发放程序"),
    ("subsidy_beneficiaries", "受益人群和社会效益"),
)

PROJECTS = TableSheet(
    key="projects",
    name="项目",
    purpose="每个项目一行：功能科目、资金来源、按经济分类类级的金额（即表7）和第三部分 七 的项目说明。"
            "补贴类项目另填补贴各栏。",
    columns=(
        Column("name", "项目名称", T, 36, required=True),
        Column("code", "功能科目编码", C, 12, "7位项级编码", required=True),
        Column("fund", "资金来源", T, 22, "从下拉列表选择", required=True, choices=FUND_LABELS),
        *(Column(e.name.lower(), e.label, A, 12) for e in EconClass),
        Column("basis", "设立的政策依据", T, 40),
        Column("undertaker", "项目承担单位", T, 20, "留空则为本单位"),
        Column("allocation", "资金分配情况", T, 40),
        Column("period", "资金执行时间", T, 24, "如：2024年1月1日-2024年12月31日"),
        Column("leader", "项目负责人", T, 12),
        Column("goal", "项目总体目标", T, 40, "项目支出绩效目标表的“项目总体目标”"),
        *(Column(k, label, T, 20, "补贴类项目填写") for k, label in SUBSIDY_FIELDS),
    ),
)

BASIC = TableSheet(
    key="basic",
    name="基本支出",
    purpose="一般公共预算基本支出按经济分类款级（5位）填写，即表6。",
    columns=(
        Column("code", "经济科目编码", C, 12, "5位款级编码，如 30101", required=True),
        Column("name", "经济科目名称", T, 28, required=True),
        Column("personnel", "人员经费", A, 13),
        Column("public", "公用经费", A, 13),
    ),
)

FUND_BASIC_FAMILIES = ("政府性基金预算", "国有资本经营预算")
FUND_BASIC = TableSheet(
    key="fund_basic",
    name="基金基本支出",
    purpose="政府性基金预算、国有资本经营预算（各含上级转移支付）安排的基本支出，按功能分类项级分为人员经费和公用经费，"
            "即表8、表9的“基本支出”。没有这两种资金的基本支出的，整表留空。",
    columns=(
        Column("code", "功能科目编码", C, 14, "7位项级编码，与“收入明细”一致", required=True),
        Column("family", "资金性质", T, 18, "从下拉列表选择", required=True, choices=FUND_BASIC_FAMILIES),
        Column("personnel", "人员经费", A, 13),
        Column("public", "公用经费", A, 13),
    ),
    added=True,
)

SANGONG_ITEMS = (
    ("abroad", "因公出国（境）费"),
    ("reception", "公务接待费"),
    ("car_purchase", "公务用车购置费"),
    ("car_running", "公务用车运行费"),
)
SANGONG = TableSheet(
    key="sangong",
    name="三公经费",
    purpose="财政拨款“三公”经费，按资金来源，附上年预算数和增减原因，即表10。",
    columns=(
        Column("item", "项目", T, 20, required=True, choices=tuple(label for _, label in SANGONG_ITEMS)),
        Column("gpb", "一般公共预算", A, 13),
        Column("gf", "政府性基金", A, 13),
        Column("soe", "国有资本经营预算", A, 13),
        Column("prior", "上年预算数", A, 13),
        Column("reason", "增减主要原因", T, 40),
    ),
)

CARRYOVER = TableSheet(
    key="carryover",
    name="上年结转",
    purpose="上年结转结余安排的支出，按项目填写，即表11。没有的留空。",
    columns=(
        Column("name", "项目名称", T, 36, required=True),
        Column("fiscal_personnel", "财政拨款人员经费", A, 13),
        Column("fiscal_public", "财政拨款公用经费", A, 13),
        Column("fiscal_project", "财政拨款项目支出", A, 13),
        Column("other_personnel", "非财政拨款人员经费", A, 13),
        Column("other_public", "非财政拨款公用经费", A, 13),
        Column("other_project", "非财政拨款项目支出", A, 13),
    ),
)

OTHER = KeyedSheet(
    key="other",
    name="其他事项",
    purpose="政府采购、国有资产占用（截至上年底）、本年资产购置，用于第三部分 十二。",
    value_header="数值",
    prior_header="",
    reason_header="说明",
    fields=(
        Field("procurement", "政府采购预算（万元）", A),
        Field("procurement_goods", "政府采购货物预算（万元）", A),
        Field("procurement_works", "政府采购工程预算（万元）", A),
        Field("procurement_services", "政府采购服务预算（万元）", A),
        Field("procurement_sme", "面向中小企业预留（万元）", A),
        Field("procurement_micro", "其中：小微企业预留（万元）", A),
        Field("building_area", "房屋面积（平方米）", Kind.AREA),
        Field("building_value", "房屋价值（万元）", A),
        Field("vehicles", "车辆数（辆）", N),
        Field("vehicles_value", "车辆价值（万元）", A),
        Field("cars_general", "一般公务用车数（辆）", N),
        Field("cars_general_value", "一般公务用车价值（万元）", A),
        Field("cars_law", "执法执勤用车数（辆）", N),
        Field("cars_law_value", "执法执勤用车价值（万元）", A),
        Field("cars_other", "其他车辆数（辆）", N),
        Field("cars_other_value", "其他车辆价值（万元）", A),
        Field("furniture_value", "办公家具价值（万元）", A),
        Field("other_assets_value", "其他资产价值（万元）", A),
        Field("devices_50", "单位价值50万元以上大型设备（台）", N),
        Field("devices_100", "单位价值100万元以上大型设备（台）", N),
        Field("plan_vehicles", "本年安排购置车辆（辆）", N),
        Field("plan_vehicles_value", "本年安排购置车辆经费（万元）", A),
        Field("plan_devices_50", "本年安排购置50万元以上大型设备（台）", N),
        Field("plan_devices_100", "本年安排购置100万元以上大型设备（台）", N),
    ),
)

OVERALL_PERF = TableSheet(
    key="overall_perf",
    name="整体绩效",
    purpose="单位整体绩效目标表的指标，一行一个三级指标。",
    columns=(
        Column("l1", "一级指标", T, 14, required=True),
        Column("l2", "二级指标", T, 14, required=True),
        Column("l3", "三级指标", T, 36, required=True),
        Column("value", "指标值", T, 14, required=True),
        Column("basis", "指标设定依据", T, 30),
        Column("weight", "分值权重", T, 10),
    ),
)

PROJECT_PERF = TableSheet(
    key="project_perf",
    name="项目绩效",
    purpose="项目支出绩效目标表的指标，一行一个三级指标，“项目名称”与“项目”表一致；表的顺序按本表中项目首次出现的顺序。",
    columns=(
        Column("project", "项目名称", T, 36, required=True),
        Column("l1", "一级指标", T, 12, required=True),
        Column("l2", "二级指标", T, 14, required=True),
        Column("l3", "三级指标", T, 30, required=True),
        Column("value", "指标值", T, 14, required=True),
        Column("basis", "指标值设置依据", T, 16),
        Column("prior_value", "上年完成值", T, 14),
        Column("weight", "指标分值权重", T, 10),
        Column("rule", "指标赋分规则", T, 16),
        Column("evidence", "佐证资料", T, 12),
    ),
)

SHEETS = (UNIT_INFO, FUNCTIONS, TOTALS, INCOME, USES, PROJECTS, BASIC, FUND_BASIC, SANGONG, CARRYOVER, OTHER,
          OVERALL_PERF, PROJECT_PERF)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}
INSTRUCTIONS_SHEET = "填表说明"


# --- Guidance for the clerk (the template's 填表说明 sheet and input prompts). Optional: neither the
# reader nor the checks depend on it; a sheet without a guide simply gets no source/example line.

@dataclass(frozen=True)
class Guide:
    """Where a sheet's figures come from and one example row, in the clerk's words."""

    source: str
    example: str


GUIDES = {
    "unit": Guide(
        "单位名称与财政部门的批复文件一致；编制数取机构编制部门核定数（“三定”方案）；实有、在职、退休、离休人数取"
        "预算管理一体化系统“基础信息—人员信息”（或工资统发名册），上年数取上年单位预算公开文本；联系人和年度绩效目标"
        "取一体化系统的“单位整体绩效目标表”。",
        "单位名称：阿克陶县社会保险中心；预算年度：2024；公开日期：2024-01-26；单位类型：参公事业单位；"
        "在职人数：本年 17，上年 23"),
    "functions": Guide(
        "单位“三定”方案，或上年单位预算公开文本第一部分“主要职能”。",
        "职能：贯彻执行社会保险的方针、政策；组织实施社会保险事业发展规划和年度计划。"),
    "totals": Guide(
        "本年批复数取财政部门的预算批复文件和一体化系统“部门预算批复表”（收支总表、财政拨款收支总表、"
        "一般公共预算支出表、“三公”经费表）；上年预算数取上年单位预算公开文本（表1、表4、表5、表10）。"
        "右侧灰色“明细合计”由其他表自动汇总，与批复数不符时先核对明细。",
        "一般公共预算：本年批复数 440.12，上年预算数 876.27，主要原因：本年度在职人员减少，相关人员经费预算减少"),
    "income": Guide(
        "一体化系统“部门预算批复表”中的收入预算表/支出预算表（按功能分类项级和资金来源），即公开表2；"
        "上年一般公共预算数取上年公开文本表5（一般公共预算支出表）的对应项。",
        "功能科目编码：2080109；功能科目名称：社会保险经办机构；一般公共预算：326.05；上级一般公共预算转移支付：7.25；"
        "单位资金：0.50；上年一般公共预算数：334.12；增减主要原因：在职人员减少6人，相关人员经费减少"),
    "uses": Guide(
        "单位自行概括：收入明细中出现的每个功能分类“类”（编码前3位）写一句主要用途。",
        "功能类编码：208；主要用途：我单位职工工资、公用经费、单位退休费支出及项目等支出"),
    "projects": Guide(
        "金额取一体化系统“项目支出预算表（项目明细）”按经济分类类级的批复数，即公开表7；项目说明取项目库中的"
        "项目申报文本和“项目支出绩效目标表”（政策依据、承担单位、资金分配、执行时间、负责人、总体目标）。",
        "项目名称：2024年城乡居民养老保险网络费（县级）；功能科目编码：2080109；资金来源：一般公共预算；"
        "商品和服务支出：10.80；资金执行时间：2024年1月1日-2024年12月31日"),
    "basic": Guide(
        "一体化系统“基本支出明细表”（一般公共预算基本支出，按经济分类款级），即公开表6；人员经费为工资福利支出"
        "和对个人和家庭的补助，公用经费为商品和服务支出等。",
        "经济科目编码：30101；经济科目名称：基本工资；人员经费：73.78（公用经费留空）"),
    "fund_basic": Guide(
        "一体化系统“基本支出明细表”中政府性基金预算、国有资本经营预算（含上级转移支付）安排的部分，按功能分类项级和"
        "资金性质汇总人员经费和公用经费；每项每种资金一行，人员经费与公用经费之和等于“收入明细”中这一项这种资金的收入"
        "减去其项目支出。只有一般公共预算的单位整表留空。",
        "功能科目编码：2120801；资金性质：政府性基金预算；人员经费：12.50；公用经费：3.20"),
    "sangong": Guide(
        "批复的“三公”经费预算表（一体化系统“三公”经费预算表），即公开表10；上年预算数取上年公开文本表10。"
        "四个项目各占一行，没有的金额留空。",
        "项目：公务用车运行费；一般公共预算：3.60；上年预算数：1.43；增减主要原因：公务用车运行费标准提高，预算经费增加"),
    "carryover": Guide(
        "财政部门批复的上年结转结余资金安排（一体化系统“结转结余资金表”），即公开表11；没有结转结余的整表留空。",
        "项目名称：2023年××项目结转资金；财政拨款项目支出：12.00"),
    "other": Guide(
        "政府采购预算取一体化系统“政府采购预算表”；资产数取行政事业性国有资产管理信息系统（资产年报）截至上年"
        "12月31日的数；本年购置取批复的新增资产配置预算。没有的填 0 或留空。",
        "政府采购预算（万元）：3.74；车辆数（辆）：1；车辆价值（万元）：11.70"),
    "overall_perf": Guide(
        "一体化系统“部门（单位）整体绩效目标表”，一行一个三级指标。",
        "一级指标：运行成本；二级指标：数量指标；三级指标：保障公务用车辆数（辆）；指标值：≥2辆；"
        "指标设定依据：现有车辆登记证书；分值权重：5"),
    "project_perf": Guide(
        "一体化系统“项目支出绩效目标表”，一行一个三级指标；项目名称与“项目”表完全一致。",
        "项目名称：2024年城乡居民养老保险网络费（县级）；一级指标：产出指标；二级指标：数量指标；"
        "三级指标：城乡居民养老网络消费覆盖乡镇场数量（个）；指标值：>=15个"),
}

# 绩效目标表 indicator levels offered as drop-down lists (the 二级 list also accepts other text).
PERF_L1_PROJECT = ("产出指标", "效益指标", "满意度指标", "成本指标")
PERF_L1_OVERALL = ("运行成本", "管理效率", "履职效能", "社会效益", "可持续发展能力", "服务对象满意度")
PERF_L2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
           "效益指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "满意度指标",
           "服务对象满意度指标")
