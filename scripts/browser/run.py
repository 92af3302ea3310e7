"""Runs the browser journeys in order (or those named: `run.py a c`) and exits non-zero if any fails."""

import importlib
import sys
import time
import traceback

import journey

JOURNEYS = [
    ("a", "a_contract"),      # contract → clauses, responsibilities, milestones → late update → dashboard + alert
    ("b", "b_escalation"),    # escalation → coordination meeting with a deadline → closed
    ("c", "c_service"),       # portal fault → desk → engineer at 375 px → customer rating link → follow-up call
    ("d", "d_report"),        # quarterly report: figures against the API, print, improvement action, XLSX downloads
    ("e", "e_language"),      # switch language
    ("f", "f_no_javascript"), # forms and links with JavaScript off
    ("g", "g_lists"),         # lists: search, sort, filter, empty state; a dashboard counter to its list
]


def failure_evidence():
    """A screenshot and the text of the page where the last journey stopped."""
    if not journey.Journey.opened:
        return
    j = journey.Journey.opened[-1]
    try:
        j.step("FAILED here")
        print(f"  page {j.where()}:\n    " + j.text("body")[:2000].replace("\n", "\n    "))
    except Exception:
        pass


def main(selected):
    ctx = {}
    results = []
    for letter, module in JOURNEYS:
        if selected and letter not in selected:
            continue
        print(f"== journey ({letter}) {module}")
        started = time.monotonic()
        try:
            outcome = importlib.import_module(module).run(ctx) or "passed"
            outcome = outcome if isinstance(outcome, str) else "passed"
        except journey.JourneyFailure as e:
            outcome = "FAILED"
            print(f"FAIL ({letter}): {e}")
            failure_evidence()
        except Exception:
            outcome = "FAILED"
            traceback.print_exc()
            failure_evidence()
        for j in journey.Journey.opened:
            try:
                j.close()
            except Exception:
                pass
        results.append((letter, module, outcome, time.monotonic() - started))
    notes = sorted({n for j in journey.Journey.opened for n in j.a11y_notes})
    if notes:
        print("accessibility findings below serious (not failing):")
        for n in notes:
            print("  " + n)
    print("browser journeys:")
    for letter, module, outcome, secs in results:
        print(f"  ({letter}) {module}: {outcome} ({secs:.0f} s)")
    failed = [r for r in results if r[2] == "FAILED"]
    print(f"browser journeys: {len(results) - len(failed)} passed or skipped, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(set(sys.argv[1:])))
