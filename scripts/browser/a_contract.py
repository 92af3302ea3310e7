"""Journey (a): the manager signs in and enters a contract with its clauses, responsibility table (模板1) and
the project manager adds its milestones (模板2), starts fulfilment, records a progress update that leaves a milestone late with its reason, and
finds it on the dashboard — in the summary sentence, in the late list with days and cause, and as an alert."""

import datetime
from zoneinfo import ZoneInfo

from journey import Api, Journey, JourneyFailure

NAME = "a-contract"


def today():
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def run(ctx):
    api = Api()
    api.user("j.zhoumin", "周敏", "manager")
    api.user("j.liqiang", "李强", "project", department="project")
    api.call("POST", "/api/v1/customers", {"name": "华东精密机械有限公司"})
    t = today()
    d = lambda days: (t + datetime.timedelta(days=days)).isoformat()

    j = Journey(NAME)
    if True:
        j.login("j.zhoumin")
        j.see("合同")
        j.step("signed in")

        j.open("/contracts/new")
        j.fill("main form", {"number": "HT-2026-J01", "title": "数控机床供货合同", "customer_id": "华东精密机械有限公司",
                             "category": "制造", "amount": "1250000.00", "starts_on": d(-60), "ends_on": d(120),
                             "department_id": "项目部", "owner_id": "李强"})
        j.step("new contract form")
        j.submit("main form")
        j.see("已创建", "HT-2026-J01", "数控机床供货合同", "¥1,250,000.00", "草稿")
        contract = j.path
        j.step("contract created")

        j.click_link("新增", "#clauses")
        j.fill("main form", {"reference": "第3.1条", "category": "交付时间", "due_on": d(-5),
                             "text": "乙方应于约定日期前完成全部原材料采购并入库"})
        j.submit("main form")
        j.see("第3.1条", "乙方应于约定日期前完成全部原材料采购并入库", selector="#clauses")
        j.step("clause added")

        j.click_link("新增", "#responsibilities")
        j.fill("main form", {"clause_id": "第3.1条 乙方应于约定日期前完成全部原材料采购并入库", "department_id": "项目部",
                             "owner_id": "李强", "due_on": d(-5), "status": "进行中", "duty": "组织原材料采购，跟踪供应商交期"})
        j.submit("main form")
        j.see("项目部", "李强", "组织原材料采购，跟踪供应商交期", "进行中", selector="#responsibilities")
        j.step("responsibility added")

        j.logout()
        j.login("j.liqiang")
        j.open(contract)
        j.step("project manager opens the contract")
        milestones = [("原材料采购完成", "30", d(-5)), ("生产制造完成", "40", d(30)), ("安装调试验收", "30", d(90))]
        for name, weight, planned in milestones:
            j.click_link("新增", "#milestones")
            j.fill("main form", {"name": name, "weight": weight, "planned_on": planned})
            j.submit("main form")
            j.see(name, selector="#milestones")
        j.step("three milestones")

        j.press("启动履约")
        j.see("履约中")
        j.step("fulfilment started")

        # The raw-material milestone was due five days ago and is 60 % done: late, with the cause and the next step.
        j.click_link("原材料采购完成", "#milestones")
        j.fill("#record form", {"progress": "60", "delay_cause": "原材料供应", "delay_reason": "原材料供应滞后",
                                "next_step": "协调备用供应商，三日内到货"})
        j.step("progress update form")
        j.submit("#record form")
        j.see("延迟 5 天", "60%", "原材料供应滞后", "协调备用供应商，三日内到货")
        j.step("milestone late with reason")

        j.open("/dashboard")
        # 30 % weight × 60 % = 18 % overall; the sentence names the late milestone, its days and its reason.
        j.see("HT-2026-J01", "整体进度18%", "延迟5天", "原材料供应滞后")
        j.see("原材料采购完成", selector="main")
        j.step("dashboard summary sentence and late list")

        j.open("/alerts")
        j.see("原材料采购完成", "HT-2026-J01")
        j.step("alert raised")
        ctx["contract_path"] = contract
