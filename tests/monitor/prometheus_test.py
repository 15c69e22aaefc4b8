"""A real Prometheus server scrapes the instrumented program's /metrics; the test asks
Prometheus' HTTP API for the counts, counters, gauges and quantiles the workload produced, and
promtool checks the exposition."""
import json
import os
import subprocess
import tempfile
import urllib.parse

import e2e


def query(prometheus_port, expression):
    """The value of an instant query, or None while Prometheus has no sample."""
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (
        prometheus_port, urllib.parse.urlencode({"query": expression}))
    try:
        status, body = e2e.http_get(url)
    except OSError:
        return None
    answer = json.loads(body)
    if status != 200 or answer.get("status") != "success" or not answer["data"]["result"]:
        return None
    return float(answer["data"]["result"][0]["value"][1])


def main():
    args = e2e.arguments()
    out = e2e.output_dir(args.output)
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "monitor.yaml")
        e2e.write_config(args.config, config, 0, e2e.free_port(e2e.socket.SOCK_DGRAM))
        with e2e.program(args.program, config) as fixture:
            status, metrics = e2e.http_get("http://127.0.0.1:%d/metrics" % fixture.port)
            e2e.check(status == 200, "/metrics answers 200")
            with open(os.path.join(out, "metrics.txt"), "w") as saved:
                saved.write(metrics)
            lint = subprocess.run(["promtool", "check", "metrics"], input=metrics, text=True,
                                  capture_output=True)
            e2e.check(lint.returncode == 0,
                      "promtool check metrics accepts the exposition " + lint.stdout + lint.stderr)

            prometheus_port = e2e.free_port()
            scrape = os.path.join(work, "prometheus.yml")
            with open(scrape, "w") as settings:
                settings.write(
                    "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: metron\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % fixture.port)
            command = ["prometheus", "--config.file=" + scrape,
                       "--storage.tsdb.path=" + os.path.join(work, "tsdb"),
                       "--web.listen-address=127.0.0.1:%d" % prometheus_port]
            with e2e.background(command, os.path.join(out, "prometheus.log")):
                count = e2e.wait_for(lambda: query(prometheus_port, "work_step_seconds_count"), 60,
                                     "Prometheus to scrape work_step_seconds_count")
                e2e.check(count == 1000, "Prometheus saw 1000 work.step brackets (got %s)" % count)
                up = query(prometheus_port, 'up{job="metron"}')
                e2e.check(up == 1, "the scrape target is up")
                items = query(prometheus_port, "work_items_total")
                e2e.check(items == 3000, "the counter work_items_total is 3000 (got %s)" % items)
                queue = query(prometheus_port, "work_queue")
                e2e.check(queue == 999, "the gauge work_queue is 999 (got %s)" % queue)
                jobs = query(prometheus_port, "work_job_size_count")
                e2e.check(jobs == 1000, "1000 work.job records were aggregated (got %s)" % jobs)
                total = query(prometheus_port, "work_job_size_sum")
                e2e.check(total == 500500, "their sizes add up to 500500 (got %s)" % total)
                # Sizes 1 … 1000 in order: exact quantiles 500.5, 900.1, 990.01; P² within 2 %.
                for level, exact in (("0.5", 500.5), ("0.9", 900.1), ("0.99", 990.01)):
                    got = query(prometheus_port, 'work_job_size{quantile="%s"}' % level)
                    e2e.check(got is not None and abs(got - exact) <= 0.02 * exact,
                              "quantile %s of work.job.size is %s, exact %s" % (level, got, exact))
                # 900 steps of 50 µs and 100 of 2 ms: the median is short, the 99th long.
                p50 = query(prometheus_port, 'work_step_seconds{quantile="0.5"}')
                e2e.check(p50 is not None and 50e-6 <= p50 < 1e-3,
                          "the median step lasts 50 µs to 1 ms (got %s s)" % p50)
                p99 = query(prometheus_port, 'work_step_seconds{quantile="0.99"}')
                e2e.check(p99 is not None and p99 >= 1.9e-3,
                          "the 99th percentile step lasts at least 1.9 ms (got %s s)" % p99)
                rss = query(prometheus_port, "process_resident_memory_bytes")
                e2e.check(rss is not None and rss > 1e6, "the resident memory gauge is set (%s)" % rss)
                cpu = query(prometheus_port, "process_cpu_user_seconds")
                e2e.check(cpu is not None and cpu > 0.01,
                          "the user CPU time gauge counts the busy workload (%s s)" % cpu)
    print("PASS")


if __name__ == "__main__":
    main()
