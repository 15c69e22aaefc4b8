"""`metron serve` under hostile clients, with its default limits: while 8 slowloris clients and
50 idle keep-alive connections are open, every /metrics is answered within 2 s; slowloris clients
are cut off after the whole-request limit (3 s) though they never pause long; idle keep-alive
connections are closed after 2 s; methods other than GET and HEAD get 405 as soon as the request
line is read, a POST without its body included; connections are capped per client address (16)
and in total (128), quiet ones making room first; the listen backlog is not 5.

Clients come from distinct loopback addresses (127.0.0.x) so that the per-client cap applies to
each as it would to separate hosts."""
import argparse
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import e2e

REQUEST_TIMEOUT = 3.0
IDLE_TIMEOUT = 2.0
PER_CLIENT = 16
TOTAL = 128
SCRAPE_DEADLINE = 2.0


class server_address:
    def __init__(self, port):
        self.port = port

    def connect(self, source="127.0.0.1"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((source, 0))
        sock.settimeout(SCRAPE_DEADLINE)
        sock.connect(("127.0.0.1", self.port))
        return sock


def read_response(sock, seconds):
    """(status, headers, body) of one response, or None when the connection ends or time is up."""
    sock.settimeout(seconds)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        return int(lines[0].split()[1]), headers, body
    except (socket.timeout, ConnectionError):
        return None


def closed_within(sock, seconds):
    """Whether the server ends the connection within `seconds` (anything it sends first is read)."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            sock.settimeout(left)
            if not sock.recv(65536):
                return True
    except socket.timeout:
        return False
    except ConnectionError:
        return True


def scrape(server, source="127.0.0.1"):
    """The time /metrics took, connecting included, or None when it failed or took too long."""
    start = time.monotonic()
    try:
        sock = server.connect(source)
    except OSError:
        return None
    with sock:
        try:
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: metron\r\nConnection: close\r\n\r\n")
        except OSError:
            return None
        response = read_response(sock, SCRAPE_DEADLINE)
    elapsed = time.monotonic() - start
    if response is None or response[0] != 200 or elapsed >= SCRAPE_DEADLINE:
        return None
    return elapsed


def check_scrapes(server, count, what):
    times = []
    for _ in range(count):
        elapsed = scrape(server)
        e2e.check(elapsed is not None, "/metrics answered within %g s %s" % (SCRAPE_DEADLINE, what))
        times.append(elapsed)
        time.sleep(0.05)
    return times


def attack(server):
    """8 slowloris clients and 50 idle keep-alive connections, then /metrics scrapes."""
    started = time.monotonic()
    idle = []
    for index in range(50):
        sock = server.connect("127.0.0.%d" % (10 + index // 10))
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: metron\r\n\r\n")
        idle.append(sock)
    responses = [read_response(sock, SCRAPE_DEADLINE) for sock in idle]
    e2e.check(all(response is not None and response[0] == 200 for response in responses),
              "50 keep-alive clients are answered and keep their connections")
    answered = time.monotonic()
    message = b"GET /metrics HTTP/1.1\r\nHost: metron\r\nUser-Agent: slow\r\n\r\n"
    slow = [server.connect("127.0.0.%d" % (2 + index)) for index in range(8)]
    slow_started = time.monotonic()
    stop = threading.Event()

    def dribble():
        # One header byte per client every second: never a pause that a per-read timeout catches.
        for position in range(len(message)):
            for sock in slow:
                try:
                    sock.send(message[position:position + 1])
                except OSError:
                    pass
            if stop.wait(1.0):
                return

    dribbler = threading.Thread(target=dribble)
    dribbler.start()
    try:
        time.sleep(0.2)
        times = check_scrapes(server, 10, "with 8 slowloris and 50 idle keep-alive clients")
        print("measured: /metrics under attack: max %.1f ms over %d fetches (median %.1f ms)" %
              (1000 * max(times), len(times), 1000 * sorted(times)[len(times) // 2]))
        e2e.check(all(closed_within(sock, answered + IDLE_TIMEOUT + 1.0 - time.monotonic())
                      for sock in idle),
                  "the 50 idle keep-alive connections are closed after %g s" % IDLE_TIMEOUT)
        e2e.check(all(closed_within(sock, slow_started + REQUEST_TIMEOUT + 1.0 - time.monotonic())
                      for sock in slow),
                  "the 8 slowloris clients, still sending, are cut off after %g s" % REQUEST_TIMEOUT)
    finally:
        stop.set()
        dribbler.join()
        for sock in idle + slow:
            sock.close()
    print("attack part took %.1f s" % (time.monotonic() - started))


def methods(server):
    """Other methods get 405 at once, even with their body or headers still to come."""
    for request in [b"TRACE / HTTP/1.1\r\nHost: metron\r\n\r\n",
                    b"BREW /metrics HTTP/1.1\r\nHost: metron\r\n\r\n",
                    b"DELETE /api/metrics HTTP/1.1\r\nHost: metron\r\n\r\n",
                    b"OPTIONS * HTTP/1.1\r\nHost: metron\r\n\r\n",
                    # A POST that announces a body and never sends it, one without a length, one
                    # whose headers never end: none may hold the server.
                    b"POST /metrics HTTP/1.1\r\nHost: metron\r\nContent-Length: 100\r\n\r\n",
                    b"POST /metrics HTTP/1.1\r\nHost: metron\r\n\r\n",
                    b"POST /metrics HTTP/1.1\r\n"]:
        held = [server.connect("127.0.0.40") for _ in range(4)]
        try:
            for sock in held:
                sock.sendall(request)
            start = time.monotonic()
            responses = [read_response(sock, 1.0) for sock in held]
            elapsed = time.monotonic() - start
            e2e.check(all(response is not None and response[0] == 405 and
                          response[1].get("allow") == "GET, HEAD" and
                          response[1].get("connection") == "close" for response in responses) and
                      elapsed < 1.0,
                      "%r: 405 with Allow: GET, HEAD and Connection: close within 1 s, 4 times" %
                      request.decode())
            check_scrapes(server, 1, "while those 4 connections are still open")
        finally:
            for sock in held:
                sock.close()


def caps(server):
    """16 busy connections from one address, 128 in all; quiet ones make room for newcomers."""
    busy = []
    try:
        for _ in range(PER_CLIENT):
            sock = server.connect("127.0.0.20")
            sock.sendall(b"GET /metrics HTTP/1.1\r\n")
            busy.append(sock)
        time.sleep(0.1)
        extra = server.connect("127.0.0.20")
        busy.append(extra)
        e2e.check(closed_within(extra, 1.0),
                  "a 17th connection from a client with 16 busy ones is refused at once")
        check_scrapes(server, 1, "from another client meanwhile")

        quiet = [server.connect("127.0.0.29") for _ in range(PER_CLIENT)]
        busy += quiet
        time.sleep(0.1)
        newcomer = server.connect("127.0.0.29")
        busy.append(newcomer)
        newcomer.sendall(b"GET /metrics HTTP/1.1\r\nHost: metron\r\nConnection: close\r\n\r\n")
        response = read_response(newcomer, SCRAPE_DEADLINE)
        e2e.check(response is not None and response[0] == 200,
                  "a 17th connection from a client with 16 silent ones is served")
        e2e.check(closed_within(quiet[0], 1.0), "... and the oldest silent one closed to make room")

        for address in range(21, 28):
            for _ in range(PER_CLIENT):
                sock = server.connect("127.0.0.%d" % address)
                sock.sendall(b"GET /metrics HTTP/1.1\r\n")
                busy.append(sock)
        time.sleep(0.1)
        over = server.connect("127.0.0.28")
        busy.append(over)
        e2e.check(closed_within(over, 1.0),
                  "a connection beyond %d busy ones in all is refused at once" % TOTAL)
    finally:
        for sock in busy:
            sock.close()
    time.sleep(0.1)
    check_scrapes(server, 1, "once the busy clients are gone")


def backlog(port):
    with open("/proc/sys/net/core/somaxconn") as limit:
        expected = min(4096, int(limit.read()))
    listing = subprocess.run(["ss", "-ltnH", "sport = :%d" % port], capture_output=True,
                             text=True, check=True).stdout.split()
    # State, Recv-Q, Send-Q (the backlog of a listening socket), local address, peer address.
    e2e.check(len(listing) >= 3 and listing[2] == str(expected),
              "the listen backlog is %d: %s" % (expected, " ".join(listing)))


def help_text(metron):
    """--help states the limits, and its footer once."""
    text = subprocess.run([metron, "serve", "--help"], capture_output=True, text=True,
                          check=True).stdout
    e2e.check(text.count("Exit codes:") == 1, "serve --help prints 'Exit codes:' once")
    e2e.check("within 3 s" in text and "closed after 2 s" in text and "16 per client" in text and
              "backlog is 4096" in text, "serve --help states the server's limits")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metron", required=True)
    parser.add_argument("--quickstart", required=True)
    parser.add_argument("--parts", default="help,backlog,attack,methods,caps",
                        help="which parts to run, comma-separated")
    args = parser.parse_args()
    parts = args.parts.split(",")
    if "help" in parts:
        help_text(args.metron)
    with tempfile.TemporaryDirectory() as work:
        capture = os.path.join(work, "run.mtr")
        subprocess.run([args.metron, "record", "-o", capture, "--", args.quickstart], check=True,
                       stdout=subprocess.DEVNULL)
        server = subprocess.Popen([args.metron, "serve", capture, "--port", "0"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            e2e.check(line.startswith("serving "), "metron serve announces its address: " + line.strip())
            port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
            address = server_address(port)
            for part, run in [("backlog", lambda: backlog(port)), ("attack", lambda: attack(address)),
                              ("methods", lambda: methods(address)), ("caps", lambda: caps(address))]:
                if part in parts:
                    run()
        finally:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=20)
        e2e.check(code == 0, "SIGTERM ends metron serve with status 0 (got %s)" % code)
    print("PASS")


if __name__ == "__main__":
    main()
