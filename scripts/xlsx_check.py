#!/usr/bin/env python3
"""Checks lvyue's XLSX exports with an independent reader (openpyxl) against the API's JSON records, cell by cell.

usage: xlsx_check.py BASE_URL PASSWORD DIR
DIR holds FORM.xlsx for every form (written by `lvyue export FORM --format xlsx`).
Every sheet must have the Chinese header row of DESIGN.md §2 in bold, frozen below it; dates must be dates
(date cells at midnight, with a date number format), instants the Asia/Shanghai wall-clock time, numbers numbers.
"""
import datetime
import json
import os
import sys
import urllib.request
from zoneinfo import ZoneInfo

import openpyxl

BASE, PASSWORD, DIR = sys.argv[1], sys.argv[2], sys.argv[3]
ZONE = ZoneInfo(os.environ.get("LVYUE_TIMEZONE", "Asia/Shanghai"))
HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = json.load(open(os.path.join(HERE, "..", "Sources", "App", "Resources", "Locales", "zh-CN.json"), encoding="utf-8"))
failures = []
checked = 0


def fail(msg):
    failures.append(msg)


def call(path, token=None, body=None):
    req = urllib.request.Request(BASE + "/api/v1" + path, data=json.dumps(body).encode() if body else None)
    if body:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


TOKEN = call("/auth/token", body={"username": "admin", "password": PASSWORD})["token"]


def items(path):
    out, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = call(path + sep + "limit=200" + (f"&cursor={cursor}" if cursor else ""), TOKEN)
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def label(prefix, value):
    return None if value is None else LABELS.get(f"{prefix}.{value}", value)


def day(s):
    return None if not s else datetime.datetime.strptime(s, "%Y-%m-%d")


def instant(s):
    if not s:
        return None
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return t.astimezone(ZONE).replace(tzinfo=None)


def text(s):
    return s if s else None


DATE, TIME = "date", "time"
ANY_TIME = object()  # any date-time value


def compare(form, sheet, header, kinds, expected):
    """kinds: per column None (exact value), DATE or TIME."""
    global checked
    rows = list(sheet.iter_rows(values_only=False))
    got_header = [c.value for c in rows[0]]
    if got_header != header:
        fail(f"{form}: header {got_header} != {header}")
        return
    if not all(c.font and c.font.b for c in rows[0]):
        fail(f"{form}: header row is not bold")
    if sheet.freeze_panes != "A2":
        fail(f"{form}: header not frozen (freeze_panes {sheet.freeze_panes})")
    if len(rows) - 1 != len(expected):
        fail(f"{form}: {len(rows) - 1} rows, the API has {len(expected)}")
    for r, (cells, want) in enumerate(zip(rows[1:], expected), start=2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        for c, (cell, value, kind, name) in enumerate(zip(cells, want, kinds, header)):
            got = cell.value if cell is not None else None
            checked += 1
            where = f"{form} row {r} {name}"
            if value is None:
                if got not in (None, ""):
                    fail(f"{where}: {got!r}, expected empty")
                continue
            if kind == DATE:
                if not isinstance(got, datetime.datetime) or not cell.is_date or "yy" not in cell.number_format:
                    fail(f"{where}: {got!r} ({cell.number_format}) is not a date cell")
                elif got != value:
                    fail(f"{where}: {got} != {value}")
            elif kind == TIME:
                if not isinstance(got, datetime.datetime) or not cell.is_date:
                    fail(f"{where}: {got!r} is not a date-time cell")
                elif value is not ANY_TIME and abs((got - value).total_seconds()) > 0.5:
                    fail(f"{where}: {got} != {value}")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                if isinstance(got, bool) or not isinstance(got, (int, float)):
                    fail(f"{where}: {got!r} is not a number")
                elif abs(got - value) > 1e-9:
                    fail(f"{where}: {got} != {value}")
            elif got != value:
                fail(f"{where}: {got!r} != {value!r}")


def book(form):
    return openpyxl.load_workbook(os.path.join(DIR, form + ".xlsx")).worksheets


departments = {d["id"]: d["name"] for d in items("/departments")}
users = {u["id"]: u["display_name"] for u in items("/users")}
customers = {c["id"]: c["name"] for c in items("/customers")}
contracts = sorted(items("/contracts"), key=lambda c: (c["number"], c["id"]))
numbers = {c["id"]: c["number"] for c in contracts}


def names(ids):
    return "、".join(sorted(departments[i] for i in ids)) if ids else None


# 合同 (the import workbook: also its 模板1 and 模板2 sheets, compared below)
expected = [[c["number"], c["title"], customers[c["customer_id"]], label("contract_category", c["category"]),
             float(c["amount"]), c["currency"], day(c.get("signed_on")), day(c.get("starts_on")), day(c.get("ends_on")),
             label("contract_status", c["status"]), users.get(c.get("owner_id")), departments.get(c.get("department_id")),
             c["update_cadence_days"], text(c.get("description"))] for c in contracts]
compare("contracts", book("contracts")[0],
        ["合同编号", "合同名称", "客户", "类别", "金额", "币种", "签订日期", "开始日期", "结束日期", "状态", "负责人", "责任部门", "更新周期（天）", "合同说明"],
        [None, None, None, None, None, None, DATE, DATE, DATE, None, None, None, None, None], expected)

# 模板1
expected = []
for c in contracts:
    clauses = {x["id"]: x for x in items(f"/contracts/{c['id']}/clauses")}
    for r in sorted(items(f"/contracts/{c['id']}/responsibilities"), key=lambda r: r["id"]):
        clause = clauses.get(r.get("clause_id"))
        expected.append([c["number"], label("clause_category", clause["category"]) if clause else None,
                         clause["text"] if clause else None, departments[r["department_id"]], users.get(r.get("owner_id")),
                         r["duty"], day(r.get("due_on")), names(r["collaborators"]), label("responsibility_status", r["status"])])
header1 = ["合同编号", "条款类别", "条款内容", "责任部门", "责任人", "具体职责", "完成时限", "协作部门", "状态"]
kinds1 = [None, None, None, None, None, None, DATE, None, None]
compare("responsibilities", book("responsibilities")[0], header1, kinds1, expected)
compare("contracts/模板1", book("contracts")[1], header1, kinds1, expected)

# 模板2 (更新时间 is not in the milestone JSON: it is checked for being a date-time cell only)
expected = []
for c in contracts:
    for m in sorted(items(f"/contracts/{c['id']}/milestones"), key=lambda m: (m["sequence"], m["id"])):
        status = label("milestone_status", m["status"])
        if m["status"] != "done" and m["progress"] > 0:
            status += f" {min(m['progress'], 100)}%"
        expected.append([c["number"], m["name"], m["weight"], day(m["planned_on"]), day(m.get("actual_on")), status,
                         m["delay_days"], label("delay_cause", m.get("delay_cause")), text(m.get("delay_reason")),
                         text(m.get("next_step")), departments.get(m.get("department_id")), ANY_TIME])
header2 = ["合同编号", "节点", "权重", "计划完成时间", "实际完成时间", "状态", "延迟天数", "延迟原因类别", "延迟原因", "下一步计划", "责任部门", "更新时间"]
kinds2 = [None, None, None, DATE, DATE, None, None, None, None, None, None, TIME]
compare("milestones", book("milestones")[0], header2, kinds2, expected)
compare("contracts/模板2", book("contracts")[2], header2, kinds2, expected)


# 风险预判表
def trigger(t, milestone_names):
    target = f"节点「{milestone_names[t['milestone_id']]}」" if t.get("milestone_id") in milestone_names else "任一节点"
    k = t["kind"]
    if k == "milestone_late":
        return f"{target}延迟 ≥ {t.get('days') or 1} 天"
    if k == "forecast_late":
        return "预计完工晚于计划完工"
    if k == "payment_overdue":
        return f"付款节点逾期 ≥ {t.get('days') or 1} 天"
    if k == "quality_failed":
        return f"{target}质量检验不合格"
    if k == "update_stale":
        return f"超过 {t['days']} 天未更新进度" if t.get("days") else "超过更新周期未更新进度"
    if k == "sla_breach_rate":
        p = t.get("percent") or 0
        return f"服务时限违约率 > {int(p) if p == int(p) else p}%"
    if k == "material_late":
        of = f"节点「{milestone_names[t['milestone_id']]}」的" if t.get("milestone_id") in milestone_names else ""
        return f"{of}物资晚于需用日期 ≥ {1 if t.get('days') is None else t['days']} 天到货"
    if k == "department_overload":
        p = t.get("percent") or 0
        return f"所依赖部门某周超负荷 ≥ {int(p) if p == int(p) else p}%"
    if k == "funds_unapproved":
        return f"资金在需用日期前 {0 if t.get('days') is None else t['days']} 天仍未批准"
    return "人工判定"


expected = []
for c in contracts:
    mnames = {m["id"]: m["name"] for m in items(f"/contracts/{c['id']}/milestones")}
    for r in sorted(items(f"/contracts/{c['id']}/risks"), key=lambda r: r["id"]):
        expected.append([c["number"], r["description"], label("mon_risk_category", r["category"]), r["likelihood"], r["impact"],
                         trigger(r["trigger"], mnames), text(r.get("mitigation")), users.get(r.get("owner_id")),
                         label("mon_risk_status", r["status"])])
compare("risks", book("risks")[0], ["合同编号", "风险描述", "类别", "可能性", "影响", "触发条件", "应对措施", "责任人", "状态"],
        [None] * 9, expected)

# 模板3
expected = [[e["number"], numbers[e["contract_id"]], instant(e["detected_at"]), instant(e["raised_at"]), e["description"],
             text(e.get("impact")), text(e.get("initial_fix")), e["level"], names(e["departments"]), instant(e["resolve_by"]),
             text(e.get("resolution")), instant(e.get("closed_at")), label("mon_escalation_status", e["status"])]
            for e in sorted(items("/escalations"), key=lambda e: (e["number"], e["id"]))]
compare("escalations", book("escalations")[0],
        ["问题编号", "合同编号", "发现时间", "上报时间", "问题详情", "影响范围", "初步解决方案", "级别", "协调部门", "处理时限", "处理结果", "闭环时间", "状态"],
        [None, None, TIME, TIME, None, None, None, None, None, TIME, None, TIME, None], expected)

# 模板4 and 客户满意度评价表
expected, ratings = [], []
for q in sorted(items("/service-requests"), key=lambda q: (q["number"], q["id"])):
    d = call(f"/service-requests/{q['id']}", TOKEN)
    r = d.get("rating")
    follow = min((f["called_at"] for f in d.get("follow_ups", [])), key=lambda s: instant(s), default=None)
    objections = sorted(d.get("objections", []), key=lambda o: (instant(o["raised_at"]), o["id"]))
    objection = "\n".join("异议：" + o["description"] + ("；处理：" + o["resolution"] if o.get("resolution") else "") for o in objections)
    contract = numbers.get(q.get("contract_id"))
    expected.append([q["number"], customers[q["customer_id"]], contract, label("svc_channel", q["channel"]),
                     label("svc_type", q["type"]), label("svc_urgency", q["urgency"]), instant(q["received_at"]),
                     instant(q.get("confirmed_at")), instant(q.get("responded_at")), instant(q.get("remote_at")),
                     instant(q.get("onsite_at")), instant(q.get("resolved_at")), text(q.get("engineer_name")),
                     text(q.get("solution")), text(q.get("signed_by")), instant(q.get("signed_at")),
                     r["speed"] if r else None, r["solving"] if r else None, r["attitude"] if r else None,
                     r["professionalism"] if r else None, instant(follow), text(objection)])
    if r:
        ratings.append([q["number"], customers[q["customer_id"]], contract, instant(r["rated_at"]), r["speed"], r["solving"],
                        r["attitude"], r["professionalism"], text(r.get("comment"))])
compare("service-requests", book("service-requests")[0],
        ["需求编号", "客户", "合同编号", "渠道", "类型", "紧急程度", "受理时间", "确认时间", "响应时间", "远程支持时间", "到场时间", "解决时间",
         "处理人", "处理过程", "客户签字", "签字时间", "满意度-响应速度", "满意度-解决问题能力", "满意度-服务态度", "满意度-专业性", "回访时间", "异议及处理"],
        [None] * 6 + [TIME] * 6 + [None, None, None, TIME, None, None, None, None, TIME, None], expected)
compare("satisfaction", book("satisfaction")[0], ["需求编号", "客户", "合同编号", "评价时间", "响应速度", "解决问题能力", "服务态度", "专业性", "意见"],
        [None, None, None, TIME, None, None, None, None, None], ratings)

for f in failures:
    print("FAIL:", f)
print(f"xlsx-checks: {checked} cells checked, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
