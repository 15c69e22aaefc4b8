// A statsd backend for the monitor's end-to-end test: appends each flush's counters, gauges and
// timer counts to the JSON-lines file named by the configuration's `metronOutput`.
const fs = require("fs");

exports.init = function init(startupTime, config, events) {
  events.on("flush", (timestamp, metrics) => {
    const line = JSON.stringify({
      timestamp,
      counters: metrics.counters,
      gauges: metrics.gauges,
      timer_counters: metrics.timer_counters,
    });
    fs.appendFileSync(config.metronOutput, line + "\n");
  });
  return true;
};
