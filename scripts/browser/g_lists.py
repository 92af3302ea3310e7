"""Journey (g): the lists and the dashboard counters. The manager searches, sorts and filters the contract list,
meets the empty state when nothing matches and clears the filters from it, follows a dashboard counter to the
list it counts and finds the same number there, and filters the service desk queue — all with plain GET forms."""

import re

from journey import Api, Journey, JourneyFailure

NAME = "g-lists"


def run(ctx):
    api = Api()
    customers = api.call("GET", "/api/v1/customers?limit=200")["items"]
    customer = next((c for c in customers if c["name"] == "华东精密机械有限公司"), None)
    customer_id = customer["id"] if customer else api.call("POST", "/api/v1/customers", {"name": "华东精密机械有限公司"})["id"]
    api.user("j.gaolei", "高磊", "manager")
    for number, title, amount in [("HT-2026-L01", "液压站改造合同", "80000.00"), ("HT-2026-L02", "冷却塔维保合同", "420000.00"),
                                  ("HT-2026-K01", "空压机供货合同", "150000.00")]:
        api.call("POST", "/api/v1/contracts", {"number": number, "title": title, "customer_id": customer_id,
                                               "category": "service", "amount": amount, "status": "draft"})

    j = Journey(NAME)
    j.login("j.gaolei")

    # search: the box has a visible label and keeps the text
    j.open("/contracts")
    j.see("搜索")
    j.fill("#list-form", {"q": "L0"})
    j.submit("#list-form")
    j.see("HT-2026-L01", "HT-2026-L02", "共 2 条")
    j.dont_see("HT-2026-K01")
    j.step("contracts searched")

    # sort: the amount header is a link; twice gives descending, and the search is kept
    j.click_link("金额", "main thead")
    j.click_link("金额", "main thead")
    rows = [r.text for r in j.all("main tbody tr")]
    if not (len(rows) == 2 and "HT-2026-L02" in rows[0] and "HT-2026-L01" in rows[1]):
        raise JourneyFailure(f"{j.where()}: expected L02 (420,000) before L01 (80,000), got {rows}")
    if "金额" not in j.css("main th[aria-sort=descending]").text:
        raise JourneyFailure(f"{j.where()}: the amount column should say it is sorted descending")
    j.step("contracts sorted by amount, descending")

    # filter to nothing: the empty state says what to do, and its link clears the filters
    j.fill("#list-form", {"status": "已关闭"})
    j.submit("#list-form")
    j.see("没有符合条件的记录")
    j.step("nothing matches")
    j.click_link("清除筛选条件")
    j.see("HT-2026-L01", "HT-2026-L02", "HT-2026-K01")
    j.step("filters cleared")

    # a dashboard counter leads to the list of exactly what it counts
    j.open("/dashboard")
    counter = next((a for a in j.all("main a.counter-link") if "未解除预警" in a.text), None)
    if counter is None:
        raise JourneyFailure(f"{j.where()}: the open-alerts counter is not a link")
    count = int(re.search(r"\d+", counter.text).group())
    j.step("dashboard counters")
    j.click_and_wait(counter)
    if count == 0:
        j.see("没有预警")
    else:
        j.see(f"第 1–{count} 条，共 {count} 条")
    j.step("open alerts from the counter")

    # the service desk queue: filter by urgency with the select, then the empty state for a search with no hits
    j.open("/service")
    j.fill("#list-form", {"status": "", "q": "不存在的关键字"})
    j.submit("#list-form")
    # after journey (c) the queue has a request, so nothing matches; run alone it has none yet, and says how to start
    j.see(re.compile("没有符合条件的记录|还没有服务需求 — 在下方受理第一条"))
    j.step("service desk search with no hits")
