"""Journey (d): the quality manager opens 季度履约与服务分析报告 for the last closed quarter and the current one, reads the
figures against the API's numbers (value, previous quarter, definition), sees the SVG charts, opens the printable
version, raises an improvement action from a figure's "＋", and downloads the report's workbook and the 模板4 export
from the service desk — both real XLSX files.

Data: the run starts on an empty database. Journeys (a) and (c) leave this quarter a late milestone with its cause, an
on-time one and a service request rated 5 on every dimension; this journey adds, through the API, a contract whose
milestones fall in the previous quarter (one on time, one eight days late for a supplier) and one this quarter, so
both columns hold numbers. Run alone (`scripts/browser-journeys.sh d`), the satisfaction figures are "—" on the page
and null in the API, and the journey checks exactly that."""

import datetime
import os
import re
import shutil
import tempfile
import time
import zipfile
from zoneinfo import ZoneInfo

from journey import Api, Journey, JourneyFailure

NAME = "d-report"
MANAGER = "j.wangjing"
# The figures read off the page and compared with GET /api/v1/reports/quarterly, number for number.
CHECKED = ["milestones.due", "milestones.on_time_rate", "milestones.delay_rate", "milestones.avg_delay_days",
           "milestones.max_delay_days", "service.requests", "satisfaction.ratings", "satisfaction.speed",
           "satisfaction.solving", "satisfaction.attitude", "satisfaction.professionalism", "satisfaction.overall"]
# 模板4 后期服务需求处理记录表's first columns (DESIGN.md §2)
REQUEST_HEADER = ["需求编号", "客户", "合同编号"]

try:
    import openpyxl
except ImportError:  # the zip structure is still checked
    openpyxl = None


def quarter_of(day):
    q = (day.month - 1) // 3 + 1
    return day.year, q, datetime.date(day.year, 3 * (q - 1) + 1, 1)


def label(year, q):
    return f"{year}Q{q}"


def fmt(v, unit):
    """A figure as the report page writes it (ReportDocument.value / ReportCharts.fmt)."""
    if v is None:
        return "—"
    if v == int(v):
        s = str(int(v))
    else:
        s = re.sub(r"0$", "", f"{v:.2f}")
    return s + "%" if unit == "percent" else s


def setup(today):
    """The manager and a contract with milestones in the previous quarter and this one."""
    api = Api()
    api.user(MANAGER, "王静", "manager")
    _, _, start = quarter_of(today)
    prev_end = start - datetime.timedelta(days=1)
    customer = api.call("POST", "/api/v1/customers", {"name": "浙江远航装备有限公司"})
    contract = api.call("POST", "/api/v1/contracts", {
        "number": "HT-2026-J04", "title": "自动化装配线改造合同", "customer_id": customer["id"], "category": "manufacturing",
        "amount": "860000.00", "starts_on": (prev_end - datetime.timedelta(days=80)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=90)).isoformat(), "status": "active"})
    plan = [  # name, weight, planned, actual, cause
        ("图纸会签", 20, prev_end - datetime.timedelta(days=40), prev_end - datetime.timedelta(days=40), None),
        ("样机试制", 30, prev_end - datetime.timedelta(days=20), prev_end - datetime.timedelta(days=12), "supplier"),
        ("产线改造完成", 50, start, start, None),
    ]
    for name, weight, planned, actual, cause in plan:
        m = api.call("POST", f"/api/v1/contracts/{contract['id']}/milestones",
                     {"name": name, "weight": weight, "planned_on": planned.isoformat()})
        update = {"progress": 100, "actual_on": actual.isoformat()}
        if cause:
            update.update({"delay_cause": cause, "delay_reason": "伺服电机供应商交货延误"})
        api.call("POST", f"/api/v1/milestones/{m['id']}/updates", update)
    return api


def check_figures(j, api, quarter):
    """Every checked figure: the number, last quarter's number and the definition are the API's."""
    report = api.call("GET", f"/api/v1/reports/quarterly?quarter={quarter}")
    if report["quarter"] != quarter:
        raise JourneyFailure(f"API answered quarter {report['quarter']} for {quarter}")
    figures = {f["key"]: f for f in report["figures"]}
    heads = [th.text for th in j.all("main section.rpt-section thead th")]
    if heads[:5] != ["指标", "本季度", "上季度", "变化", "定义"] and not ("上季度" in heads and "定义" in heads):
        raise JourneyFailure(f"figure table headings are {heads}")
    for key in CHECKED:
        f = figures.get(key)
        if f is None:
            raise JourneyFailure(f"the API's report has no figure {key}")
        row = j.css(f"main tr[id='fig-{key}']")
        cells = row.find_elements("css selector", "td")
        shown = cells[1].find_element("css selector", "strong").text.strip()
        previous = cells[2].text.strip()
        definition = cells[4].text.strip()
        if f.get("label_zh") not in cells[0].text:
            raise JourneyFailure(f"{quarter} {key}: label {cells[0].text!r}, the API says {f.get('label_zh')!r}")
        if shown != fmt(f.get("value"), f.get("unit")):
            raise JourneyFailure(f"{quarter} {key}: the page shows {shown!r}, the API says {f.get('value')!r}")
        if previous != fmt(f.get("previous"), f.get("unit")):
            raise JourneyFailure(f"{quarter} {key}: previous quarter shows {previous!r}, the API says {f.get('previous')!r}")
        if not definition or definition != f.get("definition_zh"):
            raise JourneyFailure(f"{quarter} {key}: definition {definition!r}, the API says {f.get('definition_zh')!r}")
        if f.get("denominator") is not None and f"({f.get('numerator')}/{f.get('denominator')})" not in cells[1].text:
            raise JourneyFailure(f"{quarter} {key}: ratio missing in {cells[1].text!r}")
    return report, figures


def check_charts(j, *sections):
    """The charts are inline SVG images with a title, one per section named."""
    svgs = j.all("main svg.report-chart")
    if not svgs:
        raise JourneyFailure(f"{j.where()}: no SVG chart")
    for svg in svgs:
        if svg.get_attribute("role") != "img" or not svg.get_attribute("aria-label"):
            raise JourneyFailure(f"{j.where()}: a chart without role=img and a label")
    headings = [s.find_element("css selector", "h2").text for s in j.all("main section.rpt-section")]
    for title in sections:
        section = next((s for s in j.all("main section.rpt-section")
                        if s.find_element("css selector", "h2").text == title), None)
        if section is None:
            raise JourneyFailure(f"{j.where()}: no section {title!r} among {headings}")
        if not section.find_elements("css selector", "svg.report-chart"):
            raise JourneyFailure(f"{j.where()}: section {title!r} has no chart")
    return len(svgs)


def check_xlsx(path, sheet_header=None):
    """A real workbook: a zip with xl/workbook.xml; read by openpyxl when the venv has it."""
    if not zipfile.is_zipfile(path):
        raise JourneyFailure(f"{os.path.basename(path)} is not a zip ({os.path.getsize(path)} bytes)")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if "xl/workbook.xml" not in names:
            raise JourneyFailure(f"{os.path.basename(path)} has no xl/workbook.xml: {names[:10]}")
        if "spreadsheetml" not in z.read("[Content_Types].xml").decode():
            raise JourneyFailure(f"{os.path.basename(path)}: [Content_Types].xml names no spreadsheet")
    if openpyxl is None:
        return None
    wb = openpyxl.load_workbook(path)
    if sheet_header:
        ws = wb.worksheets[0]
        header = [c.value for c in ws[1]]
        if header[:len(sheet_header)] != sheet_header:
            raise JourneyFailure(f"{os.path.basename(path)}: header row {header[:6]}, expected {sheet_header} first")
    return wb


def run_job_and_download(j, suffix, title, timeout=60):
    """On a job's start page: start it, watch its page (the bar moves by itself with JavaScript) until the download
    link shows, and download the result."""
    j.click_and_wait(j.css("main form button[type=submit]"))
    if not re.fullmatch(r"/jobs/[0-9a-f-]{36}", j.path):
        raise JourneyFailure(f"starting the job went to {j.where()}, not a job page")
    j.see(title)
    if not j.all_within("main progress.job-bar"):
        raise JourneyFailure(f"{j.where()}: the job page has no progress bar")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = j.all("main .job-result a[download]")
        if links:
            break
        state = " ".join(e.text for e in j.all("main .job-state"))
        if "失败" in state or "已取消" in state:
            raise JourneyFailure(f"{j.where()}: the job ended as {state!r}")
        time.sleep(0.5)
    else:
        raise JourneyFailure(f"{j.where()}: the job was not done after {timeout} s")
    j.see("已完成", "100%")
    j.step(f"job done: {title}")
    return j.download(links[0], suffix)


def run(ctx):
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    year, q, start = quarter_of(today)
    current = label(year, q)
    py, pq, _ = quarter_of(start - datetime.timedelta(days=1))
    previous = label(py, pq)
    api = setup(today)
    downloads = tempfile.mkdtemp(prefix="lvyue-journey-d-")
    try:
        walk(ctx, api, current, previous, downloads)
    finally:
        shutil.rmtree(downloads, ignore_errors=True)


def walk(ctx, api, current, previous, downloads):
    j = Journey(NAME, downloads=downloads)
    j.login(MANAGER)
    j.step("signed in")

    # The report opens on the last closed quarter.
    j.click_link("季度报告", within="header nav")
    if f"quarter={previous}" not in j.where():
        raise JourneyFailure(f"the report opened at {j.where()}, expected the last closed quarter {previous}")
    j.see(f"季度履约与服务分析报告 {previous}", "节点按期完成率", "定义", "上季度", "供应商")
    report, figures = check_figures(j, api, previous)
    # HT-2026-J04 in the previous quarter: two milestones due, one on time, one 8 days late for the supplier.
    if (figures["milestones.due"].get("value") or 0) < 2 or (figures["milestones.max_delay_days"].get("value") or 0) < 8:
        raise JourneyFailure(f"previous quarter milestones {figures['milestones.due']} / {figures['milestones.max_delay_days']}")
    check_charts(j, "节点履约")
    j.step(f"report {previous}")

    # This quarter, chosen in the filter as a person would.
    j.fill("main form.rpt-filters", {"quarter": current})
    j.submit("main form.rpt-filters")
    j.see(f"季度履约与服务分析报告 {current}")
    report, figures = check_figures(j, api, current)
    on_time = figures["milestones.on_time_rate"]
    if on_time.get("value") is None or on_time.get("previous") is None:
        raise JourneyFailure(f"{current}: on-time rate {on_time} should have both quarters")
    overall = figures["satisfaction.overall"]
    if ctx.get("contract_path") and overall.get("value") is None:
        raise JourneyFailure(f"{current}: journey (c) rated a request, yet overall satisfaction is null")
    if overall.get("value") is not None:
        # journey (c) rated 5 on every dimension: the page's satisfaction section shows it as a number
        j.see(fmt(overall.get("value"), "score"), selector=f"main tr[id='fig-satisfaction.overall'] td:nth-child(2)")
    charts = check_charts(j, "节点履约", "客户满意度")
    print(f"  [{NAME}]    {current}: on-time rate {fmt(on_time.get('value'), 'percent')} (last quarter "
          f"{fmt(on_time.get('previous'), 'percent')}), overall satisfaction {fmt(overall.get('value'), 'score')}, as the API says")
    j.step(f"report {current} with {charts} charts")

    # The printable document: the same figures, no navigation, no "＋".
    print_link = j.css("main .page-head a[href*='/reports/quarterly/print']")
    j.click_and_wait(print_link)
    j.see(f"季度履约与服务分析报告 {current}", "节点按期完成率", "上季度", "定义")
    if j.all("header nav") or j.all("a.rpt-act"):
        raise JourneyFailure("the printable report carries navigation or action links")
    shown = j.css("main tr[id='fig-milestones.on_time_rate'] td:nth-child(2) strong").text
    if shown != fmt(on_time.get("value"), "percent"):
        raise JourneyFailure(f"printable on-time rate {shown!r}, the API says {on_time.get('value')}")
    check_charts(j, "节点履约")
    j.step("printable report")
    j.driver.back()
    j.page_checks()

    # An improvement action from the delay rate's "＋": the form arrives with the figure and the quarter filled in.
    j.click_and_wait(j.css("main tr[id='fig-milestones.delay_rate'] a.rpt-act"))
    if j.css("main form [name=quarter]").get_attribute("value") != current:
        raise JourneyFailure(f"the action form's quarter is {j.css('main form [name=quarter]').get_attribute('value')!r}")
    picked = j.css("main form select[name=figure_key] option:checked").text
    if picked != "节点延迟率":
        raise JourneyFailure(f"the action form's figure is {picked!r}, expected 节点延迟率")
    due = (datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=30)).isoformat()
    j.fill("main form", {"finding": "原材料与外购件供应滞后导致节点延迟", "cause_category": "供应商",
                         "measure": "建立关键物料双供应商，交期前两周逐周确认", "owner_department_id": "项目部", "due_on": due})
    j.step("improvement action form from the figure")
    j.submit("main form")
    j.see("原材料与外购件供应滞后导致节点延迟")
    j.step("improvement action saved")
    actions = api.call("GET", "/api/v1/improvement-actions")["items"]
    mine = [a for a in actions if a["finding"] == "原材料与外购件供应滞后导致节点延迟"]
    if len(mine) != 1 or mine[0]["figure_key"] != "milestones.delay_rate" or mine[0]["quarter"] != current:
        raise JourneyFailure(f"the API lists the action as {mine}")
    j.open(f"/reports/quarterly?quarter={current}")
    j.see("建立关键物料双供应商，交期前两周逐周确认")
    j.step("the action in the report")

    # The report's workbook: the page's button starts a background job (issue #8) whose page shows the bar, then the
    # download link.
    j.click_and_wait(j.css("main .page-head a[href*='/jobs/new?kind=quarterly_report']"))
    j.see(f"季度报告工作簿 {current}")
    j.step("report workbook start page")
    path = run_job_and_download(j, ".xlsx", f"季度报告工作簿 {current}")
    wb = check_xlsx(path)
    if wb is not None:
        cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
        if not any(isinstance(c, str) and "节点按期完成率" in c for c in cells):
            raise JourneyFailure(f"{os.path.basename(path)}: the first sheet does not name 节点按期完成率")
        numbers = [c for c in cells if isinstance(c, (int, float))]
        if on_time.get("value") not in numbers:
            raise JourneyFailure(f"{os.path.basename(path)}: on-time rate {on_time.get('value')} is not a number in the sheet")
    print(f"  [{NAME}]    report workbook {os.path.basename(path)}: {os.path.getsize(path)} bytes"
          + (f", sheets {wb.sheetnames}" if wb else " (openpyxl not installed: zip checked)"))

    # 模板4 from the service desk's export button.
    j.open("/service")
    j.step("service desk with its export buttons")
    button = next((b for b in j.all("main form.filters button") if b.text.strip() == "导出 Excel"), None)
    if button is None:
        raise JourneyFailure("the service desk has no 导出 Excel button")
    j.click_and_wait(button)
    j.see("导出 模板4 后期服务需求处理记录表（XLSX）")
    path = run_job_and_download(j, ".xlsx", "导出 模板4")
    wb = check_xlsx(path, REQUEST_HEADER)
    if wb is not None:
        rows = wb.worksheets[0].max_row - 1
        listed = api.call("GET", "/api/v1/service-requests?limit=200")["items"]
        if rows != len(listed):
            raise JourneyFailure(f"{os.path.basename(path)}: {rows} request rows, the API lists {len(listed)}")
    print(f"  [{NAME}]    service requests workbook {os.path.basename(path)}: {os.path.getsize(path)} bytes")
    j.step("exports downloaded")
