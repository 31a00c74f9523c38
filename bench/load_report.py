"""make load's report: per run (mode, users) requests/s, p50/p95 per action
and errors from Locust's CSV, the invariants' result, and the ratios
governed / stock at each user count. Prints JSON."""
import argparse
import csv
import json
import platform
from pathlib import Path


def _ms(value):
    return float(value) if value not in ("", "N/A", None) else 0.0


def run_stats(path):
    actions = {}
    with open(path / "locust_stats.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not int(row["Request Count"]):
                continue  # only before the statistics were reset (logging in)
            actions[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"])}
    total = actions.pop("Aggregated", {})
    seen = json.loads((path / "seen.json").read_text()) if (path / "seen.json").exists() else {}
    check = json.loads((path / "check.json").read_text()) if (path / "check.json").exists() else {}
    return {"requests_per_second": total.get("rps"), "p50_ms": total.get("p50_ms"), "p95_ms": total.get("p95_ms"),
            "requests": total.get("requests"), "failures": total.get("failures"), "actions": actions,
            "claims_won": len(seen.get("claims_won", [])), "claims_lost": seen.get("claims_lost"),
            "refusals": seen.get("refusals"), "invariants": check}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int)
    parser.add_argument("--duration", type=int)
    parser.add_argument("runs", nargs="+", help="mode:users:directory")
    args = parser.parse_args()
    runs = {}
    for spec in args.runs:
        mode, users, directory = spec.split(":", 2)
        runs.setdefault(int(users), {})[mode] = run_stats(Path(directory))
    out = {"n": args.n, "duration_seconds": args.duration, "server": "odoo-bin --workers=4 --max-cron-threads=2",
           "machine": f"{platform.machine()} {platform.python_version()}", "runs": {}}
    for users, modes in sorted(runs.items()):
        entry = dict(modes)
        stock, governed = modes.get("stock"), modes.get("governed")
        if stock and governed:
            ratios = {}
            for name, g in governed["actions"].items():
                s = stock["actions"].get(name)
                if s and s["p50_ms"] and s["p95_ms"]:
                    ratios[name] = {"p50": round(g["p50_ms"] / s["p50_ms"], 2),
                                    "p95": round(g["p95_ms"] / s["p95_ms"], 2)}
            entry["ratio_governed_vs_stock"] = {
                "requests_per_second": round(governed["requests_per_second"] / stock["requests_per_second"], 2)
                if stock["requests_per_second"] else None,
                "p95": round(governed["p95_ms"] / stock["p95_ms"], 2) if stock["p95_ms"] else None,
                "actions": ratios}
        out["runs"][users] = entry
    out["invariants_broken"] = [f"{mode} {users}: {b}" for users, modes in runs.items()
                                for mode, r in modes.items() for b in r["invariants"].get("broken", [])]
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
