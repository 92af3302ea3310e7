"""Journey (c): a customer's contact reports an urgent fault in the portal; the service desk confirms it and assigns an
engineer; the engineer, on a phone-sized window (375 px), ticks the checklist and resolves it; the customer signs off
and rates the service through the one-time link; the desk records the follow-up call (模板4 后期服务需求处理记录表)."""

import base64
import datetime
import os
import re
import tempfile
from zoneinfo import ZoneInfo

from journey import PHONE, DESKTOP, Api, Journey, JourneyFailure

NAME = "c-service"
SUBJECT = "主轴异响，设备停机"


def setup():
    """A delivered contract under warranty with its service plan, the customer's contact, a desk and an engineer."""
    api = Api()
    customer = api.call("POST", "/api/v1/customers", {"name": "苏州明达精密制造有限公司"})
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    d = lambda days: (today + datetime.timedelta(days=days)).isoformat()
    contract = api.call("POST", "/api/v1/contracts", {
        "number": "HT-2026-J03", "title": "五轴加工中心供货合同", "customer_id": customer["id"], "category": "manufacturing",
        "amount": "2380000.00", "starts_on": d(-200), "ends_on": d(-30), "status": "active"})
    m = api.call("POST", f"/api/v1/contracts/{contract['id']}/milestones", {"name": "安装调试验收", "weight": 100, "planned_on": d(-30)})
    api.call("POST", f"/api/v1/milestones/{m['id']}/updates", {"progress": 100, "actual_on": d(-30)})
    api.call("PATCH", f"/api/v1/contracts/{contract['id']}", {"status": "delivered"})
    api.call("POST", f"/api/v1/contracts/{contract['id']}/service-plan", {"contact_name": "刘洋", "contact_phone": "400-800-1234"})
    api.user("j.chenhao", "陈浩", "customer_contact", customer_id=customer["id"])
    api.user("j.liuyang", "刘洋", "service_desk", department="service")
    api.user("j.sunwei", "孙伟", "engineer", department="technical")


def run(ctx):
    setup()
    j = Journey(NAME)

    # The customer's contact reports the fault in the portal.
    j.login("j.chenhao")
    j.see("HT-2026-J03")
    j.step("customer portal")
    j.click_link("服务请求")
    j.click_link("提交服务请求")
    j.fill("main form", {"contract_id": "HT-2026-J03 五轴加工中心供货合同", "urgency": "紧急", "title": SUBJECT,
                         "description": "5号机主轴运转时异响，已停机，影响整条产线"})
    j.step("urgent fault form")
    j.submit("main form")
    j.see(SUBJECT)
    number = re.search(r"SR-\d{4}-\d{6}", j.text()).group(0)
    j.step("request submitted")
    j.logout()

    # The service desk confirms it and assigns the engineer.
    j.login("j.liuyang")
    j.open("/service")
    j.see(number, SUBJECT, "紧急")
    j.step("desk queue")
    j.click_link(number)
    j.press("保存记录", {"type": "确认有效"})
    j.see("已确认")
    j.press("保存记录", {"type": "指派", "engineer_id": "孙伟"})
    j.see("孙伟")
    j.step("confirmed and assigned")
    j.logout()

    # The engineer, on a phone.
    j.resize(PHONE)
    j.login("j.sunwei")
    j.open("/service/mine")
    j.see(number, SUBJECT)
    j.see("我的服务", selector="header nav a[aria-current]")
    j.step("engineer's requests on a phone")
    j.click_link(number)
    j.step("request on a phone")
    # One tap per step: the next steps of the process are buttons above the full form.
    for button, status in (("响应", "已响应"), ("派工", "已派工"), ("到达现场", "已到场")):
        j.press(button)
        j.see(status, selector="main h1")
    j.step("one-tap steps to on site")
    # A photo of the machine, taken with the phone's camera (a file input with capture).
    photo = os.path.join(tempfile.mkdtemp(), "spindle.png")
    with open(photo, "wb") as f:
        f.write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    j.css("#files input[type=file]").send_keys(photo)
    j.submit("#files form[enctype='multipart/form-data']")
    j.see("spindle.png", selector="#files")
    j.step("photo uploaded")
    ticks = len(j.all(".svc-checklist li"))
    if ticks == 0:
        raise JourneyFailure("the request has no checklist")
    for i in range(ticks):
        j.click_and_wait(j.css(f".svc-checklist li:nth-child({i + 1}) .svc-tick-btn"))
    if len(j.all(".svc-checklist li.done")) != ticks:
        raise JourneyFailure(f"{len(j.all('.svc-checklist li.done'))} of {ticks} checklist items done")
    j.step("checklist ticked")
    j.press("保存记录", {"type": "解决", "solution": "更换主轴轴承并重新动平衡，试运行2小时无异响"})
    j.see("已解决")
    j.step("resolved")
    j.logout()
    j.resize(DESKTOP)

    # The desk sends the rating link; the customer signs off in the portal and rates through the link.
    j.login("j.liuyang")
    j.open("/service")
    j.click_link(number)
    request = j.path
    j.press("生成评价链接")
    link = re.search(r"/rate/[A-Za-z0-9_%-]+", j.text()).group(0)
    j.step("rating link made")
    j.logout()

    j.login("j.chenhao")
    j.click_link("服务请求")
    j.see(number, "已解决")
    j.click_link(number)
    j.see("5号机主轴运转时异响，已停机，影响整条产线")
    j.press("我确认问题已解决")
    j.see("客户已签字")
    j.step("customer signed off")
    j.logout()

    j.resize(PHONE)  # the link arrives by SMS or WeChat: opened on a phone, without signing in
    j.open(link)
    j.step("rating page from the link")
    for dim in ("speed", "solving", "attitude", "professionalism"):
        j.css(f"input[name={dim}][value='5']").click()
    j.fill("main form", {"comment": "响应及时，工程师很专业"})
    j.submit("main form")
    j.see("感谢")
    j.step("rated through the link")
    j.resize(DESKTOP)

    # The follow-up call.
    j.login("j.liuyang")
    j.open(request)
    j.see("5 / 5", "响应及时，工程师很专业", "客户已签字")
    j.press("记录回访", {"notes": "客户确认设备运行正常，对服务满意"})
    j.see("客户确认设备运行正常，对服务满意")
    j.step("follow-up call recorded")
