"""Journey (b): a late milestone has raised an alert; the project manager files an escalation from it (模板3 问题升级处理表),
records the coordination meeting that sets the resolve-by deadline, and closes the escalation with its resolution."""

import datetime
from zoneinfo import ZoneInfo

from journey import Api, Journey

NAME = "b-escalation"


def setup():
    """A contract in fulfilment whose first milestone is three days late — reached through the API, as journey (a)
    already walks the same entry through the pages."""
    api = Api()
    owner = api.user("j.sunli", "孙丽", "project", department="project")
    customer = api.call("POST", "/api/v1/customers", {"name": "华北重工集团"})
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    d = lambda days: (today + datetime.timedelta(days=days)).isoformat()
    contract = api.call("POST", "/api/v1/contracts", {
        "number": "HT-2026-J02", "title": "桥式起重机供货与安装合同", "customer_id": customer["id"], "category": "manufacturing",
        "amount": "860000.00", "starts_on": d(-45), "ends_on": d(75), "status": "active", "owner_id": owner["id"]})
    m = api.call("POST", f"/api/v1/contracts/{contract['id']}/milestones",
                 {"name": "设备出厂检验", "weight": 50, "planned_on": d(-3)})
    api.call("POST", f"/api/v1/contracts/{contract['id']}/milestones", {"name": "现场安装完成", "weight": 50, "planned_on": d(40)})
    api.call("POST", f"/api/v1/milestones/{m['id']}/updates",
             {"progress": 40, "delay_cause": "supplier", "delay_reason": "减速机供应商交货延误", "next_step": "派人驻厂催货"})


def run(ctx):
    setup()
    j = Journey(NAME)
    j.login("j.sunli")
    j.open("/alerts")
    j.see("HT-2026-J02", "设备出厂检验")
    j.step("alert of the late milestone")

    j.press("升级", confirm=True)
    j.see("待处理", "节点延迟：HT-2026-J02 设备出厂检验")
    j.see("24小时内")
    escalation = j.path
    j.step("escalation filed within 24 hours")

    j.fill("main form[action$='/meetings']", {"attendees": "项目部 孙丽、技术部 赵磊、采购 王明",
                                              "decisions": "启用备用减速机供应商，技术部驻厂把关出厂检验",
                                              "resolve_within_hours": "48"})
    j.step("coordination meeting form")
    j.submit("main form[action$='/meetings']")
    j.see("启用备用减速机供应商，技术部驻厂把关出厂检验", "项目部 孙丽、技术部 赵磊、采购 王明")
    deadline = (datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(hours=48)).strftime("%Y-%m-%d")
    j.see(deadline)
    j.step("meeting recorded with a resolve-by deadline")

    j.fill("main form[action$='/status']", {"status": "已闭环", "resolution": "备用供应商减速机已到货，出厂检验合格"})
    j.submit("main form[action$='/status']")
    j.see("已闭环", "备用供应商减速机已到货，出厂检验合格")
    j.step("escalation closed with its resolution")

    j.open("/escalations")
    j.step("escalation list")
    ctx["escalation_path"] = escalation
