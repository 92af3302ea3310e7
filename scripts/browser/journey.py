"""Shared helper of the browser journeys (issue #8): a headless Chromium that screenshots every step, fails on any
browser console error and runs axe-core on every page it visits, plus a small API client for setting up the people
a journey needs. The journeys themselves only use the web UI, as a person would."""

import base64
import time
import json
import os
import re
import urllib.error
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import JavascriptException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("LVYUE_JOURNEY_URL", "http://127.0.0.1:8080").rstrip("/")
SHOTS = os.environ.get("LVYUE_JOURNEY_SHOTS", "screenshots/browser-journeys")
ADMIN_PASSWORD = os.environ.get("LVYUE_ADMIN_PASSWORD", "")
PASSWORD = "journey-pass-2026"  # every user a journey creates

DESKTOP = (1280, 900)
PHONE = (375, 812)
# axe-core impacts that fail the run; "moderate" and "minor" are printed but tolerated.
FAILING_IMPACTS = {"serious", "critical"}
# LVYUE_JOURNEY_A11Y=report lists serious findings without failing — for working through them locally.
A11Y_REPORT_ONLY = os.environ.get("LVYUE_JOURNEY_A11Y") == "report"


class JourneyFailure(AssertionError):
    pass


def _date_keys(iso):
    """What a person types into Chromium's date field (en-US order, as the headless browser's locale): MM DD YYYY."""
    y, m, d = iso.split("-")
    return m + d + y


class Api:
    """The REST API with the administrator's token — only for preparing people and data a journey starts from."""

    def __init__(self, username="admin", password=None):
        self.token = self.call("POST", "/api/v1/auth/token",
                               {"username": username, "password": password or ADMIN_PASSWORD}, auth=False)["token"]

    def call(self, method, path, body=None, auth=True):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(BASE + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req) as resp:
                raw = resp.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raise JourneyFailure(f"API {method} {path} answered {e.code}: {e.read().decode(errors='replace')[:500]}")

    def department(self, code):
        items = self.call("GET", "/api/v1/departments")["items"]
        return next(d["id"] for d in items if d["code"] == code)

    def user(self, username, name, role, department=None, customer_id=None):
        body = {"username": username, "display_name": name, "password": PASSWORD, "role": role}
        if department:
            body["department_id"] = self.department(department)
        if customer_id:
            body["customer_id"] = customer_id
        return self.call("POST", "/api/v1/users", body)


class Journey:
    """One journey: a browser, a numbered screenshot per step, console and accessibility checks on every page."""

    opened = []  # every journey's browser of this run, for the runner's summary

    def __init__(self, name, size=DESKTOP, javascript=True, downloads=None):
        """`downloads`: a directory where files the person downloads land (Chromium asks nothing)."""
        Journey.opened.append(self)
        self.name = name
        self.javascript = javascript
        self.dir = os.path.join(SHOTS, name)
        os.makedirs(self.dir, exist_ok=True)
        self.steps = 0
        self.axe_checked = set()
        self.a11y_notes = []
        opts = webdriver.ChromeOptions()
        opts.add_argument("--headless=new")
        opts.add_argument("--no-sandbox")  # CI runs as root in a container
        opts.add_argument("--disable-dev-shm-usage")
        opts.add_argument("--lang=zh-CN")
        # A browser in China: Chinese first, as most users of the standard see it (journey e switches).
        prefs = {"intl.accept_languages": "zh-CN,zh"}
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2  # pages must work without it
        if downloads:
            prefs.update({"download.default_directory": downloads, "download.prompt_for_download": False,
                          "download.directory_upgrade": True, "safebrowsing.enabled": True})
        opts.add_experimental_option("prefs", prefs)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        if os.path.exists("/usr/bin/chromium"):
            opts.binary_location = "/usr/bin/chromium"
        service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") \
            if os.path.exists("/usr/bin/chromedriver") else None
        self.driver = webdriver.Chrome(options=opts, service=service)
        self.driver.set_page_load_timeout(30)
        if downloads:
            # headless Chromium honours the preference only with the download behaviour set explicitly
            self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        self.downloads = downloads
        self.resize(size)

    # -- the browser ------------------------------------------------------------------------------------------------

    def resize(self, size):
        if size == PHONE:
            # A phone: a 375 px viewport with overlay scrollbars and touch, not a narrow desktop window.
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": size[0], "height": size[1], "deviceScaleFactor": 2, "mobile": True})
            self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
            self.driver.set_window_size(*size)

    def close(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(BASE + path)
        self.page_checks()

    def click_and_wait(self, element, confirm_text=None):
        """Clicks something that loads a new page and waits until it has replaced this one."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        if confirm_text is not None:
            dialog = self.driver.switch_to.alert
            if confirm_text not in dialog.text:
                raise JourneyFailure(f"{self.where()}: the confirmation asked {dialog.text!r}")
            dialog.accept()
        WebDriverWait(self.driver, 30).until(lambda d: self._gone(old))
        if self.javascript:
            self._wait_loaded()
        self.page_checks()

    def _wait_loaded(self):
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def _again_if_replaced(self, check):
        """Runs `check` on the page; if the page replaced itself meanwhile (a job's page reloads once when its job
        finishes: its elements go stale, a script injected into it is gone), runs it again on the new page."""
        for attempt in range(3):
            try:
                return check()
            except (StaleElementReferenceException, JavascriptException) as e:
                replaced = isinstance(e, StaleElementReferenceException) or "axe is not defined" in str(e)
                if not replaced or attempt == 2:
                    raise
                self._wait_loaded()

    @staticmethod
    def _gone(element):
        # Chromium answers a node of a replaced document with "stale" or, under device emulation, "does not belong".
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    def download(self, element, suffix, timeout=30):
        """Clicks a link or button that downloads a file; returns the path of the new file ending in `suffix` once
        Chromium has finished writing it. The page stays where it is."""
        before = set(os.listdir(self.downloads))
        element.click()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before if f.endswith(suffix)]
            if new:
                return os.path.join(self.downloads, new[0])
            time.sleep(0.2)
        raise JourneyFailure(f"{self.where()}: no {suffix} download after {timeout} s "
                             f"(directory holds {sorted(os.listdir(self.downloads))})")

    def css(self, selector):
        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            raise JourneyFailure(f"{self.where()}: nothing matches {selector!r}")
        return found[0]

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def all_within(self, selector, seconds=5):
        """Like all(), but waits up to `seconds` for a match: a page that reloads itself (a job page once its job is
        done) has no elements while the new document loads."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.all(selector)
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def where(self):
        return self.driver.current_url.replace(BASE, "")

    @property
    def path(self):
        return self.where().split("?")[0]

    def text(self, selector="main", seconds=10):
        """The text of the first match. A page that reloads itself (a running job's page, once its job is done) may
        replace the element between finding and reading it, or have none while the new document loads: it is read
        again from the new document, for up to `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                return self.css(selector).text
            except (StaleElementReferenceException, JourneyFailure):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def fill(self, form, values):
        """Fills fields of `form` (a CSS selector) by name: text, date, number, textarea, select (by visible text or
        value), radio (by value) and checkbox (True/False)."""
        f = self.css(form)
        self._set_fields(f, values, form)
        return f

    def _set_fields(self, f, values, what):
        for name, value in values.items():
            els = f.find_elements(By.NAME, name)
            if not els:
                raise JourneyFailure(f"{self.where()}: no field {name!r} in {what}")
            el, kind = els[0], els[0].get_attribute("type")
            if el.tag_name == "select":
                sel = Select(el)
                try:
                    sel.select_by_visible_text(value)
                except Exception:
                    sel.select_by_value(value)
            elif kind in ("checkbox", "radio"):
                target = next((e for e in els if e.get_attribute("value") == str(value)), el) if kind == "radio" else el
                if (value is not False) != target.is_selected():
                    target.click()
            elif kind == "date" and not self.javascript:
                el.send_keys(_date_keys(value))
            elif kind in ("date", "datetime-local"):
                # Typing into Chromium's date field depends on the browser's locale; set it as the date picker would.
                self.driver.execute_script("arguments[0].value = arguments[1]", el, value)
            else:
                el.clear()
                el.send_keys(str(value))

    def submit(self, form, button=None):
        """Submits a form by clicking its (named) submit button, then checks the page it lands on."""
        f = self.css(form)
        buttons = f.find_elements(By.CSS_SELECTOR, button or "button[type=submit], input[type=submit], button:not([type])")
        if not buttons:
            raise JourneyFailure(f"{self.where()}: no submit button in {form}")
        self.click_and_wait(buttons[0])

    def click_link(self, text, within="main"):
        """Follows the first link in `within` whose text contains `text`."""
        for a in self.driver.find_elements(By.CSS_SELECTOR, f"{within} a"):
            if text in a.text:
                self.click_and_wait(a)
                return
        raise JourneyFailure(f"{self.where()}: no link with text {text!r} in {within}")

    def form_with_button(self, text, within="main"):
        """The form whose submit button says `text` — many pages carry one small form per action."""
        for f in self.driver.find_elements(By.CSS_SELECTOR, f"{within} form"):
            for b in f.find_elements(By.CSS_SELECTOR, "button"):
                if text in b.text:
                    return f
        raise JourneyFailure(f"{self.where()}: no form with a button {text!r}")

    def press(self, text, values=None, within="main", confirm=False):
        """Fills (optionally) and submits the form whose button says `text`, as a person clicking that button;
        `confirm`: the button asks "…?" first (app.js) and the person answers OK."""
        f = self.form_with_button(text, within)
        self._set_fields(f, values or {}, f"the form of {text!r}")
        b = next(b for b in f.find_elements(By.CSS_SELECTOR, "button") if text in b.text)
        self.click_and_wait(b, confirm_text=text if confirm else None)

    # -- what a person sees -----------------------------------------------------------------------------------------

    def see(self, *texts, selector="main"):
        body = self.text(selector)
        for t in texts:
            if isinstance(t, re.Pattern):
                if not t.search(body):
                    raise JourneyFailure(f"{self.where()}: expected to see /{t.pattern}/ in:\n{body[:1500]}")
            elif t not in body:
                raise JourneyFailure(f"{self.where()}: expected to see {t!r} in:\n{body[:1500]}")

    def dont_see(self, *texts, selector="main"):
        body = self.text(selector)
        for t in texts:
            if t in body:
                raise JourneyFailure(f"{self.where()}: did not expect {t!r} in:\n{body[:1500]}")

    def step(self, label):
        """Screenshots the page as it is now, numbered in order."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = os.path.join(self.dir, f"{self.steps:02d}-{slug}.png")
        # The whole page, not just the window: what is below the fold is part of what the person sees.
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png",
                                                                      "clip": self._page_clip()})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"  [{self.name}] {self.steps:02d} {label}")

    def _page_clip(self):
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        return {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}

    # -- checks on every page -----------------------------------------------------------------------------------------

    def page_checks(self):
        self.check_console()
        self.check_status()
        self.check_a11y()

    def check_status(self):
        # The error page's heading carries the status; a journey never expects one unless it says so.
        if self.all("main .error-card"):
            raise JourneyFailure(f"{self.where()}: error page: {self.text()[:500]}")
        # Swift's description of a database model (or any internal value) is never something to show a person.
        leaked = re.search(r"SQLRow|SQLKit|FoundationEssentials|Optional\(|<[A-Za-z]+\.[A-Za-z]+: 0x", self.text("body"))
        if leaked:
            raise JourneyFailure(f"{self.where()}: internal text on the page near {leaked.group(0)!r}")
        current = [a.text for a in self.all("header nav a[aria-current]")]
        if len(current) > 1:
            raise JourneyFailure(f"{self.where()}: several navigation items marked current: {current}")

    def check_console(self):
        errors = [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        if errors:
            raise JourneyFailure(f"{self.where()}: browser console errors:\n" + "\n".join(e["message"] for e in errors))

    def check_a11y(self):
        if not self.javascript:
            return  # axe-core runs inside the page
        # Once per page shape: ids in the path are replaced so that /contracts/<a> and /contracts/<b> count once
        # per journey, yet every page the journey visits is checked.
        shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", ":id", self.path)
        if shape in self.axe_checked:
            return
        self.axe_checked.add(shape)
        results = self._again_if_replaced(self._axe_results)
        bad = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
        for v in results["violations"]:
            if v.get("impact") not in FAILING_IMPACTS:
                self.a11y_notes.append(f"{shape}: {v['id']} ({v.get('impact')}) {v['help']}")
        if bad and A11Y_REPORT_ONLY:
            for v in bad:
                print(f"  a11y {shape}: {v['id']} ({v['impact']}) " + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5]))
        elif bad:
            lines = []
            for v in bad:
                nodes = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
                lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {nodes}")
            raise JourneyFailure(f"{self.where()}: accessibility violations:\n  " + "\n  ".join(lines))
        self.check_console()  # axe itself must not provoke errors either
        self.check_focus_visible()

    def _axe_results(self):
        axe = Axe(self.driver)
        axe.inject()
        return axe.run()

    def check_focus_visible(self, stops=12):
        """Tabs through the first focusable elements as a keyboard user would; each must show a focus ring."""
        self._again_if_replaced(lambda: self._tab_through(stops))

    def _tab_through(self, stops):
        self.driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
        for _ in range(stops):
            # A key press to whatever has focus: send_keys on an <input type=file> would try to upload a file.
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            el = self.driver.switch_to.active_element
            if el.tag_name == "body":
                break
            style = self.driver.execute_script(
                "var s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];", el)
            if (style[0] == "none" or style[1] in ("0px", "")) and style[2] in ("none", ""):
                label = (el.text or el.get_attribute("name") or el.get_attribute("href") or el.tag_name)[:60]
                raise JourneyFailure(f"{self.where()}: keyboard focus on {el.tag_name} {label!r} is not visible")
        self.driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")

    def login(self, username, password=PASSWORD):
        self.open("/login")
        self.fill("form", {"username": username, "password": password})
        self.submit("form")
        if self.path == "/login":
            raise JourneyFailure(f"login as {username} failed: {self.text()[:300]}")

    def logout(self):
        f = self.css("header form")
        self.click_and_wait(f.find_element(By.CSS_SELECTOR, "button"))
