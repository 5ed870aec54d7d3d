#include "sim/report/run_plots.h"

#include <string>

namespace packsim::report {

namespace {

// Tableau 10: distinguishable, and readable printed in grey.
constexpr const char* kBlue{"#1f77b4"};
constexpr const char* kOrange{"#ff7f0e"};
constexpr const char* kGreen{"#2ca02c"};
constexpr const char* kRed{"#d62728"};
constexpr const char* kPurple{"#9467bd"};
constexpr const char* kBrown{"#8c564b"};
constexpr const char* kGrey{"#7f7f7f"};

constexpr double kPercentPerFraction{100.0};
constexpr double kMillivoltsPerVolt{1000.0};
// FET lanes: DSG on [0, 1], CHG on [1.5, 2.5], so the two never overlap.
constexpr double kChgLaneOffset{1.5};
constexpr int kFetPlotHeightPx{170};

PlotSeries series(const TraceTable& trace, const std::string& signal, const std::string& label, const char* color,
                  double scale = 1.0) {
  return PlotSeries{label, color, trace.column(signal), scale, 0.0, false};
}

// Optional extras join a plot only when the scenario made the runner record them.
void add_if_recorded(Plot& plot, const TraceTable& trace, const std::string& signal, const std::string& label,
                     const char* color, double scale = 1.0) {
  if (trace.column(signal) != nullptr) plot.series.push_back(series(trace, signal, label, color, scale));
}

}  // namespace

std::vector<Plot> run_plots(const TraceTable& trace) {
  std::vector<Plot> plots;

  Plot pack_voltage{"Pack voltage", "voltage (V)", {}, {}, 220};
  pack_voltage.series.push_back(series(trace, "pack_v", "pack_v (cells' side)", kBlue));
  pack_voltage.series.push_back(series(trace, "load_v", "load_v (PACK pins)", kOrange));
  plots.push_back(std::move(pack_voltage));

  Plot cell_voltage{"Cell voltage", "voltage (V)", {}, {}, 220};
  cell_voltage.series.push_back(series(trace, "max_cell_v", "max_cell_v", kRed));
  add_if_recorded(cell_voltage, trace, "mean_cell_v", "mean_cell_v", kGrey);
  cell_voltage.series.push_back(series(trace, "min_cell_v", "min_cell_v", kBlue));
  plots.push_back(std::move(cell_voltage));

  Plot spread{"Cell spread", "max - min cell (mV)", {}, {}, 180};
  spread.series.push_back(series(trace, "cell_spread", "cell_spread", kPurple, kMillivoltsPerVolt));
  plots.push_back(std::move(spread));

  Plot current{"Pack current", "current (A)", {}, {}, 200};
  current.series.push_back(series(trace, "pack_current", "pack_current (+ discharge, - charge)", kGreen));
  plots.push_back(std::move(current));

  Plot temperature{"Cell temperature", "temperature (\u00B0C)", {}, {}, 200};
  temperature.series.push_back(series(trace, "max_cell_temp", "max_cell_temp", kRed));
  temperature.series.push_back(series(trace, "min_cell_temp", "min_cell_temp", kBlue));
  add_if_recorded(temperature, trace, "ambient", "ambient", kGrey);
  plots.push_back(std::move(temperature));

  Plot soc{"State of charge", "SOC (%)", {}, {}, 200};
  soc.series.push_back(series(trace, "soc", "soc (mean of cells)", kBlue, kPercentPerFraction));
  add_if_recorded(soc, trace, "min_soc", "min_soc", kGrey, kPercentPerFraction);
  add_if_recorded(soc, trace, "max_soc", "max_soc", kGrey, kPercentPerFraction);
  add_if_recorded(soc, trace, "service.soc", "service.soc (BMS, JBD)", kOrange, kPercentPerFraction);
  add_if_recorded(soc, trace, "can.soc", "can.soc (BMS, CAN)", kBrown, kPercentPerFraction);
  plots.push_back(std::move(soc));

  Plot fets{"FETs", "state", {}, {}, kFetPlotHeightPx};
  fets.series.push_back(PlotSeries{"chg_fet", kOrange, trace.column("chg_fet"), 1.0, kChgLaneOffset, true});
  fets.series.push_back(PlotSeries{"dsg_fet", kBlue, trace.column("dsg_fet"), 1.0, 0.0, true});
  fets.fixed_y = FixedYAxis{-0.3, kChgLaneOffset + 1.3,
                            {{0.0, "DSG off"}, {1.0, "DSG on"}, {kChgLaneOffset, "CHG off"}, {kChgLaneOffset + 1.0, "CHG on"}}};
  plots.push_back(std::move(fets));
  return plots;
}

}  // namespace packsim::report
