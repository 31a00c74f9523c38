"""Screenshots of the running web client for the README (make run first).

    .venv/bin/python scripts/screenshot.py LOGIN PASSWORD URL_PATH OUT.png [--click CSS]... [--type CSS|TEXT]...

Logs in through /web/session/authenticate, hands the session cookie to a
headless Chromium over the DevTools protocol and captures the page.
"""
import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import requests
import websocket


def main():
    p = argparse.ArgumentParser()
    p.add_argument("login")
    p.add_argument("password")
    p.add_argument("path")
    p.add_argument("out")
    p.add_argument("--base", default="http://localhost:8069")
    p.add_argument("--db", default="crm_governance_demo")
    p.add_argument("--wait", type=float, default=6)
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=800)
    p.add_argument("--click", action="append", default=[],
                   help="a CSS selector to click after the page loaded (repeatable, in order; "
                        "'text:<css>|<text>' clicks the first <css> element containing <text>)")
    p.add_argument("--type", action="append", default=[],
                   help="'<css>|<text>': type <text> into the element (after the clicks before it)")
    args = p.parse_args()

    s = requests.Session()
    r = s.post(f"{args.base}/web/session/authenticate", json={"jsonrpc": "2.0", "params": {
        "db": args.db, "login": args.login, "password": args.password}})
    r.raise_for_status()
    assert "result" in r.json(), r.text
    sid = s.cookies["session_id"]

    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp()
    port = 9333
    proc = subprocess.Popen([
        chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
        f"--window-size={args.width},{args.height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except Exception:
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        seq = iter(range(1, 10_000))

        def send(method, **params):
            i = next(seq)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == i:
                    return msg.get("result", {})

        send("Network.enable")
        host = args.base.split("//")[1].split(":")[0]
        send("Network.setCookie", name="session_id", value=sid, domain=host, path="/")
        send("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height,
             deviceScaleFactor=1, mobile=False)
        send("Page.navigate", url=args.base + args.path)
        time.sleep(args.wait)
        for step in args.click:
            if step.startswith("text:"):
                css, text = step[5:].split("|", 1)
                script = ("[...document.querySelectorAll(%s)].find(e => e.textContent.includes(%s)).click()"
                          % (json.dumps(css), json.dumps(text)))
            else:
                script = "document.querySelector(%s).click()" % json.dumps(step)
            send("Runtime.evaluate", expression=script)
            time.sleep(args.wait / 2)
        for step in args.type:
            css, text = step.split("|", 1)
            script = ("(e => { e.focus(); e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); "
                      "e.dispatchEvent(new Event('change', {bubbles: true})); e.blur(); })"
                      "(document.querySelector(%s))" % (json.dumps(text), json.dumps(css)))
            send("Runtime.evaluate", expression=script)
            time.sleep(args.wait / 2)
        shot = send("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    finally:
        proc.terminate()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
