#!/usr/bin/env Rscript
# Plots of a `metron report --format csv` file with ggplot2: each metric's distribution with the
# baseline overlaid, box plots side by side, and the change of the medians.
#
#   metron report --spec specs/probe-bench.yaml head.json --baseline base.json -o report.csv
#   Rscript reports/metron_report.R report.csv plots/
#
# Writes distributions.png, boxplots.png and, when the CSV has a baseline, changes.png into the
# output folder. Infinite and missing values are counted and left out of the plots.
suppressPackageStartupMessages(library(ggplot2))

arguments <- commandArgs(trailingOnly = TRUE)
if (length(arguments) != 2) {
  message("usage: Rscript metron_report.R REPORT.csv OUTPUT_FOLDER")
  quit(status = 2)
}
csv_path <- arguments[[1]]
output <- arguments[[2]]

samples <- tryCatch(
  read.csv(csv_path, colClasses = c(metric = "character", unit = "character",
                                    side = "character", sample = "integer", value = "numeric"),
           na.strings = "NA", check.names = FALSE),
  error = function(e) {
    message(sprintf("%s: not a metron report CSV: %s", csv_path, conditionMessage(e)))
    quit(status = 2)
  })
expected <- c("metric", "unit", "side", "sample", "value")
if (!identical(names(samples), expected)) {
  message(sprintf("%s: the header is '%s'; expected '%s'", csv_path,
                  paste(names(samples), collapse = ","), paste(expected, collapse = ",")))
  quit(status = 2)
}
dir.create(output, showWarnings = FALSE, recursive = TRUE)

dropped <- sum(!is.finite(samples$value))
if (dropped > 0) {
  message(sprintf("%s: %d infinite or missing value(s) left out of the plots", csv_path, dropped))
}
samples <- samples[is.finite(samples$value), ]
if (nrow(samples) == 0) {
  message(sprintf("%s: no finite sample to plot", csv_path))
  quit(status = 2)
}
samples$label <- ifelse(samples$unit == "", samples$metric,
                        sprintf("%s (%s)", samples$metric, samples$unit))
samples$side <- factor(samples$side, levels = c("baseline", "candidate"))
side_colours <- c(baseline = "#9ca3af", candidate = "#2563eb")
metrics <- length(unique(samples$label))
columns <- min(3, metrics)
rows <- ceiling(metrics / columns)
size <- function(name, plot) {
  ggsave(file.path(output, name), plot, width = 4 * columns, height = 3 * rows + 0.8, dpi = 100)
}

distributions <- ggplot(samples, aes(x = value, fill = side)) +
  geom_histogram(aes(y = after_stat(density)), bins = 30, position = "identity", alpha = 0.55,
                 colour = NA) +
  facet_wrap(~label, scales = "free", ncol = columns) +
  scale_fill_manual(values = side_colours, drop = FALSE) +
  labs(title = "Distribution of each metric, baseline overlaid", x = "value (unit in the panel title)",
       y = "density", fill = NULL) +
  theme_minimal() + theme(legend.position = "top")
size("distributions.png", distributions)

boxes <- ggplot(samples, aes(x = side, y = value, fill = side)) +
  geom_boxplot(outlier.shape = 1, width = 0.6) +
  facet_wrap(~label, scales = "free_y", ncol = columns) +
  scale_fill_manual(values = side_colours, drop = FALSE) +
  labs(title = "Box plots: baseline and candidate", x = NULL, y = "value (unit in the panel title)",
       fill = NULL) +
  theme_minimal() + theme(legend.position = "top")
size("boxplots.png", boxes)

medians <- aggregate(value ~ label + side, data = samples, FUN = median)
wide <- reshape(medians, idvar = "label", timevar = "side", direction = "wide")
if (all(c("value.baseline", "value.candidate") %in% names(wide))) {
  wide <- wide[is.finite(wide$value.baseline) & wide$value.baseline != 0 &
                 is.finite(wide$value.candidate), ]
  wide$change <- 100 * (wide$value.candidate / wide$value.baseline - 1)
  wide$direction <- ifelse(wide$change > 0, "larger", "smaller")
  changes <- ggplot(wide, aes(x = change, y = reorder(label, change), fill = direction)) +
    geom_col(width = 0.6) +
    geom_vline(xintercept = 0, colour = "#6b7280") +
    scale_fill_manual(values = c(larger = "#dc2626", smaller = "#0d9488")) +
    labs(title = "Change of the median against the baseline", x = "change of the median (%)",
         y = NULL, fill = "candidate median") +
    theme_minimal() + theme(legend.position = "top")
  ggsave(file.path(output, "changes.png"), changes, width = 8,
         height = 1.5 + 0.4 * nrow(wide), dpi = 100)
}
