"""Journey (e): a person switches the interface from Chinese to English and back; the choice holds from page to page,
the page says which language it is in (`<html lang>`), and the sign-in page follows it too."""

from journey import ADMIN_PASSWORD, Journey, JourneyFailure

NAME = "e-language"


def lang(j):
    return j.driver.find_element("css selector", "html").get_attribute("lang")


def run(ctx):
    j = Journey(NAME)
    j.open("/login")
    j.see("登录")
    if lang(j) != "zh-CN":
        raise JourneyFailure(f"sign-in page lang is {lang(j)!r}, expected zh-CN for a Chinese browser")
    j.step("sign-in page in Chinese")
    j.click_link("English", within="header")
    j.see("Sign in")
    if lang(j) != "en":
        raise JourneyFailure(f"lang is {lang(j)!r} after switching to English")
    j.step("sign-in page in English")

    j.login("admin", ADMIN_PASSWORD)
    j.open("/dashboard")
    j.see("Fulfilment dashboard", "Contracts in fulfilment", "Late milestones")
    j.see("Contracts", "Dashboard", "Alerts", selector="header nav")
    if ctx.get("contract_path"):
        # journey (a) left a contract with a late milestone: the summary sentence speaks English now
        j.see("HT-2026-J01", "late", "原材料供应滞后")
    j.step("dashboard in English")
    if ctx.get("contract_path"):
        # the alert lvyue raised about that milestone reads in English too, with the date written the English way
        j.open("/alerts")
        j.see("Milestone late: HT-2026-J01")
        j.step("alerts in English")

    j.open("/contracts")
    j.see("Contracts")
    j.step("contract list in English")
    tour(j, "en")

    j.click_link("中文", within="header")
    if lang(j) != "zh-CN":
        raise JourneyFailure(f"lang is {lang(j)!r} after switching back to Chinese")
    j.see("合同", "仪表盘", selector="header nav")
    j.step("back to Chinese")
    tour(j, "zh-CN")


def tour(j, expected_lang):
    """Every page of the navigation, in the current language: each loads, passes the page checks, says its language."""
    links = [(a.text, a.get_attribute("href")) for a in j.all("header nav a")]
    if len(links) < 5:
        raise JourneyFailure(f"only {len(links)} navigation links")
    for label, href in links:
        j.open(href.replace(j.driver.current_url.split("/", 3)[0] + "//" + j.driver.current_url.split("/", 3)[2], ""))
        if lang(j) != expected_lang:
            raise JourneyFailure(f"{j.where()}: lang {lang(j)!r}, expected {expected_lang}")
        j.css("main h1")
    j.step(f"every navigation page ({expected_lang})")
