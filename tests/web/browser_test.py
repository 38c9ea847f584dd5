#!/usr/bin/python3
# stamp-web's browser tests (issue 15): headless Chromium drives the web console against a real
# stampd and stamp-web started here, on free ports in a temporary directory. Reference data
# (users, consignee, product, rates, 500 ON stamps at 1 stamp a bundle) is set up with stampctl;
# everything else goes through the screens: a shipment received by scanning, a PO created and
# scheduled today, a stamper's run box by box (wedge-typed barcodes) that runs out of stamps,
# a supervisor's dashboard following it live in a second browser, the four-eyes verification,
# the access rules (roles, wrong passwords and their throttle, idle sessions, CSRF, Origin), and
# the office (issue 18): a stamp order from submission to receipt by four people and the ledger,
# invoices, people and settings, the consignee portal, and the Stamp Accounting and invoice PDFs
# that stamp-web makes from stampd's data directory (checked against stamp-report's own output,
# the downloaded files read back with pdftotext).
#
#   /usr/bin/python3 tests/web/browser_test.py --stampd build/bin/stampd \
#       --stamp-web build/bin/stamp-web --stampctl build/bin/stampctl \
#       --stamp-report build/bin/stamp-report --static-dir clients/web/static --screenshots /tmp/shots [unittest arguments]
#
# Every flag defaults to this tree (build/bin, clients/web/static). Screenshots of every screen
# go to $STAMP_WEB_SCREENSHOTS, else --screenshots, else ./screenshots; a failed test adds
# FAILED-<test>-<browser>.png and .console.txt (the browser's console) there, and the servers'
# logs. Needs Debian's chromium, /usr/bin/chromedriver and python3-selenium (4.8). About 30 s.
# The PO is scheduled today, or on a weekend the next weekday; STAMP_WEB_BT_DAY=YYYY-MM-DD picks
# another weekday, to try that path on any day.
import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        TimeoutException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args(argv):
    p = argparse.ArgumentParser(description='stamp-web browser tests', add_help=False)
    p.add_argument('--stampd', default=os.path.join(REPO, 'build/bin/stampd'))
    p.add_argument('--stamp-web', default=os.path.join(REPO, 'build/bin/stamp-web'))
    p.add_argument('--stampctl', default=os.path.join(REPO, 'build/bin/stampctl'))
    p.add_argument('--stamp-report', default=os.path.join(REPO, 'build/bin/stamp-report'))
    p.add_argument('--static-dir', default=os.path.join(REPO, 'clients/web/static'))
    p.add_argument('--screenshots', default=None)
    p.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    args, rest = p.parse_known_args(argv)
    args.screenshots = os.path.abspath(
        os.environ.get('STAMP_WEB_SCREENSHOTS') or args.screenshots or './screenshots')
    return args, rest


ARGS = None  # set in main
WAIT_S = 15  # the longest any one thing may take to appear
PASSWORD = {'sup': 'supervisor-pass-1', 'stella': 'stamper-pass-22', 'vic': 'verifier-pass-3',
            'temp': 'throwaway-pass-4', 'admin': None, 'acme': 'consignee-pass-5', 'fin': 'finance-pass-66'}
BOX_UNITS = 120  # each box's good units; 6 boxes, 500 ON stamps: box 5 and 6 find too few
BARCODES = [f'BX-{i}' for i in range(1, 7)]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def sel(name, **attrs):
    """CSS selector of a data-test hook, with data-* attributes: sel('today-run', id=3)."""
    out = f'[data-test="{name}"]'
    for k, v in attrs.items():
        out += f'[data-{k.replace("_", "-")}="{v}"]'
    return out


# ------------------------------------------------------------------------------ processes

class Servers:
    """stampd and stamp-web(s) in a temporary directory; stopped with TERM, then waited for."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='stamp-web-bt-')
        self.procs = []
        self.logs = []

    def start(self, name, argv, ready):
        log_path = os.path.join(self.dir, f'{name}.log')
        log = open(log_path, 'wb')
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        log.close()
        self.procs.append((name, proc))
        self.logs.append(log_path)
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f'{name} exited with {proc.returncode} at start:\n' + tail(log_path))
            if ready():
                return proc
            if time.monotonic() > deadline:
                raise RuntimeError(f'{name} not ready in 20 s:\n' + tail(log_path))
            time.sleep(0.05)  # polling for readiness, bounded by the deadline

    def stop(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self):
        for _, proc in reversed(self.procs):
            self.stop(proc)

    def copy_logs(self, to):
        for path in self.logs:
            if os.path.exists(path):
                shutil.copy(path, os.path.join(to, 'server-' + os.path.basename(path)))


def tail(path, lines=30):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


def port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.2):
            return True
    except OSError:
        return False


def healthy(port):
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=0.5) as r:
            return r.read().strip() == b'ok'
    except OSError:
        return False


# ------------------------------------------------------------------------------ HTTP without a browser

def http_request(port, method, path, body=None, headers=None, source=None):
    """(status, parsed JSON or text) of one request to stamp-web; `source` binds the client's address."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30,
                                      source_address=(source, 0) if source else None)
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = {'Host': f'127.0.0.1:{port}'}
        if data is not None:
            h['Content-Type'] = 'application/json'
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        text = r.read().decode(errors='replace')
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text
    finally:
        conn.close()


# ------------------------------------------------------------------------------ one browser

_ports_lock = threading.Lock()
_ports_given = set()


def driver_port():
    """A free port for a chromedriver, never one given to another in this run."""
    with _ports_lock:
        while True:
            with socket.socket() as s:
                s.bind(('127.0.0.1', 0))
                port = s.getsockname()[1]
            if port not in _ports_given:
                _ports_given.add(port)
                return port


class Browser:
    """One headless Chromium (its own cookie jar) on stamp-web at `base`."""

    def __init__(self, name, base):
        self.name = name
        self.base = base
        o = webdriver.ChromeOptions()
        for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                  '--window-size=1280,800', '--lang=en-US', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update',
                  '--disable-default-apps', '--disable-sync', '--password-store=basic'):
            o.add_argument(a)
        o.binary_location = '/usr/bin/chromium'
        # Files the pages hand over as downloads land here (one folder a browser, emptied first).
        self.downloads = os.path.join(ARGS.screenshots, f'downloads-{name}')
        shutil.rmtree(self.downloads, ignore_errors=True)
        os.makedirs(self.downloads)
        o.add_experimental_option('prefs', {'download.default_directory': self.downloads,
                                            'download.prompt_for_download': False})
        o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        # Browsers start in parallel: each chromedriver gets its own log and a port no other took
        # (two picking one freed port raced: the second exited 1). A start that fails for a port
        # taken meanwhile by something else is tried once more on a fresh one.
        log = os.path.join(ARGS.screenshots, f'chromedriver-{name}.log')
        try:
            self.d = webdriver.Chrome(service=Service(ARGS.chromedriver, port=driver_port(), log_path=log), options=o)
        except WebDriverException:
            self.d = webdriver.Chrome(service=Service(ARGS.chromedriver, port=driver_port(), log_path=log), options=o)
        self.d.set_script_timeout(30)
        self.d.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': self.downloads})
        self.console = []

    def quit(self):
        try:
            self.d.quit()
        except WebDriverException:
            pass

    # ---- finding

    def find(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def attr(self, css, name):
        """An attribute of the element `css`, found again if a live redraw replaced it between
        finding it and reading it (a stale element)."""
        return self.wait(lambda: (self.find(css).get_attribute(name),), f'{name} of {css}')[0]

    def present(self, css):
        return bool(self.all(css))

    def wait(self, cond, what, timeout=WAIT_S):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
                lambda d: cond())
        except TimeoutException:
            raise AssertionError(f'[{self.name}] waited {timeout} s for {what}; at {self.d.current_url}') from None

    def el(self, css, timeout=WAIT_S):
        """The first visible element matching `css`, once there is one."""
        def look():
            for e in self.all(css):
                if e.is_displayed():
                    return e
            return None
        return self.wait(look, f'{css} to be shown', timeout)

    def text(self, css):
        """The text of the first match, or None (not there, or being redrawn)."""
        try:
            return self.find(css).text
        except (NoSuchElementException, StaleElementReferenceException):
            return None

    def wait_text(self, css, want, timeout=WAIT_S):
        """Waits until the text of `css` equals `want` (str) or satisfies it (callable); returns it."""
        ok = want if callable(want) else (lambda t: t == want)
        seen = []

        def check():
            t = self.text(css)
            if t is not None and (not seen or seen[-1] != t):
                seen.append(t)
            return t if t is not None and ok(t) else None
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: check())
        except TimeoutException:
            raise AssertionError(f'[{self.name}] {css}: wanted {want!r} within {timeout} s, saw {seen[-5:]!r}'
                                 f' at {self.d.current_url}') from None

    def wait_gone(self, css, timeout=WAIT_S):
        self.wait(lambda: not any(e.is_displayed() for e in self.all(css)), f'{css} to go', timeout)

    def click(self, css, timeout=WAIT_S):
        """Clicks the visible, enabled element `css` (found again when a redraw replaced it)."""
        def attempt():
            e = self.el(css, timeout)
            if not e.is_enabled():
                return None
            e.click()
            return True
        self.wait(attempt, f'{css} to be clickable', timeout)

    def type_into(self, css, text, clear=True):
        """Types into `css`; a field a redraw replaced meanwhile is found again and typed anew
        (with clear=False once only: a second try would type the text twice)."""
        def attempt():
            e = self.el(css)
            if clear:
                e.clear()
            e.send_keys(text)
            return e
        if not clear:
            return attempt()
        return self.wait(attempt, f'{css} to take {text!r}')

    def choose(self, css, value):
        """Picks the option `value` of the select `css`, once the select offers it."""
        self.wait(lambda: Select(self.el(css)).select_by_value(str(value)) or True,
                  f'{css} to offer {value}')

    def active_test(self):
        return self.d.execute_script('return document.activeElement && document.activeElement.dataset.test || null')

    # ---- moving around

    def go(self, route):
        self.d.get(f'{self.base}/#/{route}')

    def route(self):
        return self.d.execute_script('return location.hash')

    def shot(self, name):
        path = os.path.join(ARGS.screenshots, f'{name}.png')
        self.d.save_screenshot(path)
        return path

    def login(self, user, password):
        if not self.present(sel('screen-login')):
            self.d.get(self.base + '/')
        self.type_into(sel('login-user'), user)
        self.type_into(sel('login-password'), password)
        self.click(sel('login-submit'))

    def login_ok(self, user, password, name):
        self.login(user, password)
        self.el(sel('app-shell'))
        self.wait_text(sel('user-name'), name)

    def logout(self):
        self.click(sel('logout'))
        self.el(sel('screen-login'))

    def api(self, kind, body, dry_run=False):
        """A request sent from the page through its own api.js (session cookie and CSRF token), and
        the sentence format.js makes of the answer: {'outcome': …, 'words': …} or {'error': …}."""
        return self.d.execute_async_script('''
            const [kind, body, dryRun, done] = arguments;
            (async () => {
              const api = await import('/js/api.js');
              const format = await import('/js/format.js');
              try {
                const outcome = await api.command(kind, body, { dryRun });
                done({ outcome, words: format.describeOutcome(outcome, { kind }) });
              } catch (err) {
                done({ error: String(err && err.message || err), code: err && err.code || null });
              }
            })();''', kind, body, dry_run)

    def downloaded(self, name, timeout=WAIT_S):
        """The path of the finished download `name` (Chromium writes NAME.crdownload first)."""
        path = os.path.join(self.downloads, name)
        self.wait(lambda: os.path.exists(path) and not os.path.exists(path + '.crdownload') and os.path.getsize(path) > 0,
                  f'the download {name}', timeout)
        return path

    def fetch_report(self, body):
        """POST /api/report from the page (its session and CSRF token): {status, code, bytes (base64)}."""
        return self.d.execute_async_script('''
            const [body, done] = arguments;
            import('/js/api.js').then(async (api) => {
              try {
                const file = await api.reportFile(body);
                const bytes = new Uint8Array(await file.blob.arrayBuffer());
                let text = '';
                for (const b of bytes) text += String.fromCharCode(b);
                done({ status: 200, filename: file.filename, computed_from: file.computedFrom, base64: btoa(text) });
              } catch (err) {
                done({ status: err.status ?? null, code: err.code ?? null, message: String(err.message || err) });
              }
            });''', body)

    def read_console(self):
        """The console's new entries (kept: the browser hands each out once)."""
        try:
            new = self.d.get_log('browser')
        except WebDriverException:
            new = []
        self.console.extend(new)
        return new

    def save_failure(self, test):
        base = os.path.join(ARGS.screenshots, f'FAILED-{test}-{self.name}')
        try:
            self.d.save_screenshot(base + '.png')
            url = self.d.current_url
        except WebDriverException as err:
            url = f'(unavailable: {err})'
        self.read_console()
        with open(base + '.console.txt', 'w') as f:
            f.write(f'URL: {url}\n')
            for entry in self.console:
                f.write(f"{entry.get('level')} {entry.get('message')}\n")


# ------------------------------------------------------------------------------ the tests

class StampWebBrowserTest(unittest.TestCase):
    """One stampd, one stamp-web, three browsers; the tests run in order and share what they made."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.t0 = time.monotonic()
        os.makedirs(ARGS.screenshots, exist_ok=True)
        cls.srv = Servers()
        cls.addClassCleanup(lambda: shutil.rmtree(cls.srv.dir, ignore_errors=True))
        cls.addClassCleanup(cls.srv.stop_all)
        d = cls.srv.dir
        data = os.path.join(d, 'data')
        os.mkdir(data, 0o700)
        cls.data_dir = data
        cls.stampd_port = free_port()
        cls.srv.start('stampd', [ARGS.stampd, '--data', data, '--listen', f'127.0.0.1:{cls.stampd_port}',
                                 '--admin-token-file', os.path.join(d, 'admin.token'),
                                 '--admin-password-file', os.path.join(d, 'admin.password'),
                                 '--auth-proxy', '127.0.0.1', '--log-level', 'warn'],
                      lambda: port_open(cls.stampd_port))
        cls.web_port = free_port()
        cls.srv.start('stamp-web', [ARGS.stamp_web, '--listen', f'127.0.0.1:{cls.web_port}',
                                    '--stampd', f'127.0.0.1:{cls.stampd_port}', '--static-dir', ARGS.static_dir,
                                    '--data-dir', data, '--log-level', 'info'],
                      lambda: healthy(cls.web_port))
        with open(os.path.join(d, 'admin.password')) as f:
            PASSWORD['admin'] = f.readline().strip()
        cls.reference_data()
        cls.base = f'http://127.0.0.1:{cls.web_port}'
        cls.browsers = {}
        cls.addClassCleanup(lambda: [b.quit() for b in cls.browsers.values()])
        # S: the supervisor at work; D: a supervisor's dashboard (its own cookie jar);
        # T: the stamper, then the verifier, the admin and the consignee.
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            started = {name: pool.submit(Browser, name, cls.base) for name in 'SDT'}
        for name, future in started.items():
            if future.exception() is None:
                cls.browsers[name] = future.result()
        for future in started.values():
            future.result()  # the first browser that did not start fails the class (the others are quit)
        cls.S, cls.D, cls.T = cls.browsers['S'], cls.browsers['D'], cls.browsers['T']
        cls.made = {}  # what earlier tests made, for later ones

    # ---- stampctl

    @classmethod
    def ctl(cls, token, *args):
        argv = [ARGS.stampctl, '--server', f'127.0.0.1:{cls.stampd_port}', '--token-file', token, '--quiet', *args]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f'stampctl {" ".join(args)}: exit {r.returncode}: {r.stderr.strip()}')
        return r.stdout.strip()

    @classmethod
    def secret_file(cls, name, text):
        path = os.path.join(cls.srv.dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(text + '\n')
        return path

    @classmethod
    def reference_data(cls):
        admin = os.path.join(cls.srv.dir, 'admin.token')
        ctl = cls.ctl
        # The warehouse runs on UTC here, so that "today" is the same day for this script.
        ctl(admin, 'set-time-zone', '--name', 'UTC')
        ctl(admin, 'set-bundle-size', '--region', 'on', '--stamps', '1')  # 500 bundles = 500 stamps
        ctl(admin, 'set-deposit-rate', '--region', 'qc', '--cents', '2')  # QC: 50 stamps a bundle, 2¢ each
        cls.consignee = int(ctl(admin, 'create-consignee', '--key', 'ACME', '--name', 'Acme Vapes', '--province', 'on'))
        cls.product = int(ctl(admin, 'create-product', '--sku', 'MINT15', '--consignee', str(cls.consignee),
                              '--name', 'Mint 15 mL', '--volume-ul', '15000'))
        ctl(admin, 'set-duty-rate', '--region', 'on', '--cents', '12')
        ctl(admin, 'set-tax-rate', '--province', 'on', '--basis-points', '1300')
        # Fee presets for the invoice (issue 18): a flat handling fee and a per-unit labelling fee.
        cls.presets = {
            'HANDLING': int(ctl(admin, 'create-fee-preset', '--key', 'HANDLING', '--name', 'Handling',
                                '--kind', 'flat', '--amount-cents', '2500')),
            'LABEL': int(ctl(admin, 'create-fee-preset', '--key', 'LABEL', '--name', 'Labelling',
                             '--kind', 'per-unit', '--amount-cents', '3')),
        }
        cls.users, cls.tokens = {}, {}
        for key, name, roles in (('sup', 'Sam Supervisor', 'supervisor'), ('stella', 'Stella Stamper', 'stamper'),
                                 ('vic', 'Vic Verifier', 'verifier'), ('temp', 'Tom Temp', 'stamper'),
                                 ('acme', 'Acme Portal', 'consignee'), ('fin', 'Fiona Finance', 'finance')):
            tok = cls.secret_file(f'{key}.token', secrets.token_hex(24))
            extra = ['--consignee', str(cls.consignee)] if roles == 'consignee' else []
            cls.users[key] = int(ctl(admin, 'create-user', '--key', key, '--name', name, '--roles', roles,
                                     '--user-token-file', tok, *extra))
            cls.tokens[key] = tok
            if key != 'acme':  # the consignee's first password is set on the Users screen
                ctl(admin, 'set-user-password', '--user', str(cls.users[key]),
                    '--password-file', cls.secret_file(f'{key}.password', PASSWORD[key]))
        sup = cls.tokens['sup']
        order = ctl(sup, 'submit-stamp-order', '--region', 'on', '--bundles', '500', '--notes', 'browser test')
        ctl(admin, 'review-stamp-order', '--order', order, '--action', 'approve')
        ctl(admin, 'mark-stamp-order-ordered', '--order', order)
        ctl(sup, 'receive-stamps', '--order', order, '--bundles', '500')
        # A small PO whose run the supervisor started and stamped (FED, no FED stamps: overridden):
        # the four-eyes rule forbids the supervisor to verify it.
        sh = ctl(sup, 'create-shipment', '--key', 'SH-SMALL', '--consignee', str(cls.consignee))
        ctl(sup, 'start-receiving', '--shipment', sh)
        ctl(sup, 'receive-box', '--shipment', sh, '--barcode', 'SMALL-1', '--product', str(cls.product), '--units', '5')
        ctl(sup, 'finish-receiving', '--shipment', sh)
        cls.small_po = int(ctl(sup, 'create-po', '--consignee', str(cls.consignee), '--shipment', sh,
                               '--number', 'PO-SMALL', '--line', f'{cls.product}:fed:5'))
        ctl(sup, 'start-run', '--po', str(cls.small_po), '--acknowledge-shortage')
        ctl(sup, 'confirm-box', '--po', str(cls.small_po), '--barcode', 'SMALL-1', '--action', 'override')

    # ---- failures leave a screenshot and the console of every browser

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            name = self._testMethodName
            for b in getattr(type(self), 'browsers', {}).values():
                b.save_failure(name)
            type(self).srv.copy_logs(ARGS.screenshots)

    def tearDown(self):
        # A script error on any page fails the test that caused it (a refused request is not one:
        # Chromium logs those as "Failed to load resource", and the page says them in words).
        errors = []
        for b in self.browsers.values():
            for e in b.read_console():
                if e.get('level') == 'SEVERE' and 'Failed to load resource' not in e.get('message', ''):
                    errors.append(f"[{b.name}] {e['message']}")
        self.assertEqual(errors, [], 'the pages logged errors')

    def need(self, *keys):
        missing = [k for k in keys if k not in self.made]
        if missing:
            self.skipTest(f'an earlier test did not get as far as {", ".join(missing)}')

    @staticmethod
    def today():
        return datetime.datetime.now(datetime.timezone.utc).date()

    @classmethod
    def run_day(cls):
        """Today, or the next weekday when today the line is closed (STAMP_WEB_BT_DAY=YYYY-MM-DD
        picks another weekday, to try what the test does on a weekend)."""
        if os.environ.get('STAMP_WEB_BT_DAY'):
            return datetime.date.fromisoformat(os.environ['STAMP_WEB_BT_DAY'])
        d = cls.today()
        while d.weekday() >= 5:
            d += datetime.timedelta(days=1)
        return d

    def counters(self, b):
        vals = [b.text(sel(n)) for n in ('counter-done', 'counter-skipped', 'counter-left')]
        return None if None in vals else tuple(int(v.replace(',', '')) for v in vals)

    # ------------------------------------------------------------------ 1. login

    def test_01_login_refuses_wrong_password_then_logs_in(self):
        S = self.S
        S.d.get(self.base + '/')
        S.el(sel('screen-login'))
        S.shot('01-login')
        S.login('sup', 'not-the-password')
        err = S.el(sel('login-error'))
        self.assertIn('wrong user or password', err.text, 'a wrong password must be refused in words')
        self.assertEqual(err.get_attribute('data-code'), 'UNAUTHENTICATED')
        self.assertFalse(S.present(sel('app-shell')), 'a wrong password must not log in')
        S.shot('01-login-refused')
        S.login_ok('sup', PASSWORD['sup'], 'Sam Supervisor')
        self.assertEqual(S.text(sel('user-roles')), 'Supervisor')
        self.assertEqual(S.route(), '#/dashboard', 'a supervisor starts on the dashboard')
        S.el(sel('balance-row', region='ON'))
        S.wait_text(sel('balance-row', region='ON') + ' ' + sel('balance-available'), '500')
        S.el(sel('today-runs-empty'))
        S.shot('02-dashboard-empty')
        self.made['login'] = True

    # ------------------------------------------------------------------ 2. receiving

    def test_02_receive_shipment_by_scanning(self):
        self.need('login')
        S = self.S
        S.click(sel('nav-receiving'))
        S.el(sel('screen-receiving'))
        S.el(sel('shipment-row'))  # the small shipment made by stampctl is listed
        S.type_into(sel('shipment-key'), 'SH-1')
        S.choose(sel('shipment-consignee'), self.consignee)
        S.shot('03-receiving-list')
        S.click(sel('shipment-create'))
        S.el(sel('screen-shipment'))
        shipment = int(S.attr(sel('screen-shipment'), 'data-id'))
        S.wait_text(sel('shipment-status'), 'Expected')
        S.click(sel('receiving-start'))
        S.wait_text(sel('shipment-status'), 'Receiving')
        self.assertEqual(Select(S.el(sel('receive-product'))).first_selected_option.get_attribute('value'),
                         str(self.product), 'the consignee’s one product is chosen')
        # The first box: 122 units, 2 of them damaged.
        S.type_into(sel('receive-units'), '122')
        S.type_into(sel('receive-damaged'), '2' + Keys.ENTER)  # Enter there goes back to the scan field
        S.wait(lambda: S.active_test() == 'receive-scan', 'the scan field to have the focus')
        S.d.switch_to.active_element.send_keys(BARCODES[0] + Keys.ENTER)
        S.wait_text(sel('last-box'), f'Box {BARCODES[0]} received.')
        self.assertEqual(S.attr(sel('receive-damaged'), 'value'), '0',
                         'damaged units go back to 0 after each box')
        S.type_into(sel('receive-units'), f'{BOX_UNITS}' + Keys.ENTER)
        S.wait(lambda: S.active_test() == 'receive-scan', 'the scan field to have the focus again')
        # The other five as a wedge scanner sends them, back to back, without waiting for answers.
        S.d.switch_to.active_element.send_keys(''.join(b + Keys.ENTER for b in BARCODES[1:]))
        S.wait(lambda: len(S.all(sel('receive-log-row'))) == len(BARCODES), 'six boxes in the receive log')
        S.wait_text(sel('availability-row', product=self.product) + ' ' + sel('availability-available'),
                    f'{BOX_UNITS * len(BARCODES)}')
        rows = [e.text for e in S.all(sel('receive-log-row'))]
        self.assertEqual(rows[-1], f'{BARCODES[0]}: 122 × Mint 15 mL, 2 damaged')
        self.assertEqual(sorted(r.split(':')[0] for r in rows), sorted(BARCODES), 'each box received once')
        self.assertFalse(S.present(sel('refusal')), 'no box was refused')
        S.shot('04-receiving-shipment')
        S.click(sel('finish-receiving'))
        S.el(sel('finish'))
        S.click(sel('finish-confirm'))
        S.wait_text(sel('shipment-status'), 'Inventoried')
        S.el(sel('shipment-inventoried'))
        self.made['shipment'] = shipment

    # ------------------------------------------------------------------ 3. a PO

    def test_03_create_po_with_live_availability_and_preview(self):
        self.need('shipment')
        S = self.S
        S.click(sel('shipment-new-po'))
        S.el(sel('screen-order-form'))
        S.wait(lambda: Select(S.find(sel('po-shipment'))).first_selected_option.get_attribute('value')
               == str(self.made['shipment']), 'the shipment to be chosen')
        S.choose(sel('line-product'), self.product)
        S.choose(sel('line-region'), 'ON')
        total = BOX_UNITS * len(BARCODES)
        S.wait_text(sel('line-available'), f'{total} available')
        S.type_into(sel('line-quantity'), str(total + 80))
        S.wait_text(sel('line-left'), '80 more than available on this form')
        self.assertIn('over', S.attr(sel('line-availability'), 'class'))
        S.shot('05-order-form-over-availability')
        S.type_into(sel('line-quantity'), str(total))
        S.wait_text(sel('line-left'), '0 left after this form')
        self.assertNotIn('over', S.attr(sel('line-availability'), 'class'))
        S.type_into(sel('po-notes'), 'Fragile caps: stamp gently.')
        S.click(sel('po-save'))
        S.el(sel('dialog-preview'))
        effects = [e.text for e in S.all(sel('dialog-preview') + ' ' + sel('preview-effect'))]
        self.assertTrue(any(e.startswith('Creates PO-') and f'{total} × Mint 15 mL with Ontario stamps' in e
                            and 'Acme Vapes' in e and 'SH-1' in e for e in effects),
                        f'the preview says what the PO will be: {effects}')
        S.shot('05-order-form-preview-dialog')
        S.click(sel('preview-confirm'))
        S.el(sel('screen-order'))
        po = int(S.attr(sel('screen-order'), 'data-id'))
        S.wait_text(sel('order-status'), 'Open')
        number = S.el('[data-test="screen-order"] h1').text
        self.assertRegex(number, r'^PO-\d+$')
        self.assertTrue(S.present(sel('order-schedule')), 'a supervisor may schedule an Open PO')
        S.shot('06-order-detail-open')
        self.made.update(po=po, number=number, units=total)

    # ------------------------------------------------------------------ 4. the calendar

    def test_04_schedule_today_through_the_calendar(self):
        self.need('po')
        S, po = self.S, self.made['po']
        S.click(sel('nav-calendar'))
        S.el(sel('screen-calendar') + '[data-view="week"]')
        today = self.today()
        S.wait(lambda: 'today' in S.find(sel('calendar-day', day=today.isoformat())).get_attribute('class'),
               'the calendar to mark today')
        S.click(sel('unscheduled-row', id=po) + ' ' + sel('schedule-open'))
        S.el(sel('dialog-schedule'))
        day = self.run_day()
        field = S.find(sel('schedule-day'))
        self.assertEqual(field.get_attribute('value'), today.isoformat(), 'the dialog proposes the selected day')
        if day != today:  # a weekend: the next weekday
            S.d.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                               field, day.isoformat())
        S.shot('07-schedule-dialog')
        S.click(sel('schedule-submit'))
        S.wait_gone(sel('dialog-schedule'))
        anchor = today
        if day - datetime.timedelta(days=day.weekday()) != today - datetime.timedelta(days=today.weekday()):
            S.click(sel('calendar-next'))  # the day is in next week
            anchor = today + datetime.timedelta(days=7)
        cell = sel('calendar-day', day=day.isoformat())
        S.el(cell + ' ' + sel('calendar-po', id=po))
        S.wait_text(cell + ' ' + sel('day-load'), f'{self.made["units"]} / 12,000')
        S.shot('08-calendar-week')
        S.click(sel('calendar-month'))
        S.el(sel('screen-calendar') + '[data-view="month"]')
        S.wait_text(sel('calendar-title'), anchor.strftime('%B %Y'))
        S.el(cell + ' ' + sel('calendar-po', id=po))
        S.shot('09-calendar-month')
        S.click(sel('nav-orders'))
        S.el(sel('order-row', id=po))
        row = S.text(sel('order-row', id=po))
        self.assertIn('Open', row)
        self.assertIn(f'{day.day} {day.strftime("%b %Y")}', row, 'the list shows the day it is scheduled on')
        S.el(sel('order-row', id=self.small_po))
        S.shot('10-orders-list')
        self.made['scheduled'] = day

    # ------------------------------------------------------------------ 5. a stamper's limits

    def test_05_stamper_cannot_change_the_calendar(self):
        self.need('scheduled')
        T, po = self.T, self.made['po']
        T.d.get(self.base + '/')
        T.login_ok('stella', PASSWORD['stella'], 'Stella Stamper')
        nav = {e.get_attribute('data-test') for e in T.all(sel('nav') + ' a')}
        self.assertIn('nav-workspace', nav)
        for hidden in ('nav-receiving', 'nav-users', 'nav-verify'):
            self.assertNotIn(hidden, nav, f'a stamper’s navigation has no {hidden}')
        T.click(sel('nav-calendar'))
        day, today = self.made['scheduled'], self.today()
        if day - datetime.timedelta(days=day.weekday()) != today - datetime.timedelta(days=today.weekday()):
            T.click(sel('calendar-next'))
        T.click(sel('calendar-day', day=day.isoformat()) + ' ' + sel('calendar-day-select'))
        T.el(sel('day-po', id=po))
        self.assertFalse(T.present(sel('day-po-move')), 'a stamper is offered no “Move…”')
        self.assertFalse(T.present(sel('schedule-open')), 'a stamper is offered no “Schedule…”')
        T.go(f'orders/{po}')
        T.el(sel('order-actions'))
        T.wait_text(sel('order-status'), 'Open')
        for hidden in ('order-schedule', 'order-unschedule', 'order-edit', 'order-cancel'):
            self.assertFalse(T.present(sel(hidden)), f'a stamper’s PO screen has no {hidden}')
        # Sent anyway, through the page's own API: stampd refuses it, and the page says why.
        got = T.api('SchedulePo', {'po': po, 'mode': 'Strict'})
        self.assertEqual(got.get('outcome', {}).get('code'), 'FORBIDDEN', got)
        self.assertEqual(got['words'], 'You may not do this: it needs the role of Supervisor or Administrator; '
                         'you have Stamper.')
        self.made['stamper'] = True

    # ------------------------------------------------------------------ 6. the run

    def test_06_stamp_run_with_shortage_while_dashboard_follows_live(self):
        self.need('stamper')
        D, T, po = self.D, self.T, self.made['po']
        n = len(BARCODES)
        # A second supervisor session shows the dashboard; it is never reloaded from here on.
        today = self.made['scheduled'] == self.today()  # else the PO shows once it is in production
        D.d.get(self.base + '/')
        D.login_ok('sup', PASSWORD['sup'], 'Sam Supervisor')
        run = sel('today-run', id=po)
        if today:
            D.wait_text(run + ' ' + sel('run-progress'), 'Not started')
        D.wait(lambda: D.find(sel('live-status')).get_attribute('data-status') == 'live', 'the live channel')
        D.d.execute_script('window.__notReloaded = true')

        if today:
            T.click(sel('nav-workspace'))
            T.el(sel('workspace-po', id=po))
            T.shot('11-workspace-picker')
            T.click(sel('workspace-po', id=po) + ' ' + sel('workspace-open'))
        else:  # not on today's list: from the PO's screen
            T.go(f'orders/{po}')
            T.click(sel('order-workspace'))
        T.el(sel('screen-workspace', id=po))
        T.wait_text(sel('run-notes'), 'Notes: Fragile caps: stamp gently.')
        T.click(sel('run-start'))
        warn = T.el(sel('dialog-shortage-warning'))
        self.assertEqual(warn.find_element(By.CSS_SELECTOR, sel('refusal')).get_attribute('data-code'),
                         'STAMP_SHORTAGE_WARNING')
        self.assertIn(f'Not enough Ontario stamps for this run: it needs {n * BOX_UNITS:,}, 500 are available',
                      warn.text, 'the warning gives its figures')
        T.shot('12-workspace-shortage-warning')
        T.click(sel('shortage-acknowledge'))
        T.wait_text(sel('run-status'), 'In production')
        if not today:  # the dashboard did not show (nor watch) the PO of another day: open it again
            D.click(sel('nav-orders'))
            D.click(sel('nav-dashboard'))
            D.el(run)
            D.d.execute_script('window.__notReloaded = true')
        T.wait(lambda: self.counters(T) == (0, 0, n), f'counters 0 / 0 / {n}')
        D.wait_text(run + ' ' + sel('run-done'), '0 done')
        D.wait_text(run + ' ' + sel('run-left'), f'{n} left')
        T.wait(lambda: len(T.all(sel('queue-box'))) == n, 'the queue to list every box')

        def wedge(keys):
            """Types as a keyboard-wedge scanner does: into whatever has the focus, the scan field."""
            T.wait(lambda: T.active_test() == 'scan-input', 'the scan field to keep the focus')
            T.d.switch_to.active_element.send_keys(keys)

        def scan(barcode):
            wedge(barcode + Keys.ENTER)
            T.wait(lambda: T.find(sel('box-panel') + ' h2').text == f'Box {barcode}', f'box {barcode} shown')
            return T.el(sel('box-panel'))

        def add_up(done, skipped, left, dashboard=True):
            T.wait(lambda: (self.counters(T) or (None,))[0] == done, f'the workspace to count {done} done')
            seen = self.counters(T) or T.wait(lambda: self.counters(T), 'the counters')
            self.assertEqual(seen, (done, skipped, left), 'workspace counters done / skipped / left')
            self.assertEqual(sum(seen), n, 'done + skipped + left = the boxes of the run')
            if dashboard:
                D.wait_text(run + ' ' + sel('run-progress') + ' .figures',
                            f'{done} done · {skipped} skipped · {left} left of {n} boxes')

        balance = 500
        for i, barcode in enumerate(BARCODES[:4]):
            panel = scan(barcode)
            self.assertIn(f'{BOX_UNITS} Ontario stamps', panel.find_element(By.CSS_SELECTOR, sel('box-stamps')).text)
            if i == 0:
                T.shot('13-workspace-scanned-box')
            wedge(Keys.ENTER)  # Enter again confirms
            T.wait_text(sel('last-box'), f'Box {barcode} confirmed: {BOX_UNITS} Ontario stamps.')
            balance -= BOX_UNITS
            add_up(i + 1, 0, n - i - 1)
            T.wait_text(sel('counter-balance', region='ON'), f'{balance}')
        D.shot('14-dashboard-live-during-run')

        # Box 5: 120 stamps needed, 20 left. The three choices, with the figures; Skip.
        scan(BARCODES[4])
        wedge(BARCODES[4] + Keys.ENTER)  # the same barcode again confirms too
        dlg = T.el(sel('dialog-shortage'))
        words = f'Not enough Ontario stamps: this box needs {BOX_UNITS}, {balance} are available.'
        self.assertEqual(dlg.find_element(By.CSS_SELECTOR, '.refusal-text').text, words)
        for choice in ('shortage-cancel', 'shortage-skip', 'shortage-override'):
            self.assertTrue(dlg.find_element(By.CSS_SELECTOR, sel(choice)).is_displayed(), f'{choice} offered')
        T.shot('15-workspace-shortage-dialog')
        # Skip is tapped and the next box scanned at once, while the skip is still being sent:
        # the barcode waits its turn (one action chain: no round trip to this script in between).
        ActionChains(T.d).click(T.el(sel('shortage-skip'))).send_keys(BARCODES[5] + Keys.ENTER).perform()
        T.wait(lambda: T.find(sel('box-panel') + ' h2').text == f'Box {BARCODES[5]}',
               f'box {BARCODES[5]}, scanned while the skip was sent, to be shown')
        add_up(4, 1, 1)
        T.wait_text(sel('counter-balance', region='ON'), f'{balance}')

        # Box 6: the same shortage; Override (the balance goes below zero, logged).
        wedge(Keys.ENTER)
        dlg = T.el(sel('dialog-shortage'))
        self.assertEqual(dlg.find_element(By.CSS_SELECTOR, '.refusal-text').text, words)
        T.click(sel('shortage-override'))
        T.wait_gone(sel('dialog-shortage'))
        T.wait_text(sel('last-box'), lambda t: t.startswith(f'Box {BARCODES[5]} confirmed past the shortage'))
        add_up(5, 1, 0, dashboard=today)  # a PO of another day leaves today's runs when its run ends
        T.wait_text(sel('counter-balance', region='ON'), f'{balance - BOX_UNITS}')
        T.wait_text(sel('run-status'), 'Pending verification')
        T.el(sel('run-complete'))
        T.wait_text(sel('counter-stamps', region='ON'), f'{5 * BOX_UNITS}')
        T.shot('16-workspace-run-complete')
        if today:
            D.wait(lambda: 'Pending verification' in (D.text(run) or ''), 'the dashboard to show the run pending verification')
        else:
            D.wait_gone(run)
        D.wait_text(sel('balance-row', region='ON') + ' ' + sel('balance-balance'), f'{balance - BOX_UNITS}')
        self.assertTrue(D.d.execute_script('return window.__notReloaded === true'),
                        'the dashboard followed the run without being reloaded')
        D.shot('17-dashboard-after-run')
        self.made['run'] = True

    # ------------------------------------------------------------------ 7. four eyes

    def test_07_stamper_cannot_verify_own_run(self):
        self.need('run')
        T, po = self.T, self.made['po']
        T.go(f'orders/{po}')
        T.wait_text(sel('order-status'), 'Pending verification')
        self.assertFalse(T.present(sel('order-verify')), 'a stamper is offered no Verify')
        T.go(f'verify/{po}')
        T.wait(lambda: T.route() == '#/dashboard', 'a stamper sent away from the verification screen')
        got = T.api('VerifyPo', {'po': po, 'counts': [{'line': 0, 'stamps': 5 * BOX_UNITS}]}, dry_run=True)
        self.assertEqual(got.get('outcome', {}).get('code'), 'FORBIDDEN', got)
        self.assertTrue(got['words'].startswith('You may not do this: it needs the role of Supervisor or Verifier'),
                        got['words'])

    def test_08_starter_of_a_run_cannot_verify_it(self):
        self.need('login')
        S, po = self.S, self.small_po
        S.go(f'verify/{po}')
        S.el(sel('screen-verify', id=po))
        S.wait_text(sel('verify-same-user'), 'You started this run; a second person must verify it.')
        self.assertFalse(S.find(sel('verify-submit')).is_enabled(), 'Verify is disabled for who started the run')
        S.shot('18-verify-same-user')
        got = S.api('VerifyPo', {'po': po, 'counts': [{'line': 0, 'stamps': 5}]}, dry_run=True)
        self.assertEqual(got.get('outcome', {}).get('code'), 'SAME_USER', got)
        self.assertEqual(got['words'], 'You started this run; a second person must verify it.')

    def test_09_verifier_verifies_and_completes(self):
        self.need('run')
        T, po, n = self.T, self.made['po'], self.made['number']
        T.logout()
        T.login_ok('vic', PASSWORD['vic'], 'Vic Verifier')
        T.click(sel('nav-verify'))
        T.el(sel('screen-verify-queue'))
        T.el(sel('verify-row', id=self.small_po))
        T.el(sel('verify-row', id=po))
        T.shot('19-verify-queue')
        T.click(sel('verify-row', id=po) + ' ' + sel('verify-open'))
        T.el(sel('screen-verify', id=po))
        stamped = 5 * BOX_UNITS
        count = T.el(sel('verify-count', line=0))
        self.assertEqual(count.get_attribute('value'), str(stamped), 'the count starts at what was deducted')
        T.wait_text(sel('verify-diff', line=0), f'{BOX_UNITS} fewer than the estimate')
        self.assertFalse(T.present(sel('verify-same-user')))
        T.shot('20-verify')
        T.click(sel('verify-submit'))
        dlg = T.el(sel('dialog-verify'))
        effects = [e.text for e in dlg.find_elements(By.CSS_SELECTOR, sel('preview-effect'))]
        self.assertTrue(any(e.startswith(f'Verifies {n} with counts line 1: {stamped}') for e in effects), effects)
        self.assertTrue(any(e.startswith(f'Drafts an invoice for {n}') for e in effects), effects)
        T.shot('21-verify-preview')
        T.click(sel('verify-confirm'))
        T.wait_gone(sel('dialog-verify'))
        T.wait_text(sel('verify-not-pending'), 'This PO is completed: there is nothing to verify.')
        T.go(f'orders/{po}')
        T.wait_text(sel('order-status'), 'Completed')
        T.wait_text(sel('order-line', line=0), lambda t: t.endswith(f'{self.made["units"]} {stamped} {stamped}'))
        T.shot('22-order-detail-completed')
        self.made['completed'] = True

    # ------------------------------------------------------------------ 8. the admin and the consignee

    def test_10_admin_sets_a_password_and_the_consignee_sees_its_orders(self):
        self.need('login')
        T = self.T
        if T.present(sel('app-shell')):
            T.logout()
        T.login_ok('admin', PASSWORD['admin'], 'Administrator')
        T.click(sel('nav-users'))
        row = sel('user-row', key='acme')
        T.el(row)
        self.assertIn('Acme Vapes', T.text(row))
        T.shot('23-users')
        T.click(row + ' ' + sel('user-set-password'))
        T.el(sel('dialog-set-password'))
        T.type_into(sel('set-password-new'), PASSWORD['acme'])
        T.type_into(sel('set-password-repeat'), PASSWORD['acme'] + 'x')
        T.click(sel('set-password-submit'))
        T.wait_text(sel('dialog-set-password') + ' ' + sel('refusal'), 'The two passwords differ.')
        T.type_into(sel('set-password-repeat'), PASSWORD['acme'])
        T.shot('24-users-set-password')
        T.click(sel('set-password-submit'))
        T.wait_gone(sel('dialog-set-password'))
        T.logout()
        T.login_ok('acme', PASSWORD['acme'], 'Acme Portal')
        self.assertEqual(T.route(), '#/my-orders', 'a consignee user starts on its orders')
        nav = {e.get_attribute('data-test') for e in T.all(sel('nav') + ' a')}
        self.assertEqual(nav, {'nav-my-orders', 'nav-my-requests', 'nav-my-invoices', 'nav-password'}, 'a consignee sees only its portal')
        T.el(sel('my-order-row', id=self.small_po))
        if 'po' in self.made:
            T.click(sel('my-order-row', id=self.made['po']) + ' ' + sel('my-order-open'))
            T.el(sel('my-order-detail', id=self.made['po']))
        T.shot('25-my-orders')

    def test_11_change_own_password(self):
        self.need('login')
        T = self.T
        if not T.present(sel('app-shell')):
            T.login_ok('acme', PASSWORD['acme'], 'Acme Portal')
        T.click(sel('nav-password'))
        T.el(sel('screen-password'))
        T.type_into(sel('password-current'), 'not-my-password')
        T.type_into(sel('password-new'), 'a-new-pass-6')
        T.type_into(sel('password-repeat'), 'a-new-pass-6')
        T.click(sel('password-submit'))
        T.wait_text(sel('screen-password') + ' ' + sel('refusal') + ' .refusal-text',
                    lambda t: 'current password is not right' in t)
        self.assertTrue(T.present(sel('screen-password')), 'a wrong current password keeps the person logged in')
        T.type_into(sel('password-current'), PASSWORD['acme'])
        T.type_into(sel('password-new'), 'a-new-pass-6')
        T.type_into(sel('password-repeat'), 'a-new-pass-6')
        T.click(sel('password-submit'))
        T.wait_text(sel('password-done'), 'Your password is changed.')
        T.shot('26-password-changed')
        PASSWORD['acme'] = 'a-new-pass-6'
        T.logout()
        T.login_ok('acme', 'a-new-pass-6', 'Acme Portal')

    # ------------------------------------------------------------------ 9. access

    def test_12_wrong_passwords_are_throttled_then_locked_out(self):
        self.need('login')
        T, port = self.T, self.web_port

        def wrong(source):
            began = time.monotonic()
            status, answer = http_request(port, 'POST', '/api/login', {'user': 'temp', 'password': 'guess-guess'},
                                          source=source)
            return status, answer, time.monotonic() - began
        # The guesses come from addresses of their own (127.0.0.2 and .3, both loopback), so that
        # it is the user who gets locked out, not this machine's 127.0.0.1 the other tests use.
        first = [wrong('127.0.0.2') for _ in range(8)]
        for status, answer, _ in first:
            self.assertEqual(status, 401, answer)
            self.assertEqual(answer['error']['message'], 'wrong user or password')
        free = min(t for _, _, t in first[:5])
        self.assertGreaterEqual(first[7][2], free + 0.3,
                                f'the 8th wrong password is answered 400 ms late (took {first[7][2]:.3f} s, '
                                f'a free one {free:.3f} s)')
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            rest = list(pool.map(lambda _: wrong('127.0.0.3'), range(12)))
        messages = [a['error']['message'] for s, a, _ in rest]
        self.assertTrue(all(s == 401 for s, _, _ in rest), rest)
        self.assertIn("too many failed logins for user 'temp': refused for 300 s", messages,
                      'the 20th wrong password locks the user out')
        # Now even the right password is refused, from anywhere, in the browser too.
        if T.present(sel('app-shell')):
            T.logout()
        T.login('temp', PASSWORD['temp'])
        T.wait_text(sel('login-error') + ' .refusal-text',
                    lambda t: t.startswith("too many failed logins for user 'temp': refused for another"))
        self.assertFalse(T.present(sel('app-shell')))
        T.shot('27-login-locked-out')
        # Other people log in as before.
        T.login_ok('stella', PASSWORD['stella'], 'Stella Stamper')

    def test_13_forged_requests_are_refused(self):
        self.need('login')
        cookie = self.S.d.get_cookie('stamp_web_session')
        self.assertIsNotNone(cookie, 'the supervisor’s browser holds a session cookie')
        self.assertTrue(cookie.get('httpOnly'), 'the session cookie is HttpOnly')
        self.assertEqual(cookie.get('sameSite'), 'Strict')
        jar = {'Cookie': f'stamp_web_session={cookie["value"]}'}
        port = self.web_port
        status, session = http_request(port, 'GET', '/api/session', headers=jar)
        self.assertEqual(status, 200, session)
        csrf = session['csrf']
        call = {'kind': 'CreateShipment', 'body': {'key': 'FORGED', 'consignee': self.consignee}}
        # The cookie alone: refused.
        status, answer = http_request(port, 'POST', '/api/call', call, headers=jar)
        self.assertEqual((status, answer.get('error', {}).get('code')), (403, 'CSRF'), answer)
        # The token too, but from another site's page: refused.
        status, answer = http_request(port, 'POST', '/api/call', call,
                                      headers={**jar, 'X-CSRF-Token': csrf, 'Origin': 'http://evil.example'})
        self.assertEqual((status, answer.get('error', {}).get('code')), (403, 'ORIGIN'), answer)
        status, answer = http_request(port, 'POST', '/api/call', call,
                                      headers={**jar, 'X-CSRF-Token': 'f' * 64})
        self.assertEqual((status, answer.get('error', {}).get('code')), (403, 'CSRF'), 'a wrong token is no token')
        # Cookie, token and this origin: the same request passes (as a dry run, changing nothing).
        status, answer = http_request(port, 'POST', '/api/call', {**call, 'dry_run': True},
                                      headers={**jar, 'X-CSRF-Token': csrf, 'Origin': f'http://127.0.0.1:{port}'})
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer.get('code'), 'OK', answer)
        # Nothing was created.
        keys = [json.loads(line) for line in subprocess.run(
            [ARGS.stampctl, '--server', f'127.0.0.1:{self.stampd_port}', '--token-file', self.tokens['sup'], '--json',
             'list-reference', 'shipments'], capture_output=True, text=True, check=True).stdout.splitlines()]
        shipment_keys = [r['key'] for k in keys for r in k.get('rows', [])]
        self.assertIn('SH-SMALL', shipment_keys)
        self.assertNotIn('FORGED', shipment_keys, 'a refused request changed nothing')

    def test_14_idle_session_expires(self):
        self.need('login')
        T = self.T
        port = free_port()
        proc = self.srv.start('stamp-web-idle', [ARGS.stamp_web, '--listen', f'127.0.0.1:{port}',
                                                 '--stampd', f'127.0.0.1:{self.stampd_port}',
                                                 '--static-dir', ARGS.static_dir, '--idle-timeout', '2',
                                                 '--log-level', 'info'],
                              lambda: healthy(port))
        self.addCleanup(self.srv.stop, proc)
        T.d.get(f'http://127.0.0.1:{port}/#/password')
        T.el(sel('screen-login'))
        T.type_into(sel('login-user'), 'stella')
        T.type_into(sel('login-password'), PASSWORD['stella'])
        T.click(sel('login-submit'))
        T.el(sel('screen-password'))  # back where the person was going
        began = time.monotonic()
        T.wait(lambda: time.monotonic() - began > 2.5, 'the idle timeout to pass', timeout=5)
        going = '#/password'
        try:  # the next action; stamp-web's sweep (every 10 s) may have sent the page to login first
            T.click(sel('nav-orders'), timeout=1)
            going = '#/orders'
        except AssertionError:
            pass
        T.el(sel('screen-login'))
        T.wait_text(sel('login-expired'), 'Your session has expired. Please log in again.')
        T.shot('28-login-session-expired')
        status, _ = http_request(port, 'GET', '/api/session',
                                 headers={'Cookie': f'stamp_web_session={T.d.get_cookie("stamp_web_session")["value"]}'})
        self.assertEqual(status, 401, 'the session is over on the server too')
        T.login_ok('stella', PASSWORD['stella'], 'Stella Stamper')
        self.assertEqual(T.route(), going, 'after logging in again the person is where they were going')

    # ------------------------------------------------------------------ 15–17. stamp orders and the ledger

    def sign_in(self, b, key, name):
        """`b` logged in as `key` on this test's stamp-web (whoever was logged in before)."""
        if not b.d.current_url.startswith(self.base):
            b.d.get(self.base + '/')
        b.wait(lambda: b.present(sel('app-shell')) or b.present(sel('screen-login')), 'the shell or the login')
        if b.present(sel('app-shell')):
            if b.text(sel('user-name')) == name:
                return
            b.logout()
        b.login_ok(key, PASSWORD[key], name)

    @staticmethod
    def open_order(b, order):
        """Opens stamp order `order` anew (a page showing it already is read again)."""
        if b.route() == f'#/stamp-orders/{order}':
            b.d.refresh()
        else:
            b.go(f'stamp-orders/{order}')
        b.el(sel('screen-stamp-order', id=order) + ' ' + sel('stamp-order-status'))

    def order_status(self, b, order, status):
        b.wait(lambda: b.find(sel('screen-stamp-order', id=order) + ' ' + sel('stamp-order-status')).get_attribute('data-status') == status,
               f'stamp order {order} to be {status}')

    def test_15_stamp_order_from_submission_to_receipt(self):
        self.need('login')
        F, A, S = self.T, self.S, self.D  # finance, the admin, the supervisor
        self.sign_in(F, 'fin', 'Fiona Finance')
        self.sign_in(S, 'sup', 'Sam Supervisor')
        F.click(sel('nav-stamp-orders'))
        F.el(sel('screen-stamp-orders'))
        F.click(sel('stamp-orders-new'))
        F.el(sel('stamp-order-form'))
        F.choose(sel('stamp-order-region'), 'QC')
        # Below CRA's minimum the button is disabled and says why, before anything is sent.
        F.type_into(sel('stamp-order-bundles'), '400')
        F.wait_text(sel('stamp-order-stamps'), '20,000')
        F.wait_text(sel('stamp-order-deposit'), '$400.00')
        F.wait_text(sel('stamp-order-minimum'), 'CRA’s minimum is 500 bundles per order: 400 is too few.')
        self.assertFalse(F.find(sel('stamp-order-submit')).is_enabled(), 'below 500 bundles the order cannot be submitted')
        F.shot('29-stamp-order-below-minimum')
        F.type_into(sel('stamp-order-bundles'), '600')
        F.wait_text(sel('stamp-order-stamps'), '30,000')
        F.wait_text(sel('stamp-order-deposit'), '$600.00')
        F.wait(lambda: F.find(sel('stamp-order-submit')).is_enabled(), 'the submit button to be enabled')
        self.assertFalse(F.find(sel('stamp-order-minimum')).is_displayed())
        F.type_into(sel('stamp-order-notes'), 'for the July runs')
        F.shot('30-stamp-order-new')
        F.click(sel('stamp-order-submit'))
        F.el(sel('screen-stamp-order'))
        order = int(F.attr(sel('screen-stamp-order'), 'data-id'))
        self.order_status(F, order, 'AdminReview')
        self.assertFalse(F.present(sel('review-approve')), 'finance does not review')
        # The admin sends it back once with a note.
        self.sign_in(A, 'admin', 'Administrator')
        A.click(sel('nav-stamp-orders'))
        A.el(sel('review-queue-row', id=order))
        A.shot('31-stamp-orders-review-queue')
        A.click(sel('review-queue-row', id=order) + ' ' + sel('review-open'))
        self.order_status(A, order, 'AdminReview')
        A.shot('32-stamp-order-review')
        A.click(sel('review-request-changes'))
        A.el(sel('dialog-request-changes'))
        A.type_into(sel('dialog-request-changes-text'), 'increase to 800 bundles for July')
        A.click(sel('dialog-request-changes-confirm'))
        A.wait_gone(sel('dialog-request-changes'))
        self.order_status(A, order, 'ChangesRequested')
        # The submitter revises; it goes back to review.
        self.open_order(F, order)
        self.order_status(F, order, 'ChangesRequested')
        F.wait_text(sel('stamp-order-review-note'), 'increase to 800 bundles for July')
        F.type_into(sel('revise-bundles'), '450')
        F.el(sel('revise-minimum'))
        self.assertFalse(F.find(sel('revise-submit')).is_enabled())
        F.type_into(sel('revise-bundles'), '800')
        F.wait_text(sel('revise-stamps'), '40,000')
        F.wait_text(sel('revise-deposit'), '$800.00')
        F.shot('33-stamp-order-revise')
        F.click(sel('revise-submit'))
        self.order_status(F, order, 'AdminReview')
        # The admin approves; finance marks it ordered.
        self.open_order(A, order)
        self.order_status(A, order, 'AdminReview')
        A.click(sel('review-approve'))
        self.order_status(A, order, 'Approved')
        self.open_order(F, order)
        self.order_status(F, order, 'Approved')
        F.click(sel('mark-ordered'))
        self.order_status(F, order, 'Ordered')
        self.assertFalse(F.present(sel('receive-form')), 'finance does not receive stamps')
        # The supervisor receives the bundles counted, fewer than ordered.
        self.open_order(S, order)
        self.order_status(S, order, 'Ordered')
        S.type_into(sel('receive-bundles'), '780')
        S.wait_text(sel('receive-stamps'), '39,000')
        S.wait_text(sel('receive-differs'), '780 counted, 800 ordered: both are kept.')
        S.shot('34-stamp-order-receive')
        S.click(sel('receive-submit'))
        self.order_status(S, order, 'Received')
        facts = S.text(sel('stamp-order-facts'))
        self.assertIn('Bundles received\n780', facts)
        self.assertIn('Bundles ordered\n800', facts)
        # Its history, read by stamp-web from stampd's log: every step, who took it, in order.
        steps = ['submitted', 'changes_requested', 'revised', 'approved', 'ordered', 'received']
        S.wait(lambda: [e.get_attribute('data-what') for e in S.all(sel('stamp-order-history-step'))] == steps, 'the history')
        self.assertEqual([e.text for e in S.all(sel('stamp-order-history-step') + ' ' + sel('stamp-order-history-user'))],
                         ['Fiona Finance', 'Administrator', 'Fiona Finance', 'Administrator', 'Fiona Finance', 'Sam Supervisor'])
        self.assertIn('increase to 800 bundles for July', S.text(sel('stamp-order-history')))
        S.d.execute_script('arguments[0].scrollIntoView()', S.find(sel('stamp-order-history')))
        S.shot('35-stamp-order-received')
        self.made['stamp_order'] = order
        # An admin's own order: the screen offers no review, and stampd refuses one if tried.
        own = int(self.ctl(os.path.join(self.srv.dir, 'admin.token'), 'submit-stamp-order', '--region', 'qc', '--bundles', '500'))
        A.go(f'stamp-orders/{own}')
        A.el(sel('review-not-yours'))
        self.assertFalse(A.present(sel('review-approve')), 'no review of one’s own order is offered')
        A.shot('36-stamp-order-own')
        tried = A.api('ReviewStampOrder', {'order': own, 'action': 'Approve', 'note': ''})
        self.assertEqual(tried['outcome']['code'], 'SAME_USER', tried)
        self.assertEqual(tried['words'], 'You submitted this stamp order; another administrator must review it.')
        # The list filters by region and status.
        A.go('stamp-orders?region=2&status=3')
        A.el(sel('stamp-order-row', id=order))
        self.assertFalse(A.present(sel('stamp-order-row', id=own)), 'a received-only list leaves out the one in review')
        A.shot('37-stamp-orders-list')

    def test_16_ledger_shows_the_receipt_and_its_source(self):
        self.need('stamp_order')
        S = self.D
        order = self.made['stamp_order']
        self.sign_in(S, 'sup', 'Sam Supervisor')
        S.click(sel('nav-ledger'))
        S.el(sel('screen-ledger'))
        S.wait_text(sel('ledger-balance-row', region='QC') + ' ' + sel('ledger-balance'), '39,000')
        S.choose(sel('ledger-filter-region'), '2')
        row = sel('ledger-entry', kind='RECEIPT')
        S.el(row)
        self.assertEqual(S.text(row + ' ' + sel('ledger-quantity')), '+39,000')
        self.assertEqual(S.text(row + ' ' + sel('ledger-balance-after')), '39,000')
        self.assertIn('Sam Supervisor', S.text(row))
        link = S.find(row + ' ' + sel('ledger-source'))
        self.assertTrue(link.get_attribute('href').endswith(f'#/stamp-orders/{order}'))
        S.d.execute_script('arguments[0].scrollIntoView()', S.find(sel('ledger-entries')))
        S.shot('38-ledger-qc')
        # Ontario: the running balance of every entry follows from the one before it.
        S.choose(sel('ledger-filter-region'), '1')
        S.wait(lambda: len(S.all(sel('ledger-entry'))) > 1 and S.present(sel('ledger-entry', kind='USAGE')), 'Ontario’s entries')
        balance = 0
        for e in S.all(sel('ledger-entry')):
            balance += int(e.find_element(By.CSS_SELECTOR, sel('ledger-quantity')).text.replace(',', '').replace('−', '-'))
            self.assertEqual(int(e.find_element(By.CSS_SELECTOR, sel('ledger-balance-after')).text.replace(',', '')), balance)
        self.assertEqual(S.attr(sel('ledger-entry', kind='USAGE') + ' ' + sel('ledger-source'), 'data-kind'), 'po')
        S.d.execute_script('arguments[0].scrollIntoView()', S.find(sel('ledger-entries')))
        S.shot('39-ledger-on')
        S.choose(sel('ledger-filter-kind'), '3')  # REFUND_VERIFY
        S.wait(lambda: S.present(sel('ledger-empty')) or all(e.get_attribute('data-kind') == 'REFUND_VERIFY' for e in S.all(sel('ledger-entry'))),
               'only refunds at verification')
        # The period: from tomorrow there is none; up to today the receipt is there.
        S.choose(sel('ledger-filter-region'), '2')
        S.choose(sel('ledger-filter-kind'), '0')
        S.el(sel('ledger-entry', kind='RECEIPT'))
        set_day = 'arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change"));'
        tomorrow = (self.today() + datetime.timedelta(days=1)).isoformat()
        S.d.execute_script(set_day, S.find(sel('ledger-filter-from')), tomorrow)
        S.el(sel('ledger-empty'))
        self.assertIn(f'from={tomorrow}', S.route())
        S.d.execute_script(set_day, S.find(sel('ledger-filter-from')), '')
        S.d.execute_script(set_day, S.find(sel('ledger-filter-to')), self.today().isoformat())
        S.el(sel('ledger-entry', kind='RECEIPT'))
        # The receipt's source opens its order.
        S.click(sel('ledger-entry', kind='RECEIPT') + ' ' + sel('ledger-source'))
        self.order_status(S, order, 'Received')

    def test_17_a_consignee_user_cannot_reach_stamp_orders_or_the_ledger(self):
        self.need('login')
        T = self.T
        self.sign_in(T, 'acme', 'Acme Portal')
        nav = {e.get_attribute('data-test') for e in T.all(sel('nav') + ' a')}
        self.assertNotIn('nav-ledger', nav)
        self.assertNotIn('nav-stamp-orders', nav)
        for route in ('ledger', 'stamp-orders', 'stamp-orders/1'):
            T.go(route)
            T.wait(lambda: T.route() == '#/my-orders', f'#/{route} to send the consignee home')
        for kind, body in (('ListLedgerEntries', {'region': 'ON'}), ('GetBalances', {}), ('ListStampOrders', {}),
                           ('SubmitStampOrder', {'region': 'ON', 'bundles': 500})):
            tried = T.api(kind, body)
            self.assertEqual(tried.get('outcome', {}).get('code'), 'FORBIDDEN', (kind, tried))

    # ------------------------------------------------------------------ 10. invoices (issue 18)

    @staticmethod
    def cents(text):
        """"$1,234.56" / "−$1.00" → cents."""
        t = text.strip().replace(',', '').replace('$', '')
        sign = -1 if t.startswith('−') or t.startswith('-') else 1
        whole, _, frac = t.lstrip('−-').partition('.')
        return sign * (int(whole) * 100 + int(frac or 0))

    def totals(self, b, test='invoice-totals'):
        return {k: self.cents(b.text(sel(f'{test}-{k}'))) for k in ('duty', 'fees', 'subtotal', 'hst', 'total')}

    @staticmethod
    def half_up(num, den):
        """num / den rounded half-up (away from zero at the half), as SPEC §1 rounds tax."""
        q, r = divmod(abs(num), den)
        q += 1 if 2 * r >= den else 0
        return q if num >= 0 else -q

    def test_18_invoice_from_draft_to_archive_with_a_fee_and_a_credit_note(self):
        self.need('completed')
        F, C = self.T, self.S  # finance; the consignee's portal
        po = self.made['po']
        stamped = 5 * BOX_UNITS
        duty_per_unit = 8 * 12  # 15 mL: 8 increments of 2 mL, ON duty 12¢ an increment
        duty = stamped * duty_per_unit
        self.sign_in(F, 'fin', 'Fiona Finance')
        F.click(sel('nav-invoices'))
        F.el(sel('screen-invoices'))
        F.choose(sel('invoices-filter-status'), '0')
        row = sel('invoice-row', status='Draft')
        F.el(row)
        inv = int(F.attr(row, 'data-id'))
        F.shot('40-invoices-drafts')
        F.choose(sel('invoices-filter-status'), '2')
        F.el(sel('invoices-empty'))
        F.go(f'invoices/{inv}')
        F.el(sel('screen-invoice', id=inv))
        F.wait_text(sel('invoice-status'), 'Draft')
        self.assertTrue(F.attr(sel('invoice-po'), 'href').endswith(f'#/orders/{po}'))
        F.wait_text(sel('invoice-line', line=0) + ' ' + sel('invoice-line-duty'), f'${duty // 100:,}.{duty % 100:02d}')
        self.assertEqual(self.totals(F), {'duty': duty, 'fees': 0, 'subtotal': duty, 'hst': self.half_up(duty * 13, 100),
                                          'total': duty + self.half_up(duty * 13, 100)})
        # The consignee never sees a draft: not in its list, and stampd answers NOT_FOUND to it.
        self.sign_in(C, 'acme', 'Acme Portal')
        tried = C.api('GetInvoice', {'invoice': inv})
        self.assertEqual(tried.get('outcome', {}).get('code'), 'NOT_FOUND', tried)
        for kind, body in (('AddInvoiceFee', {'invoice': inv, 'preset': self.presets['HANDLING']}),
                           ('AdvanceInvoice', {'invoice': inv, 'to': 'Issued'})):
            tried = C.api(kind, body)
            self.assertEqual(tried.get('outcome', {}).get('code'), 'FORBIDDEN', (kind, tried))
        C.click(sel('nav-my-invoices'))
        C.el(sel('invoices-empty'))
        # A flat fee: the dry run's totals first, then added; a per-unit one added and removed.
        F.choose(sel('invoice-fee-preset'), self.presets['HANDLING'])
        fees = 2500
        tax = self.half_up((duty + fees) * 13, 100)
        total = duty + fees + tax
        F.wait_text(sel('invoice-fee-preview-total'), lambda t: t.endswith(f'total ${total // 100:,}.{total % 100:02d}.'))
        F.shot('41-invoice-draft-fee-preview')
        F.click(sel('invoice-fee-add'))
        F.el(sel('invoice-fee', line=0))
        F.wait(lambda: self.totals(F)['total'] == total, 'the total with the fee')
        self.assertEqual(self.totals(F), {'duty': duty, 'fees': fees, 'subtotal': duty + fees, 'hst': tax, 'total': total})
        F.choose(sel('invoice-fee-preset'), self.presets['LABEL'])
        F.wait_text(sel('invoice-fee-preview'), lambda t: t.startswith(f'With this fee: Labelling ${3 * stamped // 100}.{3 * stamped % 100:02d}.'))
        F.click(sel('invoice-fee-add'))
        F.el(sel('invoice-fee', line=1))
        F.wait(lambda: self.totals(F)['fees'] == fees + 3 * stamped, 'the per-unit fee in the totals')
        F.click(sel('invoice-fee', line=1) + ' ' + sel('invoice-fee-remove'))
        F.wait_gone(sel('invoice-fee', line=1))
        F.wait(lambda: self.totals(F)['total'] == total, 'the total without the removed fee')
        # Notes and the due date.
        due = self.today() + datetime.timedelta(days=30)
        F.type_into(sel('invoice-edit-notes'), 'Net 30, browser test')
        F.d.execute_script('arguments[0].value = arguments[1];', F.find(sel('invoice-edit-due')), due.isoformat())
        F.click(sel('invoice-edit-save'))
        F.wait_text(sel('invoice-notes'), 'Net 30, browser test')
        self.assertIn(f'{due.day} ', F.text(sel('invoice-facts')))
        F.shot('42-invoice-draft')
        # Issue: locked, and the consignee sees it without a reload.
        F.click(sel('invoice-issue'))
        F.click(sel('dialog-advance-confirm'))
        F.wait_text(sel('invoice-status'), 'Issued')
        self.assertFalse(F.present(sel('invoice-fee-preset')), 'an issued invoice takes no fees')
        self.assertFalse(F.present(sel('invoice-edit')), 'an issued invoice is locked')
        C.el(sel('invoice-row', id=inv))
        # A credit note of 100 units, its totals shown (dry run) before it is drafted.
        F.click(sel('invoice-credit'))
        F.el(sel('dialog-credit'))
        self.assertEqual(F.text(sel('credit-left', line=0)), f'{stamped:,}')
        F.type_into(sel('credit-units', line=0), '100')
        F.type_into(sel('credit-reason'), '100 units came back damaged')
        credit = -100 * duty_per_unit
        credit_tax = self.half_up(credit * 13, 100)
        F.wait(lambda: F.present(sel('credit-totals-total')) and self.cents(F.text(sel('credit-totals-total'))) == credit + credit_tax,
               'the credit note’s total in the preview')
        F.shot('43-invoice-credit-note-dialog')
        F.click(sel('credit-submit'))
        F.wait_gone(sel('dialog-credit'))
        F.wait(lambda: F.route() != f'#/invoices/{inv}', 'the credit note to open')
        note = int(F.route().rsplit('/', 1)[1])
        F.el(sel('screen-invoice', id=note))
        F.wait_text(sel('invoice-status'), 'Draft')
        self.assertTrue(F.attr(sel('invoice-credit-of'), 'href').endswith(f'#/invoices/{inv}'))
        self.assertEqual(self.totals(F), {'duty': credit, 'fees': 0, 'subtotal': credit, 'hst': credit_tax, 'total': credit + credit_tax})
        self.assertFalse(F.present(sel('invoice-fee-preset')), 'a credit note takes no fees of its own')
        F.shot('44-credit-note-draft')
        F.click(sel('invoice-issue'))
        F.click(sel('dialog-advance-confirm'))
        F.wait_text(sel('invoice-status'), 'Issued')
        # Back on the invoice: the note listed, then paid and archived, one way.
        F.click(sel('invoice-credit-of'))
        F.el(sel('invoice-credit-note', id=note))
        F.click(sel('invoice-mark-paid'))
        F.click(sel('dialog-advance-confirm'))
        F.wait_text(sel('invoice-status'), 'Paid')
        F.click(sel('invoice-archive'))
        F.click(sel('dialog-advance-confirm'))
        F.wait_text(sel('invoice-status'), 'Archived')
        self.assertFalse(F.present(sel('invoice-actions')), 'nothing moves an archived invoice on')
        tried = F.api('AdvanceInvoice', {'invoice': inv, 'to': 'Paid'})
        self.assertEqual(tried['outcome']['code'], 'WRONG_STATE', tried)
        F.shot('45-invoice-archived')
        # The consignee's portal: the invoice and its note, read-only.
        C.el(sel('invoice-row', id=note))
        C.click(sel('invoice-row', id=inv) + ' a')
        C.el(sel('screen-invoice', id=inv))
        C.wait_text(sel('invoice-status'), 'Archived')
        C.wait(lambda: self.cents(C.text(sel('invoice-totals-total'))) == total, 'the consignee’s total')
        self.assertFalse(C.present(sel('invoice-actions')) or C.present(sel('invoice-credit')))
        C.shot('46-portal-invoice')
        self.made['invoice'] = inv
        self.made['invoice_total'] = total

    # ------------------------------------------------------------------ 11. settings and people (issue 18)

    def read_in_page(self, b, kind, body, type_):
        """A read sent from the page through its api.js: the reply table, or {'error', 'code'} (the refusal's)."""
        return b.d.execute_async_script("""
            const [kind, body, type, done] = arguments;
            import('/js/api.js').then((api) => api.read(kind, body, type)).then(done, (e) => done({ error: String(e), code: e.code || null }));""",
                                        kind, body, type_)

    @staticmethod
    def notice_says(b, ok):
        """Waits for a notice (of the two shown at most) whose text satisfies `ok`."""
        def look():
            for e in b.all(sel('notice')):
                try:
                    if ok(e.text):
                        return True
                except StaleElementReferenceException:
                    pass
            return False
        b.wait(look, 'the notice')

    def test_19_admin_manages_people_and_settings(self):
        self.need('login')
        A, F = self.S, self.T  # the admin; finance
        self.sign_in(A, 'admin', 'Administrator')
        A.click(sel('nav-users'))
        A.el(sel('new-user'))
        # A new user with two roles and a first password, then a reset.
        A.type_into(sel('new-user-key'), 'olga')
        A.type_into(sel('new-user-name'), 'Olga Office')
        A.click(sel('new-user-role', role='finance'))
        A.click(sel('new-user-role', role='auditor'))
        A.type_into(sel('new-user-password'), 'office-pass-77')
        A.shot('47-users-new')
        A.click(sel('new-user-create'))
        created = A.el(sel('dialog-token') + ' ' + sel('token-shown')).text  # every new user gets one, shown once
        A.click(sel('token-close'))
        A.wait_gone(sel('dialog-token'))
        row = sel('user-row', key='olga')
        A.wait_text(row + ' ' + sel('user-roles-cell'), 'Finance and Auditor')
        olga = int(A.attr(row, 'data-id'))
        status, _ = http_request(self.web_port, 'POST', '/api/login', {'user': 'olga', 'password': 'office-pass-77'})
        self.assertEqual(status, 200, 'the first password logs in')
        A.click(row + ' ' + sel('user-set-password'))
        A.type_into(sel('set-password-new'), 'office-pass-88')
        A.type_into(sel('set-password-repeat'), 'office-pass-88')
        A.click(sel('set-password-submit'))
        A.wait_gone(sel('dialog-set-password'))
        status, _ = http_request(self.web_port, 'POST', '/api/login', {'user': 'olga', 'password': 'office-pass-88'})
        self.assertEqual(status, 200, 'the reset password logs in')
        status, _ = http_request(self.web_port, 'POST', '/api/login', {'user': 'olga', 'password': 'office-pass-77'})
        self.assertEqual(status, 401, 'the old password no longer does')
        # A station token, shown once; a second replaces it and the first stops working.
        tokens = []
        for _ in range(2):
            A.click(row + ' ' + sel('user-new-token'))
            A.click(sel('dialog-new-token-confirm'))
            tokens.append(A.el(sel('token-shown')).text)
            A.shot('48-users-station-token')
            A.click(sel('token-close'))
            A.wait_gone(sel('dialog-token'))
        self.assertNotEqual(tokens[0], tokens[1])
        self.assertNotIn(created, tokens)
        self.assertEqual(len(tokens[1]), 64)
        first, second = (self.secret_file(f'olga-{i}.token', t) for i, t in enumerate(tokens))
        self.assertIn('capacity_units', json.loads(self.ctl(second, 'get-settings', '--json')))
        with self.assertRaises(RuntimeError, msg='the replaced token is refused'):
            self.ctl(first, 'get-settings')
        # Roles changed after creation: the next login has them; the last admin keeps admin.
        A.click(row + ' ' + sel('user-edit-roles'))
        A.el(sel('dialog-edit-roles'))
        A.click(sel('edit-roles-role', role='auditor'))
        A.click(sel('edit-roles-role', role='supervisor'))
        self.assertFalse(A.present(sel('edit-roles-role', role='consignee')), 'staff are not offered the consignee role')
        A.shot('49a-users-edit-roles')
        A.click(sel('edit-roles-save'))
        A.wait_gone(sel('dialog-edit-roles'))
        A.wait_text(row + ' ' + sel('user-roles-cell'), 'Supervisor and Finance')
        status, session = http_request(self.web_port, 'POST', '/api/login', {'user': 'olga', 'password': 'office-pass-88'})
        self.assertEqual((status, sorted(session['user']['roles'])), (200, ['finance', 'supervisor']), session)
        admin_row = sel('user-row', key='admin')
        A.click(admin_row + ' ' + sel('user-edit-roles'))
        A.click(sel('edit-roles-role', role='admin'))
        A.click(sel('edit-roles-role', role='finance'))
        A.click(sel('edit-roles-save'))
        A.wait_text(sel('edit-roles-result') + ' ' + sel('refusal'), lambda t: t.startswith('The last administrator keeps the admin role'))
        self.assertEqual(A.attr(sel('edit-roles-result') + ' ' + sel('refusal'), 'data-code'), 'FORBIDDEN')
        A.shot('49b-users-last-admin-refused')
        A.click(sel('edit-roles-cancel'))
        A.wait_gone(sel('dialog-edit-roles'))
        A.wait_text(admin_row + ' ' + sel('user-roles-cell'), 'Administrator')
        A.shot('49-users')
        # Settings: each change says what it applies to; what was computed before stays.
        A.click(sel('nav-settings'))
        A.el(sel('screen-settings'))
        on = sel('settings-region', region='ON')
        self.assertEqual(A.el(on + ' ' + sel('settings-duty')).get_attribute('value'), '0.12')
        A.type_into(on + ' ' + sel('settings-duty'), '0.13')
        A.click(on + ' ' + sel('settings-region-save'))
        self.notice_says(A, lambda t: t.startswith('Ontario: duty $0.13 an increment.') and 'Invoices already drafted keep' in t)
        A.wait(lambda: A.find(on + ' ' + sel('settings-duty')).get_attribute('value') == '0.13', 'the new duty rate read back')
        if 'invoice' in self.made:
            inv = self.read_in_page(A, 'GetInvoice', {'invoice': self.made['invoice']}, 'InvoiceView')
            self.assertEqual(inv['lines'][0]['duty_cents_per_increment'], 12, 'a drafted invoice keeps its duty rate')
        pe = sel('settings-tax-row', province='PE')
        A.type_into(pe + ' ' + sel('settings-tax-rate', kind='HST'), '14.5')
        A.click(pe + ' ' + sel('settings-tax-save'))
        self.notice_says(A, lambda t: t.startswith('PE: HST 14.5 %.') and 'Applies to invoices drafted from now on' in t)
        wed = sel('settings-capacity', day='Wednesday')
        A.type_into(wed + ' ' + sel('settings-capacity-units'), '4321')
        A.click(wed + ' ' + sel('settings-capacity-save'))
        self.notice_says(A, lambda t: t.startswith('Wednesday: 4,321 units a day.') and 'nothing is moved' in t)
        settings = json.loads(self.ctl(os.path.join(self.srv.dir, 'admin.token'), 'get-settings', '--json'))
        self.assertEqual(settings['capacity_units'][2], 4321)
        self.assertEqual(settings['tax_rates'][9]['hst'], 14500)
        A.type_into(sel('settings-zone-name'), 'Mars/Olympus_Mons')
        A.click(sel('settings-zone-save'))
        A.el(sel('settings-zone-result') + ' ' + sel('refusal'))
        A.type_into(sel('settings-zone-name'), 'UTC')
        A.click(sel('settings-zone-save'))
        self.notice_says(A, lambda t: t.startswith('The warehouse’s time zone is UTC.'))
        A.type_into(sel('settings-preset-key'), 'RUSH')
        A.type_into(sel('settings-preset-name'), 'Rush order')
        A.type_into(sel('settings-preset-amount'), '50.00')
        A.click(sel('settings-preset-create'))
        A.wait_text(sel('settings-preset', key='RUSH'), lambda t: '$50.00' in t)
        A.d.execute_script('window.scrollTo(0, 0)')
        A.shot('50-settings')
        A.d.execute_script('arguments[0].scrollIntoView()', A.find(sel('settings-presets')))
        A.shot('51-settings-presets')
        # Finance has no settings or users screen, and stampd refuses its settings commands.
        self.sign_in(F, 'fin', 'Fiona Finance')
        nav = {e.get_attribute('data-test') for e in F.all(sel('nav') + ' a')}
        self.assertFalse({'nav-settings', 'nav-users'} & nav, nav)
        F.go('settings')
        F.wait(lambda: F.route() == '#/dashboard', '#/settings to send finance home')
        for kind, body in (('SetDutyRate', {'region': 'ON', 'cents_per_increment': 1}), ('SetUserToken', {'user': olga, 'token': 'x' * 32})):
            tried = F.api(kind, body)
            self.assertEqual(tried.get('outcome', {}).get('code'), 'FORBIDDEN', (kind, tried))

    # ------------------------------------------------------------------ 12. the consignee portal (issue 18)

    @classmethod
    def second_consignee(cls):
        """Beta Vapes: a PO on `full_day` that leaves it 100 units of room, and a completed PO with its
        invoice issued — another consignee's data for Acme's portal to be refused."""
        admin, sup, vic = os.path.join(cls.srv.dir, 'admin.token'), cls.tokens['sup'], cls.tokens['vic']
        ctl = cls.ctl
        beta = int(ctl(admin, 'create-consignee', '--key', 'BETA', '--name', 'Beta Vapes', '--province', 'qc'))
        product = int(ctl(admin, 'create-product', '--sku', 'BERRY30', '--consignee', str(beta), '--name', 'Berry 30 mL', '--volume-ul', '30000'))
        sh = ctl(sup, 'create-shipment', '--key', 'SH-BETA', '--consignee', str(beta))
        ctl(sup, 'start-receiving', '--shipment', sh)
        ctl(sup, 'receive-box', '--shipment', sh, '--barcode', 'BETA-BIG', '--product', str(product), '--units', '20000')
        ctl(sup, 'finish-receiving', '--shipment', sh)
        # The first weekday after the run's day: its room is filled but for 100 units.
        full_day = cls.run_day() + datetime.timedelta(days=1)
        while full_day.weekday() >= 5:
            full_day += datetime.timedelta(days=1)
        day = json.loads(ctl(sup, 'get-calendar', '--from', full_day.isoformat(), '--days', '1', '--json'))['days'][0]
        room = int(day['capacity']) - int(day['load'])
        big = int(ctl(sup, 'create-po', '--consignee', str(beta), '--shipment', sh, '--number', 'PO-BETA-BIG',
                      '--line', f'{product}:qc:{room - 100}', '--on', full_day.isoformat()))
        sh2 = ctl(sup, 'create-shipment', '--key', 'SH-BETA-2', '--consignee', str(beta))
        ctl(sup, 'start-receiving', '--shipment', sh2)
        ctl(sup, 'receive-box', '--shipment', sh2, '--barcode', 'BETA-1', '--product', str(product), '--units', '5')
        ctl(sup, 'finish-receiving', '--shipment', sh2)
        small = int(ctl(sup, 'create-po', '--consignee', str(beta), '--shipment', sh2, '--number', 'PO-BETA-SMALL', '--line', f'{product}:fed:5'))
        ctl(sup, 'start-run', '--po', str(small), '--acknowledge-shortage')
        ctl(sup, 'confirm-box', '--po', str(small), '--barcode', 'BETA-1', '--action', 'override')
        ctl(vic, 'verify-po', '--po', str(small), '--override-shortage')
        po = json.loads(ctl(sup, 'get-po', '--po', str(small), '--json'))
        ctl(cls.tokens['fin'], 'advance-invoice', '--invoice', str(po['invoice']), '--to', 'issued')
        return {'consignee': beta, 'full_day': full_day, 'big_po': big, 'small_po': small, 'invoice': po['invoice'],
                'shipment': int(sh), 'product': product}

    def test_20_portal_request_approved_in_a_second_session_and_every_refusal(self):
        self.need('login')
        C, S = self.T, self.D  # the consignee's portal; the supervisor's dashboard
        beta = self.second_consignee()
        self.made['beta_invoice'] = beta['invoice']
        sup = self.tokens['sup']
        sh = self.ctl(sup, 'create-shipment', '--key', 'SH-PORTAL', '--consignee', str(self.consignee))
        self.ctl(sup, 'start-receiving', '--shipment', sh)
        self.ctl(sup, 'receive-box', '--shipment', sh, '--barcode', 'PORTAL-1', '--product', str(self.product), '--units', '300', '--damaged', '20')
        self.ctl(sup, 'finish-receiving', '--shipment', sh)
        self.sign_in(C, 'acme', 'Acme Portal')
        self.sign_in(S, 'sup', 'Sam Supervisor')
        # The supervisor's dashboard is open before the requests come: they appear on it live.
        S.click(sel('nav-dashboard'))
        S.el(sel('pending-requests') + ' h2')
        S.wait(lambda: S.find(sel('live-status')).get_attribute('data-status') == 'live', 'the live channel')
        S.wait(lambda: not S.present(sel('pending-requests') + ' ' + sel('loading')), 'the requests panel')
        C.click(sel('nav-my-requests'))
        C.el(sel('screen-my-requests'))
        # Its shipments only, with availability per product (damaged units never count).
        avail = sel('my-shipment-product', id=sh, product=self.product) + ' ' + sel('my-shipment-available')
        C.wait_text(avail, '280')
        self.assertFalse(C.present(sel('my-shipment-product', id=beta['big_po'])))
        self.assertNotIn('SH-BETA', C.text(sel('my-shipments')))
        C.choose(sel('request-shipment'), sh)
        C.wait_text(sel('request-line', product=self.product) + ' ' + sel('request-available'), '280')
        # Too many: said before sending. Then 250 units: the day without room for them is not offered.
        C.type_into(sel('request-quantity', product=self.product), '281')
        C.wait(lambda: not C.find(sel('request-submit')).is_enabled(), 'the submit to be disabled past availability')
        C.type_into(sel('request-quantity', product=self.product), '250')
        full = beta['full_day'].isoformat()
        C.wait(lambda: C.find(sel('request-submit')).is_enabled(), 'a day to be offered')
        offered = [o.get_attribute('data-day') for o in C.all(sel('request-day') + ' option')]
        self.assertNotIn(full, offered, 'the day with room for 100 units is not offered for 250')
        self.assertTrue(all(datetime.date.fromisoformat(d).weekday() < 5 for d in offered), offered)
        C.wait_text(sel('request-day-note'), lambda t: t.startswith('1 weekday has no room for 250 units'))
        C.type_into(sel('request-quantity', product=self.product), '90')
        C.wait(lambda: full in [o.get_attribute('data-day') for o in C.all(sel('request-day') + ' option')], 'the day offered for 90 units')
        C.type_into(sel('request-quantity', product=self.product), '250')
        C.wait(lambda: full not in [o.get_attribute('data-day') for o in C.all(sel('request-day') + ' option')], 'the day taken away again')
        # stampd refuses that day too when asked directly: the page only offers what stampd would take.
        tried = C.api('SubmitRequest', {'shipment': int(sh), 'on': (beta['full_day'] - datetime.date(1970, 1, 1)).days,
                                        'lines': [{'product': self.product, 'region': 'ON', 'quantity': 250}]})
        self.assertEqual(tried['outcome']['code'], 'CAPACITY_EXCEEDED', tried)
        day = offered[0]
        offered_day = datetime.date.fromisoformat(day)
        C.choose(sel('request-day'), str((datetime.date.fromisoformat(day) - datetime.date(1970, 1, 1)).days))
        C.shot('52-portal-request-form')
        C.click(sel('request-submit'))
        row = sel('my-request', status='Pending')
        C.el(row)
        request = int(C.attr(row, 'data-id'))
        C.wait_text(avail, '280')  # a request reserves nothing
        C.shot('53-portal-request-pending')
        # The supervisor approves in a second session (the request came to the dashboard without a
        # reload, well before its 30 s fallback refresh); the portal shows the approval live.
        S.el(sel('request-row', id=request))
        S.shot('53b-dashboard-request-arrived-live')
        S.click(sel('request-row', id=request) + ' ' + sel('request-approve'))
        C.wait_text(sel('my-request', id=request) + ' ' + sel('my-request-status'), 'Approved')
        C.wait_text(avail, '30')  # now its PO holds 250
        # The request form follows too: what is left to ask for, without a reload.
        C.wait_text(sel('request-line', product=self.product) + ' ' + sel('request-available'), '30')
        C.shot('54-portal-request-approved')
        # A second request, rejected with a reason: the portal shows it, reason and all, live.
        C.type_into(sel('request-quantity', product=self.product), '30')
        C.wait(lambda: C.find(sel('request-submit')).is_enabled(), 'a day for 30')
        C.click(sel('request-submit'))
        C.wait(lambda: len(C.all(sel('my-request', status='Pending'))) == 1, 'the second request')
        second = int(C.attr(sel('my-request', status='Pending'), 'data-id'))
        S.click(sel('request-row', id=second) + ' ' + sel('request-reject'))
        S.type_into(sel('reject-reason'), 'the line is full that week')
        S.click(sel('dialog-reject') + ' [data-test$="confirm"]')
        C.wait_text(sel('my-request', id=second) + ' ' + sel('my-request-reason'), 'Reason: the line is full that week')
        C.shot('55-portal-request-rejected')
        # Its POs: the approved one is there, live.
        C.click(sel('nav-my-orders'))
        approved = json.loads(self.ctl(sup, 'list-requests', '--json'))
        po = next(r['po'] for r in approved['requests'] if r['id'] == request)
        C.el(sel('my-order-row', id=po))
        # Every refusal of the access rules, tried from the portal: stampd says no.
        for kind, body, codes in (
                ('GetPo', {'po': beta['big_po']}, ('NOT_FOUND',)),
                ('GetInvoice', {'invoice': beta['invoice']}, ('NOT_FOUND',)),
                ('GetShipment', {'shipment': beta['shipment']}, ('NOT_FOUND',)),
                ('ListInvoices', {'consignee': beta['consignee']}, ('NOT_FOUND',)),  # no other consignee exists to it
                ('ListPos', {'consignee': beta['consignee']}, ('NOT_FOUND',)),
                ('SubmitRequest', {'shipment': beta['shipment'], 'on': (offered_day - datetime.date(1970, 1, 1)).days,
                                   'lines': [{'product': beta['product'], 'region': 'QC', 'quantity': 1}]}, ('NOT_FOUND',)),
                ('GetBalances', {}, ('FORBIDDEN',)),
                ('ListLedgerEntries', {'region': 'ON'}, ('FORBIDDEN',)),
                ('GetLedgerFigures', {'region': 'ON'}, ('FORBIDDEN',)),
                ('ListStampOrders', {}, ('FORBIDDEN',))):
            if kind == 'SubmitRequest':
                tried = C.api(kind, body)
                code = tried.get('outcome', {}).get('code')
            else:
                tried = self.read_in_page(C, kind, body, None)
                code = tried.get('code')
            self.assertIn(code, codes, (kind, body, tried))
        mine = self.read_in_page(C, 'ListInvoices', {}, 'InvoiceList')
        self.assertTrue(all(i['consignee'] == self.consignee and i['status'] != 'Draft' for i in mine['invoices']), mine)
        C.click(sel('nav-my-invoices'))
        C.el(sel('screen-invoices'))
        self.assertFalse(C.present(sel('invoice-row', id=beta['invoice'])))
        C.go(f'my-invoices/{beta["invoice"]}')
        C.el(sel('screen-invoice') + ' ' + sel('refusal'))
        C.shot('56-portal-another-consignees-invoice')

    # ------------------------------------------------------------------ 13. Stamp Accounting and invoice PDFs (issue 18)

    def stamp_report(self, *args):
        """stamp-report run on stampd's data directory, as finance's batch job runs it: its output."""
        argv = [ARGS.stamp_report, *args[:1], '--data', self.data_dir, '--normal-priority', '--quiet', *args[1:]]
        r = subprocess.run(argv, capture_output=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f'stamp-report {" ".join(args)}: exit {r.returncode}: {r.stderr.decode().strip()}')
        return r.stdout

    @staticmethod
    def pdf_text(path):
        r = subprocess.run(['pdftotext', '-layout', path, '-'], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f'pdftotext {path}: exit {r.returncode}: {r.stderr}')
        return r.stdout

    @staticmethod
    def same_state(csv_text):
        """A report's CSV less how its state was loaded: a snapshot stampd wrote in between may be
        the starting point of one load and not the other's (the same LSN and chain either way)."""
        import re
        return re.sub(r'(, state digest 0x[0-9a-f]+)? \(snapshot at LSN \d+ \+ \d+ records\)', '', csv_text)

    @staticmethod
    def report_csv(text):
        """stamp-report's CSV → ({region: {figure: n}}, {region: [(kind, source, quantity)]}, computed_from row)."""
        import csv
        import io
        figures, sources, provenance = {}, {}, None
        for row in csv.DictReader(io.StringIO(text)):
            kind, region = row['row'], row['region']
            if kind == 'computed_from':
                provenance = row
            elif kind in ('opening', 'closing'):
                figures.setdefault(region, {})[kind] = int(row['balance'])
                sources.setdefault(region, [])
            elif kind in ('received', 'used', 'refunded'):
                figures.setdefault(region, {})[kind] = int(row['quantity'])
            elif kind == 'source':
                sources.setdefault(region, []).append((row['kind'], row['source'], abs(int(row['quantity']))))
        return figures, sources, provenance

    def screen_accounting(self, b):
        """The Stamp Accounting screen's figures, as the CSV reader gives stamp-report's."""
        figures, sources = {}, {}
        for panel in b.all(sel('accounting-region')):
            region = panel.get_attribute('data-region')
            figures[region] = {k: int(panel.find_element(By.CSS_SELECTOR, sel(f'accounting-{k}')).text.replace(',', ''))
                               for k in ('opening', 'received', 'used', 'refunded', 'closing')}
            sources[region] = [(r.get_attribute('data-kind'), r.get_attribute('data-source'),
                                int(r.find_element(By.CSS_SELECTOR, sel('accounting-source-quantity')).text.replace(',', '')))
                               for r in panel.find_elements(By.CSS_SELECTOR, sel('accounting-source'))]
        return figures, sources

    def test_21_stamp_accounting_on_screen_matches_stamp_report_and_invoice_pdfs(self):
        self.need('login')
        F, C, S = self.T, self.S, self.D  # finance; the consignee's portal; a supervisor
        today = self.today()
        quarter = f'{today.year}Q{(today.month - 1) // 3 + 1}'
        self.sign_in(F, 'fin', 'Fiona Finance')
        F.click(sel('nav-accounting'))
        F.el(sel('screen-accounting'))
        F.choose(sel('accounting-kind'), 'quarter')
        F.type_into(sel('accounting-quarter'), quarter)
        F.click(sel('accounting-show'))
        F.wait_text(sel('accounting-label'), f'Period {quarter}')
        F.el(sel('accounting-region', region='ON'))
        lsn = int(F.attr(sel('accounting-provenance'), 'data-lsn'))
        chain = F.attr(sel('accounting-provenance'), 'data-chain')
        self.assertGreater(lsn, 0)
        shown, shown_sources = self.screen_accounting(F)
        F.shot('57-stamp-accounting-quarter')
        F.d.execute_script('arguments[0].scrollIntoView()', F.find(sel('accounting-region', region='ON')))
        F.shot('57b-stamp-accounting-quarter-ontario')
        # stamp-report on the same data directory at the same LSN: the same figures, one by one.
        csv_text = self.stamp_report('stamp-accounting', '--quarter', quarter, '--at-lsn', str(lsn), '--format', 'csv').decode()
        figures, sources, provenance = self.report_csv(csv_text)
        self.assertEqual(shown, figures)
        self.assertEqual(shown_sources, sources)
        self.assertEqual(int(provenance['lsn']), lsn)
        self.assertIn(chain, provenance['note'])
        self.assertEqual(shown['ON']['received'], 500, 'the 500 ON stamps received at the start')
        self.assertGreater(shown['ON']['used'], 0, 'the run used ON stamps')
        self.assertIn(('RECEIPT', 'SO-000001', 500), shown_sources['ON'])
        # The CSV downloaded from the screen is stamp-report's, byte for byte; the PDF says the same.
        F.click(sel('accounting-csv'))
        with open(F.downloaded(f'stamp-accounting-{quarter}.csv'), encoding='utf-8', newline='') as f:
            self.assertEqual(self.same_state(f.read()), self.same_state(csv_text))
        F.click(sel('accounting-pdf'))
        text = self.pdf_text(F.downloaded(f'stamp-accounting-{quarter}.pdf'))
        self.assertIn('Stamp Accounting Report', text)
        self.assertIn(quarter, text)
        self.assertIn(f'LSN 1 to {lsn}', text)
        self.assertIn(chain, text)
        on = text[text.index('Ontario stamps (ON)'):]
        self.assertRegex(on, rf'Closing balance\s+{shown["ON"]["closing"]:,}')
        self.assertRegex(on, rf'Received from stamp order SO-000001\s+500')
        # A month and a range are computed too (the month of today holds the same ON receipt).
        F.choose(sel('accounting-kind'), 'month')
        F.d.execute_script('arguments[0].value = arguments[1];', F.find(sel('accounting-month')), today.strftime('%Y-%m'))
        F.click(sel('accounting-show'))
        F.wait_text(sel('accounting-label'), f'Period {today.strftime("%Y-%m")}')
        F.choose(sel('accounting-kind'), 'range')
        F.d.execute_script('arguments[0].value = arguments[1]; arguments[2].value = arguments[1];',
                           F.find(sel('accounting-from')), today.isoformat(), F.find(sel('accounting-to')))
        F.click(sel('accounting-show'))
        F.wait_text(sel('accounting-label'), f'Period {today.isoformat()} to {today.isoformat()}')
        F.el(sel('accounting-region', region='ON'))
        F.shot('58-stamp-accounting-range')
        # An invoice's PDF, downloaded from its page and read back.
        self.need('invoice')
        inv = self.read_in_page(F, 'GetInvoice', {'invoice': self.made['invoice']}, 'InvoiceView')
        F.go(f'invoices/{inv["id"]}')
        F.el(sel('screen-invoice', id=inv['id']))
        F.click(sel('invoice-pdf'))
        text = self.pdf_text(F.downloaded(f'{inv["number"]}.pdf'))
        self.assertIn(inv['number'], text)
        total = self.made['invoice_total']
        self.assertIn(f'${total // 100:,}.{total % 100:02d}', text)
        self.assertIn('Acme Vapes', text)
        F.shot('59-invoice-pdf-button')
        # A draft credit note against it: finance has its PDF, the consignee does not.
        draft = int(self.ctl(self.tokens['fin'], 'create-credit-note', '--invoice', str(inv['id']), '--line', '0:10',
                             '--reason', 'ten more units came back'))
        got = F.fetch_report({'report': 'invoice', 'invoice': draft, 'format': 'pdf'})
        self.assertEqual(got['status'], 200, got)
        self.sign_in(C, 'acme', 'Acme Portal')
        mine = C.fetch_report({'report': 'invoice', 'invoice': inv['id']})
        self.assertEqual(mine['status'], 200, mine)
        import base64
        self.assertTrue(base64.b64decode(mine['base64']).startswith(b'%PDF'), 'its own issued invoice is a PDF')
        for body, status, code in (
                ({'report': 'invoice', 'invoice': draft}, 404, 'NOT_FOUND'),  # a draft: as if it did not exist
                ({'report': 'invoice', 'invoice': 999}, 404, 'NOT_FOUND'),
                ({'report': 'stamp-accounting', 'quarter': quarter}, 403, 'FORBIDDEN'),
                ({'report': 'stamp-accounting', 'quarter': quarter, 'format': 'pdf'}, 403, 'FORBIDDEN')):
            tried = C.fetch_report(body)
            self.assertEqual((tried['status'], tried['code']), (status, code), (body, tried))
        if 'beta_invoice' in self.made:
            tried = C.fetch_report({'report': 'invoice', 'invoice': self.made['beta_invoice']})
            self.assertEqual((tried['status'], tried['code']), (404, 'NOT_FOUND'), tried)
        self.assertFalse(C.present(sel('nav-accounting')))
        C.go('accounting')
        C.wait(lambda: C.route() == '#/my-orders', '#/accounting to send the consignee home')
        C.go(f'my-invoices/{inv["id"]}')
        C.el(sel('screen-invoice', id=inv['id']) + ' ' + sel('invoice-pdf'))
        C.click(sel('invoice-pdf'))
        self.assertIn(inv['number'], self.pdf_text(C.downloaded(f'{inv["number"]}.pdf')))
        C.shot('60-portal-invoice-pdf')
        # A supervisor is staff, but the accounting is finance's and the admin's: stamp-web checks
        # the roles of the user in the data it loads.
        self.sign_in(S, 'sup', 'Sam Supervisor')
        self.assertFalse(S.present(sel('nav-accounting')))
        tried = S.fetch_report({'report': 'stamp-accounting', 'quarter': quarter})
        self.assertEqual((tried['status'], tried['code']), (403, 'FORBIDDEN'), tried)

    def test_22_without_a_data_dir_the_console_says_it_makes_no_reports(self):
        self.need('login')
        port = free_port()
        self.srv.start('stamp-web-no-data', [ARGS.stamp_web, '--listen', f'127.0.0.1:{port}',
                                             '--stampd', f'127.0.0.1:{self.stampd_port}', '--static-dir', ARGS.static_dir],
                       lambda: healthy(port))
        status, session = http_request(port, 'POST', '/api/login', {'user': 'fin', 'password': PASSWORD['fin']})
        self.assertEqual(status, 200, session)
        self.assertIs(session['reports'], False)
        # The console on this one (by the name localhost: its own cookies) says so on both screens.
        B = self.D
        B.d.get(f'http://localhost:{port}/')
        B.el(sel('screen-login'))
        B.login_ok('fin', PASSWORD['fin'], 'Fiona Finance')
        B.d.get(f'http://localhost:{port}/#/accounting')
        B.el(sel('accounting-unavailable'))
        self.assertIn('--data-dir', B.text(sel('accounting-unavailable')))
        B.shot('61-stamp-accounting-without-data-dir')
        tried = B.fetch_report({'report': 'stamp-accounting', 'quarter': '2026Q1'})
        self.assertEqual((tried['status'], tried['code']), (404, 'NO_DATA_DIR'), tried)
        if 'invoice' in self.made:
            B.d.get(f'http://localhost:{port}/#/invoices/{self.made["invoice"]}')
            B.el(sel('invoice-pdf-unavailable'))
        B.logout()


def main():
    global ARGS
    ARGS, rest = parse_args(sys.argv[1:])
    for path in (ARGS.stampd, ARGS.stamp_web, ARGS.stampctl, ARGS.stamp_report, ARGS.chromedriver):
        if not os.access(path, os.X_OK):
            sys.exit(f'browser_test: {path} is not an executable')
    began = time.monotonic()
    prog = unittest.main(argv=[sys.argv[0], *rest], exit=False, verbosity=2)
    print(f'browser_test: {time.monotonic() - began:.1f} s; screenshots in {ARGS.screenshots}', file=sys.stderr)
    sys.exit(not prog.result.wasSuccessful())


if __name__ == '__main__':
    main()
