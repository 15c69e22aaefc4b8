// The one place numbers become text: plain numbers, amounts with a unit, durations, byte counts,
// rates, percents, intervals of a relative change and p-values.
#pragma once

#include <metron/statistics/statistics.hpp>

#include <string>
#include <string_view>

namespace metron::report {

// Every number a rendering shows a reader (terminal tables, Markdown, JUnit messages, HTML) goes
// through these functions; machine-readable outputs (JSON, CSV) keep the full double.
//
// The rule: three significant digits in an adapted unit, the mantissa in [1, 1000).
// - A mantissa that is a whole number prints without a fraction: "850 ns", "42", "300 µs",
//   "5 ns", "64 KiB"; any other keeps three significant digits with their trailing zeros:
//   "2.85 ns", "1.50 s", "12.3 µs", "0.500".
// - Rounding happens before the unit is chosen, so no mantissa reads 1000: 999.5 ns is
//   "1.00 µs", 999 999 is "1.00 M".
// - The scale prefix belongs to the unit, as in SI: the number, a space, then the prefix glued to
//   the unit ("12.3 k/s", "2.90 GHz", "0.500 /s"); a plain number shows the prefix alone
//   ("1.23 M", "12.3 k"). The prefixes are k, M, G, T, P and E; plain numbers have none below 1
//   ("0.925", "0.0123") and below 0.001 take scientific notation ("1.23e-05").
// - Negative values take a leading '-': "-12.3 µs", "-1.23 k".
// - NaN is "–" (an en dash), infinities "∞" and "−∞", without a unit.
// - Percents keep a fixed form that lines up in a column: three significant digits but never
//   more than two decimals ("+12.5 %", "+2.85 %", "+0.03 %", "+0.00 %", "-150 %"); a relative
//   change always carries its sign, a share never does.
// - Byte counts use binary units (B, KiB, MiB, GiB, TiB, PiB), the mantissa in [1, 1024), three
//   significant digits ("512 B", "1.50 KiB", "251 KiB", "1023 KiB", "1.00 MiB").
// Every function here is pure and may be called from any thread; each allocates its result.

/// A plain number (a counter, a gauge, a statistic without a unit): integers below 1000 as
/// integers (`42`, `-7`), others with three significant digits and a k, M, G, T, P or E prefix
/// from 1000 on (`25.7`, `0.925`, `1.54 k`, `1.23 M`, `2 M` for 2 000 000); `–` for NaN, `∞` and
/// `−∞` for infinities.
[[nodiscard]] std::string format_number(double value);

/// A duration given in nanoseconds, in ps, ns, µs, ms or s so that the mantissa is in
/// [1, 1000): `400 ps` (0.4), `2.85 ns` (2.85), `850 ns`, `12.3 µs` (12345), `1.50 s`; past
/// 1000 s it stays in seconds (`1230 s`). Zero is `0 ns`.
[[nodiscard]] std::string format_duration(double nanoseconds);

/// A byte count in binary units: `512 B`, `1.50 KiB` (1536), `64 KiB`, `1.00 MiB` (1048575).
/// Fractions of a byte (a mean) below 1024 B keep three significant digits: `512 B`, `12.5 B`.
[[nodiscard]] std::string format_bytes(double bytes);

/// A rate in events per second: `12.3 k/s`, `0.500 /s`, `25 /s`; format_amount() with `/s`.
[[nodiscard]] std::string format_rate(double per_second);

/// A value in `unit`, as the unit asks:
/// - `ns`, `us`, `µs`, `ms` and `s` are durations, shown through format_duration() in the
///   adapted unit (250 in `us` is `250 µs`, 1000 in `ms` is `1 s`);
/// - `B` and `bytes` are byte counts (format_bytes());
/// - an empty unit is a plain number (format_number());
/// - any other unit follows the number with the prefix glued to it: `12.3 k/s`, `2.90 GHz`,
///   `0.500 /s`, `3 items`; `1/s` (Google Benchmark's rates) is written `/s`.
///
/// Values that are not finite show no unit: `–`, `∞`, `−∞`.
[[nodiscard]] std::string format_amount(double value, std::string_view unit);

/// A relative change given as a fraction, in percent with its sign: `+12.5 %` (0.125),
/// `-2.85 %`, `+0.03 %`, `+0.00 %`, `+150 %`; `–` for NaN, `+∞ %` and `−∞ %` for infinities.
[[nodiscard]] std::string format_percent(double fraction);

/// A share given as a fraction (a coefficient of variation, a CPU share), in percent without a
/// sign: `72.0 %`, `99.8 %`, `0.50 %`, `100 %`; `–` for NaN.
[[nodiscard]] std::string format_share(double fraction);

/// An interval of a relative change, both bounds as format_percent() shows them and the unit
/// once: `[+1.00, +9.00] %`, `[-12.5, +3.20] %`; `–` when a bound is not finite.
[[nodiscard]] std::string format_interval(const analysis::interval& range);

/// A p-value (or any probability): three significant digits, scientific below 0.001: `0.0123`,
/// `0.500`, `1`, `0`, `2.35e-05`; `–` for NaN.
[[nodiscard]] std::string format_p(double p);

}  // namespace metron::report
