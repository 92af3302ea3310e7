"""Journey (f): the same pages with JavaScript switched off — sign in, enter a customer and a contract, add a milestone,
start fulfilment, record progress, end the contract (the button that asks for confirmation with JavaScript submits
directly without it), read the dashboard, switch language, sign out. Everything is server-rendered forms and links,
so all of it must work. (axe-core and the focus check need JavaScript; the other journeys run them on these pages.)"""

import datetime
from zoneinfo import ZoneInfo

from journey import ADMIN_PASSWORD, Journey

NAME = "f-no-javascript"


def run(ctx):
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    d = lambda days: (today + datetime.timedelta(days=days)).isoformat()
    j = Journey(NAME, javascript=False)
    j.login("admin", ADMIN_PASSWORD)
    j.step("signed in without JavaScript")

    j.open("/customers/new")
    j.fill("main form", {"name": "杭州东信自动化有限公司"})
    j.submit("main form")
    j.see("已创建", "杭州东信自动化有限公司")

    j.open("/contracts/new")
    j.fill("main form", {"number": "HT-2026-J06", "title": "自动化产线改造合同", "customer_id": "杭州东信自动化有限公司",
                         "category": "工程建设", "amount": "450000.00", "starts_on": d(-10), "ends_on": d(80)})
    j.submit("main form")
    j.see("已创建", "HT-2026-J06", "¥450,000.00")
    j.click_link("新增", "#milestones")
    j.fill("main form", {"name": "产线设备进场", "weight": "100", "planned_on": d(20)})
    j.submit("main form")
    j.press("启动履约")
    j.see("履约中")
    j.click_link("产线设备进场", "#milestones")
    j.fill("#record form", {"progress": "25", "next_step": "完成基础施工"})
    j.submit("#record form")
    j.see("25%", "完成基础施工")
    j.step("progress recorded without JavaScript")

    j.click_link("HT-2026-J06", "main .crumbs")
    j.press("终止合同")
    j.see("已终止")
    j.step("contract ended without the confirmation script")

    j.open("/dashboard")
    j.see("履约进度仪表盘")
    j.click_link("English", within="header")
    j.see("Fulfilment dashboard")
    j.step("dashboard in English without JavaScript")
    j.click_link("中文", within="header")
    j.logout()
    j.see("登录")
