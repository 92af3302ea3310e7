#!/usr/bin/env python3
"""Independent reference for the working calendars: generates random cases across 2025-2026, runs
`lvyue calendar deadline --batch` and `lvyue calendar add-days`, and compares every answer with a
deliberately simple minute-walking implementation written here from DESIGN.md section 4."""
import datetime as dt
import random
import subprocess
import sys

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST


def span(a, b):
    d0, d1 = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return {d0 + dt.timedelta(days=i) for i in range((d1 - d0).days + 1)}


OFF = set().union(
    span("2025-01-01", "2025-01-01"), span("2025-01-28", "2025-02-04"), span("2025-04-04", "2025-04-06"),
    span("2025-05-01", "2025-05-05"), span("2025-05-31", "2025-06-02"), span("2025-10-01", "2025-10-08"),
    span("2026-01-01", "2026-01-03"), span("2026-02-15", "2026-02-23"), span("2026-04-04", "2026-04-06"),
    span("2026-05-01", "2026-05-05"), span("2026-06-19", "2026-06-21"), span("2026-09-25", "2026-09-27"),
    span("2026-10-01", "2026-10-07"))
WORKED = {dt.date.fromisoformat(s) for s in [
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]}
WINDOWS = [(9 * 60, 12 * 60), (13 * 60, 18 * 60)]


def working_day(d):
    if d in WORKED:
        return True
    if d in OFF:
        return False
    return d.weekday() < 5


def is_working_minute(t):
    """Is the minute starting at t (Shanghai time) working time?"""
    if not working_day(t.date()):
        return False
    m = t.hour * 60 + t.minute
    return any(s <= m < e for s, e in WINDOWS)


def deadline_cn(start, minutes):
    # Start at the first whole minute at or after start (cases use whole minutes).
    t = start
    if minutes == 0:
        while not is_working_minute(t):
            t = (t + dt.timedelta(minutes=1))
        return t
    left = minutes
    while True:
        if is_working_minute(t):
            left -= 1
            if left == 0:
                return t + dt.timedelta(minutes=1)
        t += dt.timedelta(minutes=1)


def add_days_cn(d, n):
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        d += dt.timedelta(days=step)
        if working_day(d):
            left -= 1
    return d


def iso(t):
    return t.astimezone(TZ).isoformat()


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(20261129)
    lo = dt.datetime(2025, 1, 1, tzinfo=TZ)
    # stay clear of the end of 2026 so that long spans never need 2027 data
    hi_minutes = int((dt.datetime(2026, 12, 10, tzinfo=TZ) - lo).total_seconds() // 60)
    failures = 0

    for calendar in ["cn-workday", "7x24"]:
        cases = []
        for _ in range(count):
            start = lo + dt.timedelta(minutes=rng.randrange(hi_minutes))
            minutes = rng.choice([0, 1, 30, 60, 120, 179, 180, 240, 480, 481, 1440, 2400, rng.randrange(0, 2400)])
            cases.append((start, minutes))
        stdin = "".join(f"{iso(s)} {m}\n" for s, m in cases)
        out = subprocess.run([binary, "calendar", "deadline", "--calendar", calendar, "--batch"], input=stdin,
                             capture_output=True, text=True, check=False)
        lines = out.stdout.splitlines()
        if out.returncode != 0 or len(lines) != len(cases):
            print(f"{calendar}: batch failed (exit {out.returncode}, {len(lines)} lines): {out.stderr[:500]}")
            failures += 1
            continue
        for (start, minutes), got in zip(cases, lines):
            want = iso(deadline_cn(start, minutes)) if calendar == "cn-workday" else iso(start + dt.timedelta(minutes=minutes))
            if got != want:
                failures += 1
                if failures < 20:
                    print(f"MISMATCH {calendar} {iso(start)} + {minutes}: got {got}, want {want}")

    day_lo = dt.date(2025, 1, 15)
    for _ in range(max(50, count // 20)):
        d = day_lo + dt.timedelta(days=rng.randrange(680))
        n = rng.choice([-5, -3, -1, 1, 3, 5, 10])
        out = subprocess.run([binary, "calendar", "add-days", "--calendar", "cn-workday", "--date", d.isoformat(), "--days", str(n)],
                             capture_output=True, text=True, check=False)
        want = add_days_cn(d, n).isoformat()
        if out.stdout.strip() != want:
            failures += 1
            print(f"MISMATCH add-days {d} {n}: got {out.stdout.strip()!r} {out.stderr.strip()[:200]}, want {want}")

    refused = subprocess.run([binary, "calendar", "deadline", "--calendar", "cn-workday", "--from", "2027-03-01T09:00:00+08:00",
                              "--minutes", "60"], capture_output=True, text=True, check=False)
    if refused.returncode == 0 or "2027" not in refused.stderr:
        failures += 1
        print(f"2027 was not refused: exit {refused.returncode}, stderr {refused.stderr!r}")
    print(f"calendar-reference: {'all agree' if failures == 0 else str(failures) + ' disagreements'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
